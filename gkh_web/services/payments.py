"""Payments of ЖКУ: create, send to the gateway, follow up, and show «Мои платежи».

The database is the record of intent, the gateway the record of money:

1. ``create_payment`` — one transaction: the selection is re-checked by
   ``payment_page.confirm_selection`` (amounts come from the database), then
   the payment with its idempotency key, its items and a first event are
   written. UNIQUE (payment_document_id, open) on ``payment_item`` refuses a
   second unfinished payment of a document (``DocumentBeingPaid``).
2. ``start_payment`` — CREATED → SUBMITTED (commit), then the HTTP create with
   the stored key (no transaction open), then the answer is recorded in a
   second transaction. An unknown outcome leaves SUBMITTED for the reconciler.
3. ``reconcile`` — asks the gateway about payments stuck in SUBMITTED or
   AWAITING_CUSTOMER (replaying the create with the same key when the gateway
   id was never learned), expires what the payer abandoned.
4. ``handle_notification`` — a verified notification is only a hint: the
   gateway is asked about the payment it names, and that answer is applied as in 3.

Every status change goes through ``transition``: it checks the table of
``domain.payment_states``, moves the status with a compare-and-set UPDATE,
appends ``payment_event``, clears the items' ``open`` marker on a final status
and, on success, adds the items to ``payment_document.paid_kopecks`` — all in
the caller's transaction. Success is never downgraded.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gkh_web.db.engine import session_scope
from gkh_web.db.models import (
    Payment,
    PaymentDocument,
    PaymentEvent,
    PaymentItem,
    PersonalAccount,
    ProviderOrganisation,
    as_utc,
    stored_id,
    stored_key,
    utc_now,
)
from gkh_web.db.threads import in_thread
from gkh_web.domain import payment_states as ps
from gkh_web.domain.dates import format_period
from gkh_web.domain.money import format_rubles
from gkh_web.services import gateway_pages, payment_page
from gkh_web.services.gateway_client import (
    GatewayPayment,
    GatewayRejected,
    GatewayUnavailable,
    PaymentGateway,
)
from gkh_web.settings import get_settings

log = logging.getLogger(__name__)

__all__ = [
    "DocumentBeingPaid", "PaymentItemView", "PaymentNotFound", "PaymentRecord", "PaymentView", "ReconcileReport",
    "StartResult", "apply_gateway_payment", "create_payment", "handle_notification", "payments_of_resident",
    "reconcile", "start_payment", "transition",
]

MSG_DOCUMENT_BEING_PAID = "Этот документ уже оплачивается — дождитесь результата"
MSG_PAYMENT_NOT_FOUND = "Платёж не найден"
MSG_PAGE_REFUSED = (
    "Платёжная система прислала недопустимый адрес страницы оплаты. Платёж остановлен и передан на проверку, "
    "деньги не списаны"
)
DESCRIPTION_PREFIX = "Оплата ЖКУ"
EXPIRE_AFTER_SECONDS = 30 * 60
"""How long the payer has on the gateway page before the reconciler cancels the payment."""
MOSCOW = ZoneInfo("Europe/Moscow")
SessionFactory = Callable[[], AbstractContextManager[Session]]
T = TypeVar("T")


class DocumentBeingPaid(Exception):
    """A document of the selection already has an unfinished payment (no personal data in the message)."""

    def __init__(self, document_ids: Iterable[int] = ()) -> None:
        super().__init__(MSG_DOCUMENT_BEING_PAID)
        self.document_ids = sorted(document_ids)

    def __str__(self) -> str:
        return MSG_DOCUMENT_BEING_PAID


class PaymentNotFound(LookupError):
    def __str__(self) -> str:
        return MSG_PAYMENT_NOT_FOUND


@dataclass(frozen=True)
class PaymentRecord:
    """A payment as plain data (safe to keep after the session closed)."""

    id: int
    public_id: str
    number: str
    resident_id: int
    status: str
    amount_kopecks: int
    idempotency_key: str
    gateway: str
    gateway_payment_id: str | None
    confirmation_url: str | None
    method: str | None
    failure_reason: str | None
    needs_review: bool


def _record(payment: Payment) -> PaymentRecord:
    return PaymentRecord(
        id=stored_id(payment), public_id=payment.public_id, number=payment.number, resident_id=payment.resident_id,
        status=payment.status, amount_kopecks=payment.amount_kopecks, idempotency_key=payment.idempotency_key,
        gateway=payment.gateway, gateway_payment_id=payment.gateway_payment_id,
        confirmation_url=payment.confirmation_url, method=payment.method, failure_reason=payment.failure_reason,
        needs_review=payment.needs_review,
    )


# --- Create -----------------------------------------------------------------------------------------


def _is_open_conflict(error: sa.exc.IntegrityError) -> bool:
    text = str(error.orig).lower()
    return "uq_payment_item_document_open" in text or (
        "payment_item.payment_document_id" in text and "payment_item.open" in text
    )


def create_payment(
    session: Session, *, resident_id: int, choices: Iterable[tuple[int, str]], public_account_id: int | None = None,
    receipt_email: str | None, gateway_name: str, method: str | None = None, return_url: str | None = None,
    now: datetime | None = None,
) -> PaymentRecord:
    """Re-check the selection and write the payment (CREATED), its items and its first event; commit.

    ``choices`` are (document id, amount as typed), as for
    ``payment_page.confirm_selection``, which runs again here so that every
    amount comes from the database. Raises SelectionError / AccessDenied from
    there, and DocumentBeingPaid when a document already has an unfinished
    payment (also when a concurrent create won the race: the database refuses
    the second one and this session is rolled back).
    """
    if method is not None and method not in ("card", "wallet"):
        raise ValueError("unknown payment method")
    try:
        selection = payment_page.confirm_selection(
            session, resident_id=resident_id, public_account_id=public_account_id, choices=list(choices),
        )
    except payment_page.SelectionError as error:
        busy = [document_id for document_id, message in error.problems if message == payment_page.MSG_IN_PROGRESS]
        if busy:
            raise DocumentBeingPaid(busy) from None
        raise
    moment = now or utc_now()
    numbers = ", ".join(item.document_number for item in selection.items)
    payment = Payment(
        public_id=uuid.uuid4().hex, resident_id=resident_id, idempotency_key=uuid.uuid4().hex,
        gateway=gateway_name, status=ps.CREATED, method=method, amount_kopecks=selection.total_kopecks,
        description=f"{DESCRIPTION_PREFIX}: {numbers}"[:128], return_url=return_url, receipt_email=receipt_email,
        created_at=moment, updated_at=moment,
    )
    try:
        session.add(payment)
        session.flush()
        payment_id = stored_id(payment)
        for item in sorted(selection.items, key=lambda item: item.document_id):  # a fixed lock order
            session.add(PaymentItem(
                payment_id=payment_id, payment_document_id=item.document_id, personal_account_id=item.account_id,
                amount_kopecks=item.amount_kopecks, open=1,
            ))
        session.flush()
        _event(session, payment_id, None, ps.CREATED, "app", {"items": len(selection.items)}, moment)
        session.commit()
    except sa.exc.IntegrityError as error:
        session.rollback()
        if _is_open_conflict(error):
            raise DocumentBeingPaid(item.document_id for item in selection.items) from None
        raise
    return _record(payment)


def _event(
    session: Session, payment_id: int, from_status: str | None, to_status: str, source: str,
    detail: Mapping[str, Any] | None, at: datetime,
) -> None:
    session.add(PaymentEvent(
        payment_id=payment_id, at=at, from_status=from_status, to_status=to_status, source=source,
        detail=json.dumps(dict(detail), ensure_ascii=False, sort_keys=True) if detail else None,
    ))


# --- The one status writer ------------------------------------------------------------------------------


def _load(session: Session, payment_id: int, *, lock: bool = True) -> Payment:
    query = select(Payment).where(Payment.id == payment_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    payment = session.exec(query).first()
    if payment is None:
        raise PaymentNotFound(payment_id)
    return payment


def transition(
    session: Session, payment_id: int, to_status: str, *, source: str, detail: Mapping[str, Any] | None = None,
    gateway_payment_id: str | None = None, confirmation_url: str | None = None, card_brand: str | None = None,
    card_last4: str | None = None, failure_reason: str | None = None, now: datetime | None = None,
) -> bool:
    """Move the payment to ``to_status``; True if it moved, False for a repeat of the current status.

    Raises IllegalTransition for an edge outside ``payment_states.TRANSITIONS``
    (nothing is written then). In the caller's transaction (the caller commits):
    compare-and-set UPDATE of the status (a concurrent writer that moved it
    first makes this call re-read and decide again), one ``payment_event``,
    ``open`` cleared on the items when the new status is final, and on
    SUCCEEDED the items' amounts added to ``payment_document.paid_kopecks``.
    A success reached from a final failure (the gateway says the money was
    taken after all) is a correction: allowed, audited, ``needs_review`` set.
    """
    moment = now or utc_now()
    for _attempt in range(3):
        payment = _load(session, payment_id)
        current = payment.status
        if current == to_status:
            _fill_details(payment, gateway_payment_id, confirmation_url, card_brand, card_last4, moment)
            session.flush()
            return False
        ps.check_transition(current, to_status)
        correction = ps.is_correction(current, to_status)
        values: dict[str, Any] = {"status": to_status, "updated_at": moment}
        if ps.is_final(to_status):
            values["finished_at"] = moment
        if failure_reason is not None and to_status in ps.FAILURE_STATUSES:
            values["failure_reason"] = failure_reason[:64]
        if correction:
            values["needs_review"] = True
        moved = session.exec(
            sa.update(Payment).where(col(Payment.id) == payment_id, col(Payment.status) == current).values(**values)
        ).rowcount
        if moved != 1:
            continue  # someone else moved it in between: read again and decide again
        payment = _load(session, payment_id)
        _fill_details(payment, gateway_payment_id, confirmation_url, card_brand, card_last4, moment)
        event_detail = dict(detail or {})
        if correction:
            event_detail["correction"] = True
        if failure_reason is not None:
            event_detail.setdefault("reason", failure_reason)
        _event(session, payment_id, current, to_status, source, event_detail, moment)
        if ps.is_final(to_status):
            session.execute(sa.update(PaymentItem).where(col(PaymentItem.payment_id) == payment_id).values(open=None))
        if to_status == ps.SUCCEEDED:
            _settle(session, payment_id)
        session.flush()
        return True
    raise RuntimeError(f"payment {payment_id} keeps changing under us")


def _fill_details(
    payment: Payment, gateway_payment_id: str | None, confirmation_url: str | None, card_brand: str | None,
    card_last4: str | None, moment: datetime,
) -> None:
    """Record what the gateway told us; a gateway id once learned never changes."""
    changed = False
    if gateway_payment_id is not None and payment.gateway_payment_id is None:
        payment.gateway_payment_id, changed = gateway_payment_id, True
    new_page = confirmation_url is not None and payment.confirmation_url != confirmation_url
    if new_page and not ps.is_final(payment.status):
        payment.confirmation_url, changed = confirmation_url, True
    if card_brand is not None and payment.card_brand is None:
        payment.card_brand, changed = card_brand[:30], True
    if card_last4 is not None and payment.card_last4 is None and len(card_last4) == 4 and card_last4.isdigit():
        payment.card_last4, changed = card_last4, True
    if changed:
        payment.updated_at = moment


def _settle(session: Session, payment_id: int) -> None:
    """paid_kopecks += item amount for every document of the payment (in document id order)."""
    items = session.exec(
        select(PaymentItem).where(PaymentItem.payment_id == payment_id).order_by(col(PaymentItem.payment_document_id))
    ).all()
    for item in items:
        session.execute(
            sa.update(PaymentDocument).where(col(PaymentDocument.id) == item.payment_document_id)
            .values(paid_kopecks=col(PaymentDocument.paid_kopecks) + item.amount_kopecks)
        )


def _review(session: Session, payment: Payment, source: str, note: str, moment: datetime) -> None:
    """Flag a contradiction for a human and log it as an event without a status change."""
    payment.needs_review = True
    payment.updated_at = moment
    _event(session, stored_id(payment), payment.status, payment.status, source, {"review": note}, moment)
    session.flush()


class _GatewayDetails(TypedDict):
    """What the gateway tells about a payment besides its status, passed on to ``transition``."""

    gateway_payment_id: str | None
    confirmation_url: str | None
    card_brand: str | None
    card_last4: str | None


def apply_gateway_payment(
    session: Session, payment_id: int, gp: GatewayPayment, *, source: str, now: datetime | None = None,
) -> bool:
    """Bring the local payment in line with the gateway's view of it; True if the status moved.

    Checks first that it is our payment (same gateway id once known, same
    amount); a contradiction is flagged for review and changes nothing. A
    gateway status that would move us backwards (a late ``pending``, a
    ``canceled`` after success) is ignored: the gateway itself never goes back,
    so it is an old message. In production a test payment's success never
    counts (``_refuse_test_success``).
    """
    moment = now or utc_now()
    payment = _load(session, payment_id)
    if payment.gateway_payment_id is not None and payment.gateway_payment_id != gp.id:
        _review(session, payment, source, f"gateway id mismatch: {gp.id}", moment)
        return False
    if gp.amount_kopecks != payment.amount_kopecks:
        _review(session, payment, source, f"gateway amount {gp.amount_kopecks} != {payment.amount_kopecks}", moment)
        return False
    target = ps.status_from_gateway(gp.status, gp.cancellation_reason)
    details = _GatewayDetails(gateway_payment_id=gp.id, confirmation_url=gp.confirmation_url,
                              card_brand=gp.card_brand, card_last4=gp.last4)
    if target == ps.SUCCEEDED and gp.test and get_settings().is_production and payment.status != ps.SUCCEEDED:
        return _refuse_test_success(session, payment, source, moment, details)
    if target != payment.status and not ps.can_transition(payment.status, target):
        log.info("payment %s: gateway says %s while we are %s; ignored", payment_id, gp.status, payment.status)
        transition(session, payment_id, payment.status, source=source, now=moment, **details)
        return False
    return transition(
        session, payment_id, target, source=source, now=moment, failure_reason=gp.cancellation_reason,
        detail={"gateway_status": gp.status}, **details,
    )


TEST_PAYMENT_NOTE = "test payment in production: not applied"


def _refuse_test_success(
    session: Session, payment: Payment, source: str, moment: datetime, details: _GatewayDetails,
) -> bool:
    """A test shop's «succeeded» reached production: no real money moved, so no document is paid.

    The payment goes to review with a note in its log (once, however often the
    gateway repeats itself) and to FAILED «test_payment» where the table allows
    it, which releases its documents for a real payment; from a final failure
    (no edge but the correction to SUCCEEDED) it stays where it is.
    """
    payment_id = stored_id(payment)
    if not _noted(session, payment_id, TEST_PAYMENT_NOTE):
        log.error("payment %s: the gateway reports a TEST payment as succeeded in production", payment.id)
        _review(session, payment, source, TEST_PAYMENT_NOTE, moment)
    if not ps.can_transition(payment.status, ps.FAILED):
        return False
    return transition(session, payment_id, ps.FAILED, source=source, now=moment,
                      failure_reason=ps.TEST_PAYMENT_REASON, detail={"gateway_status": "succeeded", "test": True},
                      **details)


def _noted(session: Session, payment_id: int, note: str) -> bool:
    """The payment's log already holds this review note."""
    detail = json.dumps({"review": note}, ensure_ascii=False, sort_keys=True)
    return session.exec(
        select(PaymentEvent.id).where(PaymentEvent.payment_id == payment_id, PaymentEvent.detail == detail)
    ).first() is not None


# --- Sending to the gateway -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StartResult:
    """What the payment page does next: go to ``confirmation_url``, wait, or show the final status."""

    status: str
    confirmation_url: str | None
    message: str


def _metadata(payment: Payment) -> dict[str, str]:
    return {"payment_id": payment.public_id}


async def _in_database(session_factory: SessionFactory, work: Callable[..., T], *args: Any) -> T:
    """Database work of the async functions here leaves the event loop one way only: ``work(session, *args)``
    in a thread of the database pool (``db.threads.in_thread``), one session; ``work`` commits."""
    def run() -> T:
        with session_factory() as session:
            return work(session, *args)
    return await in_thread(run)


def _current_result(session: Session, payment_id: int) -> StartResult:
    return _start_result(_load(session, payment_id, lock=False))


def _applied_answer(session: Session, payment_id: int, gp: GatewayPayment, source: str, now: datetime | None) -> bool:
    """The gateway's view applied and committed; True if the status moved."""
    moved = apply_gateway_payment(session, payment_id, gp, source=source, now=now)
    session.commit()
    return moved


CreateRequest = tuple[str, int, str, str, "str | None", dict[str, str]]


def _submit(session: Session, payment_id: int, return_url: str, now: datetime | None) -> StartResult | CreateRequest:
    """T1: CREATED → SUBMITTED committed, and what to send; a payment past CREATED gives its result instead."""
    payment = _load(session, payment_id)
    if payment.status != ps.CREATED:
        return _start_result(payment)
    payment.return_url = payment.return_url or return_url
    transition(session, payment_id, ps.SUBMITTED, source="app", now=now)
    request = (payment.idempotency_key, payment.amount_kopecks, payment.description, payment.return_url or "",
               payment.method, _metadata(payment))
    session.commit()
    return request


def _rejected(session: Session, payment_id: int, error: GatewayRejected, now: datetime | None) -> StartResult:
    transition(session, payment_id, ps.FAILED, source="gateway", failure_reason="gateway_rejected",
               detail={"http_status": error.status_code, "code": error.code}, now=now)
    session.commit()
    return _current_result(session, payment_id)


def _answered(
    session: Session, payment_id: int, gp: GatewayPayment, refused: bool, now: datetime | None,
) -> StartResult:
    """T2: the gateway's answer applied; a page address we may not follow puts the payment to review."""
    apply_gateway_payment(session, payment_id, gp, source="gateway", now=now)
    if refused:
        _review(session, _load(session, payment_id), "app",
                "confirmation_url refused: " + _url_summary(gp.confirmation_url or ""), now or utc_now())
    session.commit()
    return _current_result(session, payment_id)


async def start_payment(
    payment_id: int, gateway: PaymentGateway, return_url: str, *,
    session_factory: SessionFactory = session_scope, now: datetime | None = None,
) -> StartResult:
    """Send a CREATED payment to the gateway; no transaction is open during the HTTP call.

    T1: CREATED → SUBMITTED (and the return URL) committed. HTTP create with the
    stored idempotency key. T2: the answer applied (usually AWAITING_CUSTOMER
    with the page URL). GatewayUnavailable leaves SUBMITTED: the reconciler
    replays the create with the same key. GatewayRejected → FAILED. A payment
    not in CREATED is not sent again: the result reflects its current state.
    """
    request = await _in_database(session_factory, _submit, payment_id, return_url, now)
    if isinstance(request, StartResult):
        return request
    try:
        gp = await gateway.create(*request)
    except GatewayUnavailable as error:
        log.warning("payment %s: gateway create outcome unknown: %s", payment_id, error)
        return await _in_database(session_factory, _current_result, payment_id)
    except GatewayRejected as error:
        return await _in_database(session_factory, _rejected, payment_id, error, now)
    refused = bool(gp.confirmation_url) and gateway_pages.browser_address(gp.confirmation_url) is None
    result = await _in_database(session_factory, _answered, payment_id, gp, refused, now)
    if refused:  # nobody will pay on that page: release the documents now rather than at the expiry
        await _cancel_at_gateway(payment_id, gp.id, request[0], gateway, session_factory, now=now)
    return result


async def _cancel_at_gateway(
    payment_id: int, gateway_payment_id: str, key: str, gateway: PaymentGateway, session_factory: SessionFactory,
    *, now: datetime | None = None,
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


# --- The payer walked away ------------------------------------------------------------------------------


def _waiting_on_the_gateway_page(session: Session, resident_id: int) -> list[tuple[int, str, str]]:
    rows = session.exec(
        select(Payment).where(Payment.resident_id == resident_id, Payment.status == ps.AWAITING_CUSTOMER,
                              col(Payment.gateway_payment_id).is_not(None))
    ).all()
    return [(stored_id(payment), payment.gateway_payment_id, payment.idempotency_key)
            for payment in rows if payment.gateway_payment_id is not None]


async def cancel_waiting_payments(
    resident_id: int, gateway: PaymentGateway, *, session_factory: SessionFactory = session_scope,
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


# --- Webhooks -----------------------------------------------------------------------------------------------


_GATEWAY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class _Hint:
    """What a notification may tell us: which payment to ask the gateway about, nothing more."""

    gateway_payment_id: str
    public_id: str | None


def _hint(body: object) -> _Hint | None:
    """``object.id`` (and ``object.metadata.payment_id``) of a notification; None if it names no payment."""
    payload = body.get("object") if isinstance(body, Mapping) else None
    if not isinstance(payload, Mapping):
        return None
    gateway_payment_id = payload.get("id")
    if not isinstance(gateway_payment_id, str) or not _GATEWAY_ID.match(gateway_payment_id):
        return None
    metadata = payload.get("metadata")
    public_id = metadata.get("payment_id") if isinstance(metadata, Mapping) else None
    return _Hint(gateway_payment_id, public_id if isinstance(public_id, str) and public_id else None)


def _find_hinted(session: Session, hint: _Hint) -> tuple[int, str, bool] | None:
    """(payment id, public id, found by metadata) of the payment a notification names, or None.

    By the gateway id we recorded; failing that, by our public id in the
    metadata, but only for a payment whose gateway id we never learned (the
    create's answer was lost): one that knows its id is not someone else's.
    """
    payment = session.exec(select(Payment).where(Payment.gateway_payment_id == hint.gateway_payment_id)).first()
    if payment is not None:
        return stored_id(payment), payment.public_id, False
    if hint.public_id is None:
        return None
    payment = session.exec(select(Payment).where(
        Payment.public_id == hint.public_id, col(Payment.gateway_payment_id).is_(None))).first()
    return (stored_id(payment), payment.public_id, True) if payment is not None else None


async def _gateway_view(gateway: PaymentGateway, gateway_payment_id: str, payment_id: int) -> GatewayPayment | str:
    """The gateway's own answer about the payment, or the outcome when there is none to act on."""
    try:
        return await gateway.get(gateway_payment_id)
    except GatewayUnavailable as error:
        log.warning("payment %s: webhook not checked, gateway unavailable: %s", payment_id, error)
        return "unavailable"
    except GatewayRejected as error:
        if error.status_code == 404:
            log.warning("webhook names gateway payment %s, which the gateway does not know", gateway_payment_id)
            return "unknown"
        log.error("payment %s: gateway refuses to show it: %s", payment_id, error)
        return "unavailable"  # our credentials or the gateway's configuration: worth a retry later


async def handle_notification(body: object, gateway: PaymentGateway, session_factory: SessionFactory) -> str:
    """Treat a verified gateway notification as a hint: ask the gateway, apply its answer; commit.

    The body only names the payment (``object.id``, ``object.metadata.payment_id``);
    its status and amount are never applied, since a correctly signed body can
    still lie (a leaked key; YooKassa signs nothing at all). What the gateway's own
    ``GET`` says goes through ``apply_gateway_payment`` like every other answer;
    no transaction is open during that call. Returns what happened:
    "malformed" (names no payment), "unknown" (not ours, or the gateway does not
    know it: answered 200 and dropped), "mismatch" (the gateway's payment does not
    carry the public id the body claimed), "unavailable" (the gateway cannot be asked: nothing changed,
    the sender should retry), "applied" or "ignored" (a duplicate or an old message).
    """
    hint = _hint(body)
    if hint is None:
        return "malformed"
    found = await _in_database(session_factory, _find_hinted, hint)
    if found is None:
        log.warning("webhook for an unknown gateway payment %s ignored", hint.gateway_payment_id)
        return "unknown"
    payment_id, public_id, by_metadata = found
    gp = await _gateway_view(gateway, hint.gateway_payment_id, payment_id)
    if isinstance(gp, str):
        return gp
    if by_metadata and gp.metadata.get("payment_id") != public_id:
        log.warning("webhook: gateway payment %s is not payment %s", gp.id, payment_id)
        return "mismatch"
    moved = await _in_database(session_factory, _applied_answer, payment_id, gp, "webhook", None)
    return "applied" if moved else "ignored"


# --- Reconciler -----------------------------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    checked: int = 0
    changed: int = 0
    unavailable: int = 0
    expired: int = 0


def _open_payments(
    session: Session, stale_before: datetime, deadline: datetime, now: datetime,
) -> tuple[int, list[tuple[int, str | None, str, int, str, str, str | None, dict[str, str], bool]]]:
    """Expire what was never sent (committed), and list what to ask the gateway about."""
    expired = 0
    abandoned = session.exec(
        select(Payment.id).where(Payment.status == ps.CREATED, col(Payment.created_at) <= deadline)
    ).all()
    for payment_id in abandoned:
        if transition(session, stored_key(payment_id), ps.EXPIRED, source="reconciler", now=now,
                      failure_reason="expired_on_confirmation", detail={"note": "never sent"}):
            expired += 1
    session.commit()
    pending = [
        (stored_id(payment), payment.gateway_payment_id, payment.idempotency_key, payment.amount_kopecks,
         payment.description, payment.return_url or "", payment.method, _metadata(payment),
         as_utc(payment.created_at) <= deadline)
        for payment in session.exec(
            select(Payment)
            .where(col(Payment.status).in_([ps.SUBMITTED, ps.AWAITING_CUSTOMER]))
            .where(col(Payment.updated_at) <= stale_before)
            .order_by(col(Payment.id))
        ).all()
    ]
    return expired, pending


def _never_created(session: Session, payment_id: int, error: GatewayRejected, now: datetime) -> bool:
    moved = transition(session, payment_id, ps.FAILED, source="reconciler", now=now,
                       failure_reason="gateway_rejected", detail={"http_status": error.status_code})
    session.commit()
    return moved


async def reconcile(
    session_factory: SessionFactory, gateway: PaymentGateway, *, now: datetime, stale_after_seconds: int,
    expire_after_seconds: int = EXPIRE_AFTER_SECONDS,
) -> ReconcileReport:
    """Finish what was left open: safe to run repeatedly and from several workers at once.

    * CREATED older than the payer deadline: never sent, so EXPIRED locally.
    * SUBMITTED / AWAITING_CUSTOMER not updated for ``stale_after_seconds``: ask
      the gateway — by id, or by replaying the create with the same key when
      the id was never recorded — and apply the answer.
    * Still pending after ``expire_after_seconds`` since creation: cancel at the
      gateway and apply what it says (money taken meanwhile → SUCCEEDED).
    Gateway trouble changes nothing; the next run tries again.
    """
    report = ReconcileReport()
    stale_before = now - timedelta(seconds=stale_after_seconds)
    deadline = now - timedelta(seconds=expire_after_seconds)
    report.expired, pending = await _in_database(session_factory, _open_payments, stale_before, deadline, now)
    for payment_id, gateway_id, key, amount, description, return_url, method, metadata, overdue in pending:
        report.checked += 1
        try:
            if gateway_id is not None:
                gp = await gateway.get(gateway_id)
            else:
                gp = await gateway.find_by_idempotency_key(key, amount, description, return_url, method, metadata)
            if overdue and ps.status_from_gateway(gp.status) == ps.AWAITING_CUSTOMER:
                try:
                    gp = await gateway.cancel(gp.id, f"{key}-cancel")
                except GatewayRejected:
                    log.info("payment %s: gateway cannot cancel it yet; polling on", payment_id)
        except GatewayUnavailable as error:
            log.warning("payment %s: gateway unavailable during reconcile: %s", payment_id, error)
            report.unavailable += 1
            continue
        except GatewayRejected as error:
            if gateway_id is None:  # the gateway refuses the create itself: it never existed there
                if await _in_database(session_factory, _never_created, payment_id, error, now):
                    report.changed += 1
            else:
                log.error("payment %s: gateway refuses to show it: %s", payment_id, error)
                report.unavailable += 1
            continue
        if overdue and gp.status == "canceled" and gp.cancellation_reason == "canceled_by_merchant":
            gp = dataclasses.replace(gp, cancellation_reason="expired_on_confirmation")
        moved = await _in_database(session_factory, _applied_answer, payment_id, gp, "reconciler", now)
        if moved:
            report.changed += 1
            if gp.status == "canceled" and overdue:
                report.expired += 1
    return report


# --- «Мои платежи» --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentItemView:
    document_number: str
    period_text: str
    account_number: str
    amount_text: str
    recipient_text: str
    """«ООО «УК «Рассвет», ИНН 7718012340, р/с … в ПАО Сбербанк, БИК 044525225» — for the receipt."""


@dataclass(frozen=True)
class PaymentView:
    number: str
    public_id: str
    created_text: str
    """«25.11.2026 18:05» (Moscow time)."""
    amount_kopecks: int
    amount_text: str
    status: str
    status_text: str
    in_progress: bool
    card_text: str
    """«VISA •••• 4242» or ""."""
    method_text: str
    """«банковская карта МИР •••• 2987», «кошелёк «Виртуальный мир»» or "" before a method is chosen."""
    items: list[PaymentItemView]
    continue_url: str = ""
    """The gateway's page while the payer has not finished there (AWAITING_CUSTOMER), else "": after a lost
    or late answer, a crash or a reload the resident gets back to it instead of waiting out the expiry."""


def payments_of_resident(session: Session, resident_id: int, *, limit: int = 50) -> list[PaymentView]:
    """The resident's payments, newest first (two queries)."""
    payments = session.exec(
        select(Payment).where(Payment.resident_id == resident_id)
        .order_by(col(Payment.created_at).desc(), col(Payment.id).desc()).limit(limit)
    ).all()
    if not payments:
        return []
    rows = session.exec(
        select(PaymentItem, PaymentDocument, PersonalAccount, ProviderOrganisation)
        .join(PaymentDocument, col(PaymentDocument.id) == PaymentItem.payment_document_id)
        .join(PersonalAccount, col(PersonalAccount.id) == PaymentItem.personal_account_id)
        .join(ProviderOrganisation, col(ProviderOrganisation.id) == PersonalAccount.provider_id)
        .where(col(PaymentItem.payment_id).in_([payment.id for payment in payments]))
        .order_by(col(PaymentItem.id))
    ).all()
    items: dict[int, list[PaymentItemView]] = {}
    for item, document, account, provider in rows:
        items.setdefault(item.payment_id, []).append(PaymentItemView(
            document_number=document.number, period_text=format_period(document.period_year, document.period_month),
            account_number=account.number, amount_text=format_rubles(item.amount_kopecks),
            recipient_text=(f"{provider.recipient_name}, ИНН {provider.inn}, р/с {provider.settlement_account} "
                            f"в {provider.bank_name}, БИК {provider.bik}"),
        ))
    return [
        PaymentView(
            number=payment.number, public_id=payment.public_id,
            created_text=as_utc(payment.created_at).astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M"),
            amount_kopecks=payment.amount_kopecks, amount_text=format_rubles(payment.amount_kopecks),
            status=payment.status, status_text=ps.status_text(payment.status, payment.failure_reason),
            in_progress=not ps.is_final(payment.status),
            card_text=f"{payment.card_brand or 'Карта'} •••• {payment.card_last4}" if payment.card_last4 else "",
            method_text=_method_text(payment),
            items=items.get(stored_id(payment), []),
            continue_url=(gateway_pages.browser_address(payment.confirmation_url) or "")
            if payment.status == ps.AWAITING_CUSTOMER else "",
        )
        for payment in payments
    ]


# --- The result page ------------------------------------------------------------------------------------


def payment_view(session: Session, resident_id: int, public_id: str) -> PaymentView | None:
    """One of the resident's own payments by its public id (None for anyone else's or an unknown id)."""
    payment = session.exec(
        select(Payment).where(Payment.public_id == public_id, Payment.resident_id == resident_id)
    ).first()
    if payment is None:
        return None
    return next(view for view in payments_of_resident(session, resident_id, limit=500) if view.public_id == public_id)


async def refresh_from_gateway(
    public_id: str, gateway: PaymentGateway, *, session_factory: SessionFactory = session_scope,
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


def _method_text(payment: Payment) -> str:
    if payment.method == "wallet":
        return "кошелёк «Виртуальный мир»"
    if payment.method == "card":
        card = f" {payment.card_brand or ''} •••• {payment.card_last4}" if payment.card_last4 else ""
        return "банковская карта" + card.replace("  ", " ")
    return ""
