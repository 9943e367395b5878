"""Sending a payment to the gateway and following it up: no transaction is open during an HTTP call, an unknown
outcome is left to the reconciler, and a page address we may not follow is never handed to the browser."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from gkh_web.db.engine import session_scope
from gkh_web.db.models import (
    Payment,
    stored_id,
    utc_now,
)
from gkh_web.domain import payment_states as ps
from gkh_web.domain.fiscal_receipt import FiscalReceipt
from gkh_web.services.payments import gateway_pages
from gkh_web.services.payments.fiscal import fiscal_receipt_of
from gkh_web.services.payments.gateway_client import (
    GatewayPayment,
    GatewayRejected,
    GatewayUnavailable,
    IdempotencyConflict,
    PaymentGateway,
)
from gkh_web.services.payments.status import (
    SessionFactory,
    _applied_answer,
    _in_database,
    _load,
    _noted,
    _review,
    apply_gateway_payment,
    transition,
)

log = logging.getLogger(__name__)


MSG_PAGE_REFUSED = (
    "Платёжная система прислала недопустимый адрес страницы оплаты. Платёж остановлен и передан на проверку, "
    "деньги не списаны"
)


@dataclass(frozen=True)
class StartResult:
    """What the payment page does next: go to ``confirmation_url``, wait, or show the final status."""

    status: str
    confirmation_url: str | None
    message: str


def _metadata(payment: Payment) -> dict[str, str]:
    return {"payment_id": payment.public_id}


def _current_result(session: Session, payment_id: int) -> StartResult:
    return _start_result(_load(session, payment_id, lock=False))


CreateRequest = tuple[tuple[str, int, str, str, "str | None", dict[str, str]], int, "FiscalReceipt | None"]
"""(the create's positional arguments, the commission, the fiscal receipt): exactly what was stored, so a
replay is identical."""


def _submit(session: Session, payment_id: int, return_url: str, now: datetime | None) -> StartResult | CreateRequest:
    """T1: CREATED → SUBMITTED committed, and what to send; a payment past CREATED gives its result instead."""
    payment = _load(session, payment_id)
    if payment.status != ps.CREATED:
        return _start_result(payment)
    payment.return_url = payment.return_url or return_url
    transition(session, payment_id, ps.SUBMITTED, source="app", now=now)
    request = (
        payment.idempotency_key,
        payment.amount_kopecks,
        payment.description,
        payment.return_url or "",
        payment.method,
        _metadata(payment),
    )
    commission = payment.commission_kopecks
    receipt = fiscal_receipt_of(session, payment)
    session.commit()
    return request, commission, receipt


IDEMPOTENCY_CONFLICT_NOTE = "idempotency key used with another body: the gateway's payment, if any, stands"


def conflicted(session: Session, payment_id: int, now: datetime | None) -> None:
    """The gateway says our key already went with another body: a payment may exist there under that key.

    Not a refusal — failing the payment would release its documents while the payer may still pay
    on the gateway's page — and never a fresh key (a second payment). The payment stays as it is,
    goes to review once (however often the reconciler hears it again), and its gateway payment, if
    any, still finds it by ``metadata.payment_id`` when notified. Commits.
    """
    payment = _load(session, payment_id)
    if not _noted(session, payment_id, IDEMPOTENCY_CONFLICT_NOTE):
        log.error("payment %s: %s", payment_id, IDEMPOTENCY_CONFLICT_NOTE)
        _review(session, payment, "gateway", IDEMPOTENCY_CONFLICT_NOTE, now or utc_now())
    session.commit()


def _rejected(session: Session, payment_id: int, error: GatewayRejected, now: datetime | None) -> StartResult:
    transition(
        session,
        payment_id,
        ps.FAILED,
        source="gateway",
        failure_reason="gateway_rejected",
        detail={"http_status": error.status_code, "code": error.code},
        now=now,
    )
    session.commit()
    return _current_result(session, payment_id)


def _answered(
    session: Session,
    payment_id: int,
    gp: GatewayPayment,
    refused: bool,
    now: datetime | None,
) -> StartResult:
    """T2: the gateway's answer applied; a page address we may not follow puts the payment to review."""
    apply_gateway_payment(session, payment_id, gp, source="gateway", now=now)
    if refused:
        _review(
            session,
            _load(session, payment_id),
            "app",
            "confirmation_url refused: " + _url_summary(gp.confirmation_url or ""),
            now or utc_now(),
        )
    session.commit()
    return _current_result(session, payment_id)


async def start_payment(
    payment_id: int,
    gateway: PaymentGateway,
    return_url: str,
    *,
    session_factory: SessionFactory = session_scope,
    now: datetime | None = None,
) -> StartResult:
    """Send a CREATED payment to the gateway; no transaction is open during the HTTP call.

    T1: CREATED → SUBMITTED (and the return URL) committed. HTTP create with the
    stored idempotency key. T2: the answer applied (usually AWAITING_CUSTOMER
    with the page URL). GatewayUnavailable leaves SUBMITTED: the reconciler
    replays the create with the same key. GatewayRejected → FAILED. A payment
    not in CREATED is not sent again: the result reflects its current state.
    """
    submitted = await _in_database(session_factory, _submit, payment_id, return_url, now)
    if isinstance(submitted, StartResult):
        return submitted
    request, commission, receipt = submitted
    try:
        gp = await gateway.create(*request, commission_kopecks=commission, receipt=receipt)
    except GatewayUnavailable as error:
        log.warning("payment %s: gateway create outcome unknown: %s", payment_id, error)
        return await _in_database(session_factory, _current_result, payment_id)
    except IdempotencyConflict:
        await _in_database(session_factory, conflicted, payment_id, now)
        return await _in_database(session_factory, _current_result, payment_id)
    except GatewayRejected as error:
        return await _in_database(session_factory, _rejected, payment_id, error, now)
    refused = bool(gp.confirmation_url) and gateway_pages.browser_address(gp.confirmation_url) is None
    result = await _in_database(session_factory, _answered, payment_id, gp, refused, now)
    if refused:  # nobody will pay on that page: release the documents now rather than at the expiry
        await _cancel_at_gateway(payment_id, gp.id, request[0], gateway, session_factory, now=now)
    return result


async def _cancel_at_gateway(
    payment_id: int,
    gateway_payment_id: str,
    key: str,
    gateway: PaymentGateway,
    session_factory: SessionFactory,
    *,
    now: datetime | None = None,
) -> bool:
    """Cancel a payment nobody will finish on the gateway's page and apply what the gateway says; True if it moved.

    Too late to cancel (the money was taken a moment ago): the gateway refuses, its own view is
    read instead and the payment succeeds as usual. Gateway trouble changes nothing: the
    reconciler cancels it at the expiry.
    """
    try:
        try:
            gp = await gateway.cancel(gateway_payment_id, f"{key}-cancel")
        except GatewayRejected:
            gp = await gateway.get(gateway_payment_id)
    except (GatewayUnavailable, GatewayRejected) as error:
        log.info("payment %s: not cancelled now (%s); the reconciler will", payment_id, error)
        return False
    return await _in_database(session_factory, _applied_answer, payment_id, gp, "app", now)


def _url_summary(url: str) -> str:
    """Scheme and host of a refused address, for the event log (never a whole token-bearing URL)."""
    scheme, _, rest = url.partition(":")
    host = rest.lstrip("/").split("/", 1)[0].split("?", 1)[0]
    return f"{scheme[:20]}:{('//' + host[:100]) if rest.startswith('//') else '…'}"


def _start_result(payment: Payment) -> StartResult:
    """What the page does next; a payment page address we may not follow is never handed on."""
    if payment.status == ps.AWAITING_CUSTOMER and payment.confirmation_url:
        url = gateway_pages.browser_address(payment.confirmation_url)
        if url is None:
            return StartResult(payment.status, None, MSG_PAGE_REFUSED)
        return StartResult(payment.status, url, ps.status_text(payment.status, payment.failure_reason))
    return StartResult(payment.status, None, ps.status_text(payment.status, payment.failure_reason))


def _waiting_on_the_gateway_page(session: Session, resident_id: int) -> list[tuple[int, str, str]]:
    rows = session.exec(
        select(Payment).where(
            Payment.resident_id == resident_id,
            Payment.status == ps.AWAITING_CUSTOMER,
            col(Payment.gateway_payment_id).is_not(None),
        )
    ).all()
    return [
        (stored_id(payment), payment.gateway_payment_id, payment.idempotency_key)
        for payment in rows
        if payment.gateway_payment_id is not None
    ]


async def cancel_waiting_payments(
    resident_id: int,
    gateway: PaymentGateway,
    *,
    session_factory: SessionFactory = session_scope,
) -> int:
    """Cancel at the gateway every payment of the resident still waiting on the gateway's page.

    Called when the resident's session ends («Выйти», the idle reset, the gateway page's own idle
    guard): nobody is left to pay on that page, so its documents are released now rather than at
    the expiry, and the page answers «больше не действительна» to whoever presses «Назад». If the
    money was taken meanwhile, the gateway refuses the cancel or answers ``succeeded`` and the
    payment succeeds as usual (success is never downgraded). Returns how many moved.
    """
    waiting = await _in_database(session_factory, _waiting_on_the_gateway_page, resident_id)
    moved = 0
    for payment_id, gateway_payment_id, key in waiting:
        moved += await _cancel_at_gateway(payment_id, gateway_payment_id, key, gateway, session_factory)
    return moved


async def refresh_from_gateway(
    public_id: str,
    gateway: PaymentGateway,
    *,
    session_factory: SessionFactory = session_scope,
) -> None:
    """Ask the gateway about an unfinished payment (no transaction open during the HTTP call)."""
    unfinished = await _in_database(session_factory, _unfinished_at_gateway, public_id)
    if unfinished is None:
        return
    payment_id, gateway_payment_id = unfinished
    try:
        gp = await gateway.get(gateway_payment_id)
    except (GatewayUnavailable, GatewayRejected) as error:
        log.info("payment %s: status not available from the gateway yet: %s", payment_id, error)
        return
    await _in_database(session_factory, _applied_answer, payment_id, gp, "gateway", None)


def _unfinished_at_gateway(session: Session, public_id: str) -> tuple[int, str] | None:
    payment = session.exec(select(Payment).where(Payment.public_id == public_id)).first()
    if payment is None or ps.is_final(payment.status) or not payment.gateway_payment_id:
        return None
    return stored_id(payment), payment.gateway_payment_id
