"""Attacks on «Платёжный документ» (``/pay/document?ref=…``) and on the kiosk's «nothing saved here», issue 13 §2–§3.

Every handler can be called over the websocket with any argument, so these call them directly, as a
script would: another resident's document id, a document while paying someone else's account, a
reference guessed or carried into another sign-in, a reference that names someone else's document,
and the PDF download on a kiosk, where the receipt may leave only by QR code (or on paper).
"""

from __future__ import annotations

import reflex as rx
import sqlalchemy as sa
from sqlmodel import Session, select

from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.models import PaymentDocument, PersonalAccount, Resident, ResidentAccountLink
from gkh_web.domain import payment_states as ps
from gkh_web.services import payments as pay
from gkh_web.services.identity import residents
from gkh_web.services.identity.esia_client import EsiaClaims
from gkh_web.services.payments.page import payment_page_for_account, payment_page_for_resident
from gkh_web.settings import get_settings
from gkh_web.state.pay import PayPageState
from gkh_web.state.pay_result import PaymentResultState
from gkh_web.state.payment_document import PaymentDocumentState
from gkh_web.state.session import SessionState
from tests.db.test_payments import new_payment, resident

IVANOV_SNILS, SIDOROV_SNILS = "14526738979", "16349572899"


def _state(cls):
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _sign_in(snils: str) -> tuple[str, int]:
    with session_scope() as session:
        person = session.exec(sa.select(Resident).where(Resident.snils == snils)).scalars().one()
        claims = EsiaClaims(person.esia_subject_id, person.last_name, person.first_name, person.middle_name,
                            person.snils, person.phone, person.email)
        return residents.sign_in_resident(session, claims), person.id


async def _pay_page(snils: str) -> PayPageState:
    """The payment page of a signed-in resident, rows loaded as ``open_page`` loads them."""
    state = _state(PayPageState)
    token, resident_id = _sign_in(snils)
    (await state.get_state(SessionState))._token = token
    state._resident_id = resident_id
    with session_scope() as session:
        state.accounts = payment_page_for_resident(session, resident_id).accounts
    return state


def _documents(state: PayPageState) -> list[int]:
    """The page's payable documents (something due: the QR code carries a sum)."""
    return [document.document_id for account in state.accounts for document in account.documents
            if document.selectable]


def _documents_of(snils: str) -> list[int]:
    with session_scope() as session:
        return list(session.exec(
            sa.select(PaymentDocument.id)
            .join(ResidentAccountLink, ResidentAccountLink.personal_account_id == PaymentDocument.personal_account_id)
            .join(Resident, Resident.id == ResidentAccountLink.resident_id)
            .where(Resident.snils == snils)
        ).scalars().all())


async def _open(state: PayPageState, document_id: int) -> str:
    """«Платёжный документ с QR-кодом» pressed: the reference the tab was sent to."""
    result = await state.open_document(document_id)
    reference = list((await state.get_state(PaymentDocumentState))._references)[-1]
    assert f"/pay/document?ref={reference}" in str(result), result
    return reference


async def test_own_document_opens_under_a_reference_not_an_id(demo_db):
    state = await _pay_page(IVANOV_SNILS)
    document_id = _documents(state)[0]
    reference = await _open(state, document_id)
    assert str(document_id) != reference and len(reference) >= 20
    sheet = await state.get_state(PaymentDocumentState)
    sheet._resident_id = state._resident_id
    await sheet._show(reference)
    assert sheet.found and sheet.qr.startswith("<svg")


async def test_another_residents_document_id_gets_no_reference(demo_db):
    state = await _pay_page(SIDOROV_SNILS)
    sheet = await state.get_state(PaymentDocumentState)
    for foreign in _documents_of(IVANOV_SNILS)[:3]:
        assert await state.open_document(foreign) is None
    assert sheet._references == {}


async def test_someone_elses_account_offers_no_document_view(demo_db):
    """«Оплатить по другому лицевому счёту»: neither the services nor the printable document with its ИПД."""
    state = await _pay_page(SIDOROV_SNILS)
    with session_scope() as session:
        unlinked = session.exec(select(PersonalAccount.id).where(PersonalAccount.number == "1001042")).one()
        state.accounts = payment_page_for_account(session, unlinked).accounts
    state.public_mode = True
    assert await state.open_document(_documents(state)[0]) is None
    assert (await state.get_state(PaymentDocumentState))._references == {}


async def test_a_guessed_or_foreign_reference_finds_nothing(demo_db):
    state = await _pay_page(IVANOV_SNILS)
    reference = await _open(state, _documents(state)[0])
    sheet = await state.get_state(PaymentDocumentState)
    sheet._resident_id = state._resident_id
    for guess in ("", "1", str(_documents(state)[0]), reference[:-1], reference + "x", reference.upper()):
        await sheet._show(guess)
        assert sheet.loaded and not sheet.found, guess
    # The same tab, now signed in as someone else (a stale tab token): Иванов's reference is not theirs.
    _, sidorov = _sign_in(SIDOROV_SNILS)
    sheet._resident_id = sidorov
    await sheet._show(reference)
    assert not sheet.found


async def test_a_reference_naming_someone_elses_document_is_refused_by_the_ownership_check(demo_db):
    """Should a reference ever name another person's document, the services' own check still refuses it."""
    sheet = _state(PaymentDocumentState)
    _, sidorov = _sign_in(SIDOROV_SNILS)
    sheet._resident_id = sidorov
    reference = sheet._issue(sidorov, _documents_of(IVANOV_SNILS)[0])
    await sheet._show(reference)
    assert not sheet.found and sheet.ipd == "" and sheet.qr == ""


def _succeeded_payment(demo_db: str) -> pay.PaymentRecord:
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        record = new_payment(session, resident(session, "ivanov"), method="card")
        for step in (ps.SUBMITTED, ps.AWAITING_CUSTOMER, ps.SUCCEEDED):
            pay.transition(session, record.id, step, source="gateway")
        session.commit()
        return record


async def _result_state(record: pay.PaymentRecord) -> PaymentResultState:
    state = _state(PaymentResultState)
    token, resident_id = _sign_in(IVANOV_SNILS)
    (await state.get_state(SessionState))._token = token
    state._resident_id, state._public_id = resident_id, record.public_id
    return state


async def test_on_a_kiosk_the_receipt_file_is_refused_by_the_server_not_only_hidden(demo_db, monkeypatch):
    record = _succeeded_payment(demo_db)
    monkeypatch.setenv("GKH_KIOSK", "0")
    get_settings.cache_clear()
    off_kiosk = await (await _result_state(record)).download_receipt()
    assert off_kiosk is not None and "download" in str(off_kiosk)  # a phone or a desktop keeps the PDF
    monkeypatch.setenv("GKH_KIOSK", "1")
    get_settings.cache_clear()
    state = await _result_state(record)
    assert await state.download_receipt() is None
    await state._show()
    assert state.kiosk and state.receipt_qr.startswith("<svg") and state.receipt_link_until


async def test_printing_is_offered_only_by_a_kiosk_with_a_printer(demo_db, monkeypatch):
    record = _succeeded_payment(demo_db)
    for kiosk, printer, prints in (("1", "0", False), ("1", "1", True), ("0", "1", False)):
        monkeypatch.setenv("GKH_KIOSK", kiosk)
        monkeypatch.setenv("GKH_KIOSK_PRINTER", printer)
        get_settings.cache_clear()
        state = await _result_state(record)
        await state._show()
        assert state.can_print is prints
        assert (state.print_receipt() is not None) is prints
