"""The one status writer: every change of a payment's status goes through ``transition``, against the table of
``domain.payment_states``, with an event in the payment's log; the gateway's view of a payment is applied here."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, TypedDict, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gkh_web.db.models import (
    Payment,
    PaymentDocument,
    PaymentEvent,
    PaymentItem,
    stored_id,
    utc_now,
)
from gkh_web.db.threads import in_thread
from gkh_web.domain import payment_states as ps
from gkh_web.observability import correlation, metrics
from gkh_web.services.mail.jobs import enqueue_receipt
from gkh_web.services.payments.gateway_client import (
    GatewayPayment,
)
from gkh_web.settings import get_settings

log = logging.getLogger(__name__)


MSG_PAYMENT_NOT_FOUND = "Платёж не найден"


SessionFactory = Callable[[], AbstractContextManager[Session]]


T = TypeVar("T")


class PaymentNotFound(LookupError):
    def __str__(self) -> str:
        return MSG_PAYMENT_NOT_FOUND


def _event(
    session: Session,
    payment_id: int,
    from_status: str | None,
    to_status: str,
    source: str,
    detail: Mapping[str, Any] | None,
    at: datetime,
) -> None:
    session.add(
        PaymentEvent(
            payment_id=payment_id,
            at=at,
            from_status=from_status,
            to_status=to_status,
            source=source,
            detail=json.dumps(dict(detail), ensure_ascii=False, sort_keys=True) if detail else None,
        )
    )


def _load(session: Session, payment_id: int, *, lock: bool = True) -> Payment:
    query = select(Payment).where(Payment.id == payment_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    payment = session.exec(query).first()
    if payment is None:
        raise PaymentNotFound(payment_id)
    correlation.bind_payment(payment.public_id)  # the event or request now works on this payment: its lines say so
    return payment


def transition(
    session: Session,
    payment_id: int,
    to_status: str,
    *,
    source: str,
    detail: Mapping[str, Any] | None = None,
    gateway_payment_id: str | None = None,
    confirmation_url: str | None = None,
    card_brand: str | None = None,
    card_last4: str | None = None,
    failure_reason: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Move the payment to ``to_status``; True if it moved, False for a repeat of the current status.

    Raises IllegalTransition for an edge outside ``payment_states.TRANSITIONS``
    (nothing is written then). In the caller's transaction (the caller commits):
    compare-and-set UPDATE of the status (a concurrent writer that moved it
    first makes this call re-read and decide again), one ``payment_event``,
    ``open`` cleared on the items when the new status is final, and on
    SUCCEEDED the items' amounts added to ``payment_document.paid_kopecks``
    and the «send the receipt» job added (``services.mail.jobs``: the outbox).
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
        log.info("payment %s → %s (%s)", current, to_status, source)
        if ps.is_final(to_status):
            _count_when_committed(session, payment.method, to_status)
            session.execute(sa.update(PaymentItem).where(col(PaymentItem.payment_id) == payment_id).values(open=None))
        if to_status == ps.SUCCEEDED:
            _settle(session, payment_id)
            enqueue_receipt(session, payment, moment)  # the letter's job commits with the success, or neither does
        session.flush()
        return True
    raise RuntimeError(f"payment {payment_id} keeps changing under us")


_FINISHED_KEY = "gkh_payments_finished"


def _count_when_committed(session: Session, method: str | None, status: str) -> None:
    """``gkh_payments_finished_total`` counts a final status once its transaction commits (the caller
    commits; a rolled-back transition did not happen and is not counted)."""
    session.info.setdefault(_FINISHED_KEY, []).append((method, status))


@sa.event.listens_for(Session, "after_commit")
def _count_finished(session: Session) -> None:
    for method, status in session.info.pop(_FINISHED_KEY, ()):
        metrics.payment_finished(method, status)


@sa.event.listens_for(Session, "after_rollback")
def _forget_finished(session: Session) -> None:
    session.info.pop(_FINISHED_KEY, None)


def _fill_details(
    payment: Payment,
    gateway_payment_id: str | None,
    confirmation_url: str | None,
    card_brand: str | None,
    card_last4: str | None,
    moment: datetime,
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
            sa.update(PaymentDocument)
            .where(col(PaymentDocument.id) == item.payment_document_id)
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
    session: Session,
    payment_id: int,
    gp: GatewayPayment,
    *,
    source: str,
    now: datetime | None = None,
) -> bool:
    """Bring the local payment in line with the gateway's view of it; True if the status moved.

    Checks first that it is our payment (same gateway id once known, the
    amount charged = our sum + our commission, and the commission itself when
    the gateway states it); a contradiction is flagged for review and changes nothing. A
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
    mismatch = _amount_mismatch(payment, gp)
    if mismatch:
        _review(session, payment, source, mismatch, moment)
        return False
    target = ps.status_from_gateway(gp.status, gp.cancellation_reason)
    details = _GatewayDetails(
        gateway_payment_id=gp.id, confirmation_url=gp.confirmation_url, card_brand=gp.card_brand, card_last4=gp.last4
    )
    if target == ps.SUCCEEDED and gp.test and get_settings().is_production and payment.status != ps.SUCCEEDED:
        return _refuse_test_success(session, payment, source, moment, details)
    if target != payment.status and not ps.can_transition(payment.status, target):
        log.info("payment %s: gateway says %s while we are %s; ignored", payment_id, gp.status, payment.status)
        transition(session, payment_id, payment.status, source=source, now=moment, **details)
        return False
    return transition(
        session,
        payment_id,
        target,
        source=source,
        now=moment,
        failure_reason=gp.cancellation_reason,
        detail={"gateway_status": gp.status},
        **details,
    )


def _amount_mismatch(payment: Payment, gp: GatewayPayment) -> str:
    """Why the gateway's figures are not this payment's ("" when they are): sum + commission, and the commission."""
    if gp.amount_kopecks != payment.charged_kopecks:
        return (f"gateway amount {gp.amount_kopecks} != {payment.charged_kopecks} "
                f"({payment.amount_kopecks} + commission {payment.commission_kopecks})")
    if gp.commission_kopecks is not None and gp.commission_kopecks != payment.commission_kopecks:
        return f"gateway commission {gp.commission_kopecks} != {payment.commission_kopecks}"
    return ""


TEST_PAYMENT_NOTE = "test payment in production: not applied"


def _refuse_test_success(
    session: Session,
    payment: Payment,
    source: str,
    moment: datetime,
    details: _GatewayDetails,
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
    return transition(
        session,
        payment_id,
        ps.FAILED,
        source=source,
        now=moment,
        failure_reason=ps.TEST_PAYMENT_REASON,
        detail={"gateway_status": "succeeded", "test": True},
        **details,
    )


def _noted(session: Session, payment_id: int, note: str) -> bool:
    """The payment's log already holds this review note."""
    detail = json.dumps({"review": note}, ensure_ascii=False, sort_keys=True)
    return (
        session.exec(
            select(PaymentEvent.id).where(PaymentEvent.payment_id == payment_id, PaymentEvent.detail == detail)
        ).first()
        is not None
    )


async def _in_database(session_factory: SessionFactory, work: Callable[..., T], *args: Any) -> T:
    """Database work of the async functions here leaves the event loop one way only: ``work(session, *args)``
    in a thread of the database pool (``db.threads.in_thread``), one session; ``work`` commits."""

    def run() -> T:
        with session_factory() as session:
            return work(session, *args)

    return await in_thread(run)


def _applied_answer(session: Session, payment_id: int, gp: GatewayPayment, source: str, now: datetime | None) -> bool:
    """The gateway's view applied and committed; True if the status moved."""
    moved = apply_gateway_payment(session, payment_id, gp, source=source, now=now)
    session.commit()
    return moved
