"""«Платёжный документ»: one of the resident's own documents, printable, with its ГОСТ Р 56042 QR code.

What a paper ЕПД carries: the payer's account (ЕЛС, ИЖКУ, ИПД, address), the payee's bank requisites,
the period and due date, the services, and the QR code a bank app reads to pay this one document later
(``domain.qr``): the payee, the sum still due in kopecks, the purpose with the period, ЕЛС and ИПД,
the account number (``PersAcc``), the period (``PaymPeriod``) and the payer's address.

Access is the services' rule for a resident (``page.document_services``): only a document on an account
linked to the resident; someone else's account («Оплатить по другому лицевому счёту») has no such view.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from gkh_web.db.models import premises_address
from gkh_web.domain.charges import amount_due
from gkh_web.domain.dates import format_date, format_period
from gkh_web.domain.money import format_rubles
from gkh_web.domain.qr import PaymentRequisites, QrPayloadError, gost_56042_payload, gost_paym_period
from gkh_web.services.accounts.lookup import account_details
from gkh_web.services.payments.page import (
    DocumentServices,
    RecipientRequisites,
    _accessible_document,
    _recipient,
    document_services,
)

MSG_NOTHING_DUE = "Документ оплачен — QR-код для оплаты не нужен."


@dataclass(frozen=True)
class DocumentSheet:
    document_id: int
    number: str
    ipd: str
    period_text: str
    due_date_text: str
    account_number: str
    els: str
    izhku: str
    address: str
    provider_name: str
    recipient: RecipientRequisites
    services: DocumentServices
    paid_text: str
    due_kopecks: int
    due_text: str
    """«Сумма к оплате»: what is still owed, and the ``Sum`` of the QR code."""
    qr_payload: str
    """The ГОСТ Р 56042 text; "" when nothing is due or the payee's requisites do not fit the standard."""
    qr_note: str
    """Why there is no QR code ("" when there is one)."""


def document_sheet(session: Session, document_id: int, *, resident_id: int) -> DocumentSheet:
    """The resident's own document as «Платёжный документ»; AccessDenied for any other (or unknown) id."""
    document = _accessible_document(session, document_id, resident_id, None)
    services = document_services(session, document_id, resident_id=resident_id, public_account_id=None)
    details = account_details(session, [document.personal_account_id])[0]
    account, provider = details.account, details.provider
    address = premises_address(details.house, details.premises)
    period = format_period(document.period_year, document.period_month)
    due = amount_due(document.total_kopecks, document.paid_kopecks)
    payload, note = "", MSG_NOTHING_DUE
    if due > 0:
        requisites = PaymentRequisites(
            name=provider.recipient_name, personal_acc=provider.settlement_account, bank_name=provider.bank_name,
            bic=provider.bik, correspondent_acc=provider.correspondent_account or "", payee_inn=provider.inn,
            kpp=provider.kpp,
        )
        try:
            payload, note = gost_56042_payload(
                requisites, sum_kopecks=due, purpose=f"Оплата ЖКУ за {period}, ЕЛС {account.els}, ИПД {document.ipd}",
                pers_acc=account.number, paym_period=gost_paym_period(document.period_year, document.period_month),
                payer_address=address,
            ), ""
        except QrPayloadError as error:  # a provider's data the standard cannot carry: say so, print the rest
            payload, note = "", f"QR-код не построен: {error}."
    return DocumentSheet(
        document_id=services.document_id, number=document.number, ipd=document.ipd, period_text=period,
        due_date_text=format_date(document.due_date), account_number=account.number, els=account.els,
        izhku=account.izhku, address=address, provider_name=provider.short_name, recipient=_recipient(provider),
        services=services, paid_text=format_rubles(document.paid_kopecks), due_kopecks=due,
        due_text=format_rubles(due), qr_payload=payload, qr_note=note,
    )
