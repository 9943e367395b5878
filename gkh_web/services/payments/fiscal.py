"""The fiscal receipt of a stored payment: its documents and amounts from the database, the recipient from the
payment (else the resident's profile), the lines built by ``domain.fiscal_receipt``.

Everything comes from rows that do not change while the payment is open (the items, the documents'
numbers and periods, the payment's own receipt address), so the receipt of a replayed create is the one
first sent — the same key then carries the same body. Only a payment without its own address falls
back to the resident's profile (e-mail, else phone): 54-ФЗ sends an online payer a receipt whether or
not the app sends its own letter.
"""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from gkh_web.db.models import Payment, PaymentDocument, PaymentItem, PersonalAccount, Resident, stored_id
from gkh_web.domain.dates import format_period
from gkh_web.domain.fiscal_receipt import (
    DocumentCharge,
    FiscalReceipt,
    ReceiptError,
    build_receipt,
    document_description,
)
from gkh_web.settings import get_settings

log = logging.getLogger(__name__)


def document_charges(session: Session, payment_id: int) -> list[DocumentCharge]:
    """The payment's documents in document id order, each named as on the receipt, with its amount."""
    rows = session.exec(
        select(PaymentItem, PaymentDocument, PersonalAccount)
        .where(PaymentItem.payment_id == payment_id)
        .where(PaymentDocument.id == PaymentItem.payment_document_id)
        .where(PersonalAccount.id == PaymentItem.personal_account_id)
        .order_by(col(PaymentItem.payment_document_id))
    ).all()
    return [
        DocumentCharge(
            document_description(format_period(document.period_year, document.period_month), document.number,
                                 account.number),
            item.amount_kopecks,
        )
        for item, document, account in rows
    ]


def fiscal_receipt_of(session: Session, payment: Payment) -> FiscalReceipt | None:
    """The receipt to send with the payment's create; None (logged) when none can be made (no contact at all)."""
    resident = session.get(Resident, payment.resident_id)
    email = payment.receipt_email or (resident.email if resident else None)
    try:
        return build_receipt(
            document_charges(session, stored_id(payment)),
            commission_kopecks=payment.commission_kopecks,
            charged_kopecks=payment.charged_kopecks,
            email=email,
            phone=resident.phone if resident else None,
            vat_code=get_settings().yookassa_vat_code,
        )
    except ReceiptError as error:
        log.warning("payment %s: no fiscal receipt: %s", payment.id, error)
        return None
