"""Creating a payment: the selection re-checked from the database, the payment, its idempotency key, items and
first event written in one transaction; a document already being paid is refused by the database itself."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from gkh_web.db.models import (
    Payment,
    PaymentItem,
    stored_id,
    utc_now,
)
from gkh_web.domain import payment_states as ps
from gkh_web.domain.commission import FREE, CommissionRate, commission_kopecks
from gkh_web.domain.contacts import normalize_email
from gkh_web.domain.money import format_rubles
from gkh_web.observability import correlation, metrics
from gkh_web.services.payments import page as payment_page
from gkh_web.services.payments.status import _event

log = logging.getLogger(__name__)


MSG_DOCUMENT_BEING_PAID = "Этот документ уже оплачивается — дождитесь результата"
MSG_CHARGE_CHANGED = "Сумма к списанию изменилась и теперь составляет {total}. Проверьте её и нажмите ещё раз"


DESCRIPTION_PREFIX = "Оплата ЖКУ"


class DocumentBeingPaid(Exception):
    """A document of the selection already has an unfinished payment (no personal data in the message)."""

    def __init__(self, document_ids: Iterable[int] = ()) -> None:
        super().__init__(MSG_DOCUMENT_BEING_PAID)
        self.document_ids = sorted(document_ids)

    def __str__(self) -> str:
        return MSG_DOCUMENT_BEING_PAID


class ChargeChanged(Exception):
    """What the payer would be charged now differs from what the screen showed: nothing is created."""

    def __init__(self, amount_kopecks: int, commission_kopecks: int) -> None:
        super().__init__(MSG_CHARGE_CHANGED.format(total=format_rubles(amount_kopecks + commission_kopecks)))
        self.amount_kopecks, self.commission_kopecks = amount_kopecks, commission_kopecks


@dataclass(frozen=True)
class PaymentRecord:
    """A payment as plain data (safe to keep after the session closed)."""

    id: int
    public_id: str
    number: str
    resident_id: int
    status: str
    amount_kopecks: int
    commission_kopecks: int
    idempotency_key: str
    gateway: str
    gateway_payment_id: str | None
    confirmation_url: str | None
    method: str | None
    failure_reason: str | None
    needs_review: bool


def _record(payment: Payment) -> PaymentRecord:
    return PaymentRecord(
        id=stored_id(payment),
        public_id=payment.public_id,
        number=payment.number,
        resident_id=payment.resident_id,
        status=payment.status,
        amount_kopecks=payment.amount_kopecks,
        commission_kopecks=payment.commission_kopecks,
        idempotency_key=payment.idempotency_key,
        gateway=payment.gateway,
        gateway_payment_id=payment.gateway_payment_id,
        confirmation_url=payment.confirmation_url,
        method=payment.method,
        failure_reason=payment.failure_reason,
        needs_review=payment.needs_review,
    )


def _is_open_conflict(error: sa.exc.IntegrityError) -> bool:
    text = str(error.orig).lower()
    return "uq_payment_item_document_open" in text or (
        "payment_item.payment_document_id" in text and "payment_item.open" in text
    )


def create_payment(
    session: Session,
    *,
    resident_id: int,
    choices: Iterable[tuple[int, str]],
    public_account_id: int | None = None,
    receipt_email: str | None,
    gateway_name: str,
    method: str | None = None,
    commission_rate: CommissionRate = FREE,
    shown_charge_kopecks: int | None = None,
    return_url: str | None = None,
    now: datetime | None = None,
) -> PaymentRecord:
    """Re-check the selection and write the payment (CREATED), its items and its first event; commit.

    ``choices`` are (document id, amount as typed), as for
    ``payment_page.confirm_selection``, which runs again here so that every
    amount comes from the database. Raises SelectionError / AccessDenied from
    there, and DocumentBeingPaid when a document already has an unfinished
    payment (also when a concurrent create won the race: the database refuses
    the second one and this session is rolled back).

    The commission is ``commission_rate`` (the gateway's declared rate of ``method``) applied to the
    sum from the database. With ``shown_charge_kopecks`` — what the resident saw as «Итого с
    комиссией» — a different sum + commission raises ChargeChanged and nothing is written: nobody
    is charged a figure the screen did not show.
    """
    if method is not None and method not in ("card", "wallet"):
        raise ValueError("unknown payment method")
    if receipt_email:
        normalize_email(receipt_email)  # ContactError before anything else: the address is the resident's to fix
    try:
        selection = payment_page.confirm_selection(
            session,
            resident_id=resident_id,
            public_account_id=public_account_id,
            choices=list(choices),
        )
    except payment_page.SelectionError as error:
        busy = [document_id for document_id, message in error.problems if message == payment_page.MSG_IN_PROGRESS]
        if busy:
            raise DocumentBeingPaid(busy) from None
        raise
    commission = commission_kopecks(selection.total_kopecks, commission_rate)
    if shown_charge_kopecks is not None and selection.total_kopecks + commission != shown_charge_kopecks:
        raise ChargeChanged(selection.total_kopecks, commission)
    moment = now or utc_now()
    numbers = ", ".join(item.document_number for item in selection.items)
    payment = Payment(
        public_id=uuid.uuid4().hex,
        resident_id=resident_id,
        idempotency_key=uuid.uuid4().hex,
        gateway=gateway_name,
        status=ps.CREATED,
        method=method,
        amount_kopecks=selection.total_kopecks,
        commission_kopecks=commission,
        description=f"{DESCRIPTION_PREFIX}: {numbers}"[:128],
        return_url=return_url,
        receipt_email=normalize_email(receipt_email) if receipt_email else None,  # one address, never a header
        created_at=moment,
        updated_at=moment,
    )
    try:
        session.add(payment)
        session.flush()
        payment_id = stored_id(payment)
        for item in sorted(selection.items, key=lambda item: item.document_id):  # a fixed lock order
            session.add(
                PaymentItem(
                    payment_id=payment_id,
                    payment_document_id=item.document_id,
                    personal_account_id=item.account_id,
                    amount_kopecks=item.amount_kopecks,
                    open=1,
                )
            )
        session.flush()
        _event(session, payment_id, None, ps.CREATED, "app", {"items": len(selection.items)}, moment)
        session.commit()
    except sa.exc.IntegrityError as error:
        session.rollback()
        if _is_open_conflict(error):
            raise DocumentBeingPaid(item.document_id for item in selection.items) from None
        raise
    correlation.bind_payment(payment.public_id)
    metrics.payment_created(method)
    log.info("payment created: %s, %d document(s)", method or "method not chosen yet", len(selection.items))
    return _record(payment)
