"""«Платёжный документ» with its ГОСТ Р 56042 QR code (issue 13 §3): what it says, and that the code reads back."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from gkh_web.db.engine import get_engine
from gkh_web.db.models import PaymentDocument, PersonalAccount, ProviderOrganisation
from gkh_web.domain.qr import parse_gost_56042_payload
from gkh_web.services.accounts import AccessDenied
from gkh_web.services.payments.document_sheet import MSG_NOTHING_DUE, document_sheet
from gkh_web.services.payments.page import payment_page_for_resident
from gkh_web.services.qr_image import qr_png, qr_svg
from tests.db.test_payments import resident
from tests.qr_decode import decode_qr


@pytest.fixture
def session(demo_db):
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        yield session


def _own(session: Session, key: str, *, payable: bool = True) -> list[int]:
    page = payment_page_for_resident(session, resident(session, key))
    return [document.document_id for account in page.accounts for document in account.documents
            if document.selectable == payable]


def test_the_sheet_carries_the_payee_the_sum_due_the_ipd_and_the_period(session):
    ivanov = resident(session, "ivanov")
    for document_id in _own(session, "ivanov"):
        sheet = document_sheet(session, document_id, resident_id=ivanov)
        document = session.get(PaymentDocument, document_id)
        account = session.get(PersonalAccount, document.personal_account_id)
        provider = session.get(ProviderOrganisation, account.provider_id)
        fields = parse_gost_56042_payload(sheet.qr_payload)
        assert sheet.qr_payload.startswith("ST00012|Name=")
        assert fields["Name"] == provider.recipient_name and fields["PayeeINN"] == provider.inn
        assert fields["PersonalAcc"] == provider.settlement_account and fields["BIC"] == provider.bik
        assert fields["BankName"] == provider.bank_name
        assert fields["CorrespAcc"] == (provider.correspondent_account or "0")
        assert int(fields["Sum"]) == document.total_kopecks - document.paid_kopecks == sheet.due_kopecks > 0
        assert fields["PersAcc"] == account.number
        assert fields["PaymPeriod"] == f"{document.period_month:02d}{document.period_year}"
        assert fields["TechCode"] == "02"
        assert f"ЕЛС {account.els}" in fields["Purpose"] and f"ИПД {document.ipd}" in fields["Purpose"]
        assert fields["PayerAddress"] == sheet.address
        assert (sheet.ipd, sheet.els, sheet.izhku) == (document.ipd, account.els, account.izhku)
        assert sheet.services.total_kopecks == document.total_kopecks


def test_the_qr_code_reads_back_to_the_exact_payload(session):
    ivanov = resident(session, "ivanov")
    sheet = document_sheet(session, _own(session, "ivanov")[0], resident_id=ivanov)
    assert decode_qr(qr_png(sheet.qr_payload)) == sheet.qr_payload
    assert qr_svg(sheet.qr_payload).startswith("<svg")


def test_a_paid_document_has_no_code_to_pay_with(session):
    ivanov = resident(session, "ivanov")
    document = session.get(PaymentDocument, _own(session, "ivanov")[0])
    document.paid_kopecks = document.total_kopecks
    session.add(document)
    session.commit()
    sheet = document_sheet(session, document.id, resident_id=ivanov)
    assert sheet.due_kopecks == 0 and sheet.qr_payload == "" and sheet.qr_note == MSG_NOTHING_DUE


def test_only_the_residents_own_documents(session):
    sidorov = resident(session, "sidorov")
    for document_id in [*_own(session, "ivanov")[:3], 0, -1, 10**9]:
        with pytest.raises(AccessDenied):
            document_sheet(session, document_id, resident_id=sidorov)
    unlinked = session.exec(select(PersonalAccount.id).where(PersonalAccount.number == "1001042")).one()
    someone_elses = session.exec(select(PaymentDocument.id)
                                 .where(PaymentDocument.personal_account_id == unlinked)).first()
    with pytest.raises(AccessDenied):  # «Оплатить по другому лицевому счёту» gives no document view
        document_sheet(session, someone_elses, resident_id=resident(session, "ivanov"))
