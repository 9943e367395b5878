"""The payment page's services on the demo set: «Сумма к оплате», services of a document, «Далее».

Expected amounts are recomputed here from the ``payment_document`` rows with
plain arithmetic, not with the code under test. Read-only tests share one copy
of the demo database per module; tests that write get their own (``demo_db``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from gkh_web.db.engine import create_engine_for
from gkh_web.db.esia_models import EsiaUser
from gkh_web.db.migrate import upgrade
from gkh_web.db.models import PaymentDocument, PersonalAccount, Resident, ResidentAccountLink, ServiceLine
from gkh_web.domain.allocation import DocumentChoice, cap_message, selection_figures
from gkh_web.domain.money import MSG_NOT_A_NUMBER, MSG_TOO_PRECISE, format_amount, format_rubles
from gkh_web.services.accounts import AccessDenied, linked_accounts
from gkh_web.services.accounts.lookup import AccountLookupError
from gkh_web.services.data.demo_data import (
    DEMO_ACCOUNTS,
    DEMO_LOGINS,
    LARGE_ACCOUNTS,
    LARGE_DEMO_LOGIN,
    LARGE_HISTORY_MONTHS,
    DemoAccount,
    load_demo,
)
from gkh_web.services.payments import page as pp
from gkh_web.services.payments.page import (
    ConfirmedSelection,
    DocumentServices,
    PayableAccount,
    PayableDocument,
    PaymentPage,
    SelectionError,
    confirm_selection,
    document_services,
    payment_page_for_account,
    payment_page_for_resident,
)
from tests.db.conftest import DEMO_AS_OF, QueryCounter, sqlite_url

NBSP = "\u00a0"
CAP = 500_000_00


def default_choices(page) -> list[DocumentChoice]:
    """The seed's defaults: every selectable document ticked with its amount due."""
    return [DocumentChoice(document.document_id, account.account_id, True, document.due_kopecks)
            for account in page.accounts for document in account.documents if document.selectable]


# --- Fixtures and helpers ----------------------------------------------------------------------


def resident_id(session: Session, key: str) -> int:
    """The resident row of a demo person; Кузнецова's is created as her first sign-in would (no links)."""
    login = LARGE_DEMO_LOGIN if key == LARGE_DEMO_LOGIN.key else next(x for x in DEMO_LOGINS if x.key == key)
    resident = session.exec(select(Resident).where(Resident.snils == login.snils)).first()
    if resident is None:
        user = session.exec(select(EsiaUser).where(EsiaUser.snils == login.snils)).one()
        resident = Resident(esia_subject_id=user.subject_id, last_name=user.last_name, first_name=user.first_name,
                            middle_name=user.middle_name, snils=user.snils)
        session.add(resident)
        session.flush()
    return resident.id


def spec(key: str) -> DemoAccount:
    return next(item for item in DEMO_ACCOUNTS if item.key == key)


def account_id_of(session: Session, key: str) -> int:
    return session.exec(select(PersonalAccount.id).where(PersonalAccount.izhku == spec(key).izhku)).one()


def documents_of(session: Session, account_id: int) -> list[PaymentDocument]:
    return list(session.exec(select(PaymentDocument).where(PaymentDocument.personal_account_id == account_id)).all())


def owed(document: PaymentDocument) -> int:
    """What is still to pay on a document, recomputed without the code under test."""
    if document.status != "issued" or document.total_kopecks <= document.paid_kopecks:
        return 0
    return document.total_kopecks - document.paid_kopecks


def expected_shown(session: Session, account_id: int) -> list[PaymentDocument]:
    """Issued documents owing something or among the account's 3 newest periods, newest first."""
    issued = [document for document in documents_of(session, account_id) if document.status == "issued"]
    if not issued:
        return []
    newest = max(document.period_year * 12 + document.period_month for document in issued)
    shown = [document for document in issued
             if owed(document) > 0 or document.period_year * 12 + document.period_month > newest - 3]
    return sorted(shown, key=lambda document: (-(document.period_year * 12 + document.period_month), document.id))


def first_selectable(page: PaymentPage) -> PayableDocument:
    return next(document for account in page.accounts for document in account.documents if document.selectable)


def defaults(page: PaymentPage) -> list[tuple[int, str]]:
    return [(document.document_id, document.amount_text)
            for account in page.accounts for document in account.documents if document.selectable]


def plain_values_only(value) -> bool:
    """True if a view holds only str/int/bool, lists and nested dataclasses of such (Reflex-state safe)."""
    if dataclasses.is_dataclass(value):
        return all(plain_values_only(getattr(value, field.name)) for field in dataclasses.fields(value))
    if isinstance(value, list):
        return all(plain_values_only(item) for item in value)
    return type(value) in (str, int, bool)


def page_json(page) -> str:
    return json.dumps(dataclasses.asdict(page), ensure_ascii=False)


# --- The page for a resident ----------------------------------------------------------------------------


def test_ivanov_sees_three_accounts_with_amounts_recomputed_from_rows(ro):
    page = payment_page_for_resident(ro, resident_id(ro, "ivanov"))
    assert page.empty_reason == ""
    assert len(page.accounts) == 3
    assert plain_values_only(page)
    linked = {account_id_of(ro, key) for key in ("ivanov_uk", "ivanov_power", "ivanov_fund")}
    assert {account.account_id for account in page.accounts} == linked
    for account in page.accounts:
        assert isinstance(account, PayableAccount)
        rows = expected_shown(ro, account.account_id)
        assert [document.document_id for document in account.documents] == [row.id for row in rows]
        expected_due = sum(owed(document) for document in documents_of(ro, account.account_id))
        assert expected_due > 0
        assert account.due_kopecks == expected_due
        assert account.due_kopecks == sum(d.due_kopecks for d in account.documents if d.selectable)
        assert account.due_text == format_rubles(expected_due)
        for document, row in zip(account.documents, rows, strict=False):
            assert document.account_id == account.account_id
            assert (document.total_kopecks, document.paid_kopecks, document.due_kopecks) == (
                row.total_kopecks, row.paid_kopecks, owed(row))
            assert document.selectable == (owed(row) > 0)
            assert document.amount_text == format_amount(owed(row))
            assert document.due_text == format_rubles(owed(row))
            assert (document.ipd, document.number) == (row.ipd, row.number)


def test_accounts_come_in_the_cabinets_order_and_with_the_providers_requisites(ro):
    ivanov = resident_id(ro, "ivanov")
    page = payment_page_for_resident(ro, ivanov)
    cabinet = linked_accounts(ro, ivanov)
    assert [account.account_id for account in page.accounts] == [view.account_id for view in cabinet]
    assert [account.address for account in page.accounts] == [view.address for view in cabinet]
    fund = page.accounts[0]
    assert (fund.number, fund.provider_name) == ("КР-0056-008", "Фонд капремонта")
    assert fund.address == "г. Москва, Профсоюзная ул., д. 56, кв. 8"
    recipient = fund.recipient
    assert recipient.name == "Фонд капремонта"
    assert (recipient.bank_name, recipient.bik) == ("ПАО Сбербанк", "044525225")
    assert len(recipient.inn) == 10 and len(recipient.kpp) == 9
    assert len(recipient.settlement_account) == 20 and recipient.settlement_account.startswith("40703")
    assert recipient.correspondent_account == "30101810400000000225"


def test_documents_newest_first_with_russian_period_due_date_and_status(ro):
    page = payment_page_for_resident(ro, resident_id(ro, "ivanov"))
    uk = next(account for account in page.accounts if account.number == "1001015")
    assert [document.period_text for document in uk.documents] == ["октябрь 2026", "сентябрь 2026", "август 2026"]
    assert [document.due_date_text for document in uk.documents] == [
        "15 ноября 2026 г.", "15 октября 2026 г.", "15 сентября 2026 г."]
    assert [document.status for document in uk.documents] == ["unpaid", "unpaid", "partially_paid"]
    assert [document.status_text for document in uk.documents] == ["Не оплачен", "Не оплачен", "Оплачен частично"]
    partly = uk.documents[2]
    assert 0 < partly.paid_kopecks < partly.total_kopecks
    assert partly.due_kopecks == partly.total_kopecks - partly.paid_kopecks and partly.selectable
    assert partly.paid_text == format_rubles(partly.paid_kopecks)
    power = next(account for account in page.accounts if account.number == "5600100015")
    # Two unpaid and, as context from the three newest periods, the paid August one.
    assert [(document.period_text, document.status_text, document.selectable) for document in power.documents] == [
        ("октябрь 2026", "Не оплачен", True), ("сентябрь 2026", "Не оплачен", True),
        ("август 2026", "Оплачен", False)]
    assert power.documents[2].due_kopecks == 0 and power.documents[2].amount_text == "0,00"


def test_defaults_select_every_selectable_document_with_its_due(ro):
    page = payment_page_for_resident(ro, resident_id(ro, "ivanov"))
    choices = default_choices(page)
    assert len(choices) == sum(1 for account in page.accounts for d in account.documents if d.selectable)
    assert all(choice.selected for choice in choices)
    assert selection_figures(choices).total_kopecks == sum(account.due_kopecks for account in page.accounts)
    assert selection_figures(choices).can_proceed


def test_petrova_all_paid(ro):
    page = payment_page_for_resident(ro, resident_id(ro, "petrova"))
    assert page == PaymentPage(accounts=[], empty_reason="all_paid")


def test_sidorov_no_documents(ro):
    page = payment_page_for_resident(ro, resident_id(ro, "sidorov"))
    assert page == PaymentPage(accounts=[], empty_reason="no_documents")


def test_resident_without_links_has_no_accounts(ro):
    page = payment_page_for_resident(ro, resident_id(ro, "kuznetsova"))
    assert page == PaymentPage(accounts=[], empty_reason="no_accounts")
    assert payment_page_for_resident(ro, 999_999).empty_reason == "no_accounts"


def test_paid_accounts_next_to_accounts_without_documents_read_all_paid(rw):
    sidorov = resident_id(rw, "sidorov")
    rw.add(ResidentAccountLink(resident_id=sidorov, personal_account_id=account_id_of(rw, "petrova_uk")))
    rw.commit()
    assert payment_page_for_resident(rw, sidorov) == PaymentPage(accounts=[], empty_reason="all_paid")


def test_fully_paid_account_is_left_out_while_others_are_owed(rw):
    ivanov = resident_id(rw, "ivanov")
    power = account_id_of(rw, "ivanov_power")
    for document in documents_of(rw, power):
        document.paid_kopecks = document.total_kopecks
    rw.commit()
    page = payment_page_for_resident(rw, ivanov)
    assert page.empty_reason == "" and len(page.accounts) == 2
    assert power not in {account.account_id for account in page.accounts}


def test_withdrawn_documents_are_not_shown(rw):
    ivanov = resident_id(rw, "ivanov")
    uk = account_id_of(rw, "ivanov_uk")
    newest = max(documents_of(rw, uk), key=lambda document: (document.period_year, document.period_month))
    newest.status = "withdrawn"
    rw.commit()
    page = payment_page_for_resident(rw, ivanov)
    account = next(account for account in page.accounts if account.account_id == uk)
    assert newest.id not in {document.document_id for document in account.documents}
    assert account.due_kopecks == sum(owed(document) for document in documents_of(rw, uk))
    with pytest.raises(SelectionError) as error:
        confirm_selection(rw, resident_id=ivanov, public_account_id=None, choices=[(newest.id, "100")])
    assert error.value.problems == [(newest.id, "Платёжный документ отозван поставщиком")]


def test_payment_in_progress_is_shown_and_cannot_be_selected(ro, monkeypatch):
    ivanov = resident_id(ro, "ivanov")
    before = payment_page_for_resident(ro, ivanov)
    busy = first_selectable(before)
    monkeypatch.setattr(pp, "documents_with_payment_in_progress", lambda _session, ids: {busy.document_id} & set(ids))
    page = payment_page_for_resident(ro, ivanov)
    account = next(account for account in page.accounts if account.account_id == busy.account_id)
    document = next(document for document in account.documents if document.document_id == busy.document_id)
    assert (document.status, document.status_text, document.selectable) == (
        "in_progress", "Платёж в обработке", False)
    old_account = next(item for item in before.accounts if item.account_id == busy.account_id)
    assert account.due_kopecks == old_account.due_kopecks - busy.due_kopecks
    with pytest.raises(SelectionError) as error:
        confirm_selection(ro, resident_id=ivanov, public_account_id=None, choices=[(busy.document_id, "100")])
    assert error.value.problems == [(busy.document_id, "По этому платёжному документу уже есть платёж в обработке")]


def test_only_payments_in_progress_left_still_shows_the_page(ro, monkeypatch):
    account_id = account_id_of(ro, "kuznetsova_uk")
    [only] = [document for document in documents_of(ro, account_id) if owed(document) > 0]
    monkeypatch.setattr(pp, "documents_with_payment_in_progress", lambda _session, ids: {only.id} & set(ids))
    page = payment_page_for_account(ro, account_id)
    assert page.empty_reason == "" and len(page.accounts) == 1
    assert page.accounts[0].due_kopecks == 0
    assert not any(document.selectable for document in page.accounts[0].documents)
    assert not selection_figures(default_choices(page)).can_proceed


def test_in_progress_hook_is_empty_until_payments_exist(ro):
    ids = [document.id for document in documents_of(ro, account_id_of(ro, "ivanov_uk"))]
    assert pp.documents_with_payment_in_progress(ro, ids) == set()


# --- «Оплатить по другому лицевому счёту» -------------------------------------------------------------------


def test_another_account_alone_without_payer_name_or_city(ro):
    account_id = account_id_of(ro, "smirnov_uk")
    page = payment_page_for_account(ro, account_id)
    assert page.empty_reason == ""
    [account] = page.accounts
    assert (account.account_id, account.number, account.provider_name) == (account_id, "1001042", "ООО «УК «Рассвет»")
    assert account.address == "ул. Лесная, д. 12, корп. 2, кв. 42"
    assert account.due_kopecks == sum(owed(document) for document in documents_of(ro, account_id)) > 0
    text = page_json(page)
    assert "Смирнов" not in text and "Москва" not in text
    assert plain_values_only(page)


def test_another_account_empty_reasons_and_unknown_id(ro):
    assert payment_page_for_account(ro, account_id_of(ro, "orlova_tsn")).empty_reason == "no_documents"
    assert payment_page_for_account(ro, account_id_of(ro, "petrova_power")).empty_reason == "all_paid"
    for bad in (999_999, 0, None, "1", True):
        with pytest.raises(AccountLookupError, match="Лицевой счёт не найден"):
            payment_page_for_account(ro, bad)


def test_a_linked_account_paid_as_another_account_matches_the_residents_page(ro):
    resident_page = payment_page_for_resident(ro, resident_id(ro, "ivanov"))
    for account in resident_page.accounts:
        [public] = payment_page_for_account(ro, account.account_id).accounts
        # the same documents, but with no ИПД: an ИПД holds the ИЖКУ and the ЕЛС
        assert public.documents == [dataclasses.replace(document, ipd="") for document in account.documents]
        assert all(document.ipd for document in account.documents)
        assert public.due_kopecks == account.due_kopecks
        assert account.address.endswith(public.address) and public.address != account.address


# --- Services of one document -------------------------------------------------------------------------------


def test_services_add_up_to_each_document(ro):
    ivanov = resident_id(ro, "ivanov")
    page = payment_page_for_resident(ro, ivanov)
    for account in page.accounts:
        for document in account.documents:
            services = document_services(ro, document.document_id, resident_id=ivanov, public_account_id=None)
            assert isinstance(services, DocumentServices) and plain_values_only(services)
            assert services.document_id == document.document_id
            assert services.lines_total_kopecks == sum(line.to_pay_kopecks for line in services.lines)
            assert (services.lines_total_kopecks + services.debt_or_advance_kopecks + services.penalties_kopecks
                    == services.total_kopecks == document.total_kopecks)
            assert services.total_text == format_rubles(document.total_kopecks)
            rows = ro.exec(select(ServiceLine).where(ServiceLine.payment_document_id == document.document_id)
                           .order_by(ServiceLine.position)).all()
            assert [line.service_name for line in services.lines] == [row.service_name for row in rows]
            assert [line.to_pay_text for line in services.lines] == [format_rubles(row.to_pay_kopecks) for row in rows]


def test_services_formatting_with_debt_and_penalties(ro):
    ivanov = resident_id(ro, "ivanov")
    page = payment_page_for_resident(ro, ivanov)
    fund = next(account for account in page.accounts if account.number == "КР-0056-008")
    september = next(document for document in fund.documents if document.period_text == "сентябрь 2026")
    services = document_services(ro, september.document_id, resident_id=ivanov, public_account_id=None)
    [line] = services.lines
    assert (line.service_name, line.unit) == ("Взнос на капитальный ремонт", "м²")
    assert line.volume_text == f"38,1{NBSP}м²"
    assert line.tariff_text == f"28,40{NBSP}₽"
    assert line.charged_text == f"1{NBSP}082,04{NBSP}₽"
    assert (line.recalculation_text, line.benefit_text) == (f"0,00{NBSP}₽", f"0,00{NBSP}₽")
    assert (services.debt_or_advance_label, services.debt_or_advance_text) == (
        "Задолженность на начало периода", f"4{NBSP}532,18{NBSP}₽")
    assert services.penalties_text == f"127,40{NBSP}₽"
    assert services.total_text == september.total_text == f"5{NBSP}741,62{NBSP}₽"


def test_services_volumes_and_tariffs_of_a_full_document(ro):
    ivanov = resident_id(ro, "ivanov")
    uk = next(a for a in payment_page_for_resident(ro, ivanov).accounts if a.number == "1001015")
    services = document_services(ro, uk.documents[0].document_id, resident_id=ivanov, public_account_id=None)
    by_name = {line.service_name: line for line in services.lines}
    assert by_name["Содержание жилого помещения"].volume_text == f"54,3{NBSP}м²"
    assert by_name["Содержание жилого помещения"].tariff_text == f"38,40{NBSP}₽"
    assert by_name["Отопление"].tariff_text == f"3{NBSP}412,56{NBSP}₽"
    assert by_name["Отопление"].volume_text == f"0,619{NBSP}Гкал"  # 54,30 × 0,0114 = 0,61902 → scale 4 = 0,6190
    assert by_name["Запирающее устройство (домофон)"].volume_text == f"1{NBSP}шт."
    assert by_name["Обращение с ТКО"].volume_text == f"3{NBSP}чел."
    for line in services.lines:
        assert "E" not in line.volume_text and not line.volume_text.startswith(",")


def test_advance_is_shown_as_an_advance_not_a_minus(ro):
    account_id = account_id_of(ro, "morozov_power")
    page = payment_page_for_account(ro, account_id)
    newest = page.accounts[0].documents[0]
    services = document_services(ro, newest.document_id, resident_id=None, public_account_id=account_id)
    assert services.debt_or_advance_kopecks == -50_000
    assert (services.debt_or_advance_label, services.debt_or_advance_text) == (
        "Аванс на начало периода", f"500,00{NBSP}₽")


def test_services_of_another_residents_document_are_refused(ro):
    ivanov, petrova = resident_id(ro, "ivanov"), resident_id(ro, "petrova")
    document = first_selectable(payment_page_for_resident(ro, ivanov))
    with pytest.raises(AccessDenied):
        document_services(ro, document.document_id, resident_id=petrova, public_account_id=None)
    for bad in (999_999, 0, None, "1"):
        with pytest.raises(AccessDenied):
            document_services(ro, bad, resident_id=ivanov, public_account_id=None)


def test_services_by_public_account_only_for_its_own_documents(ro):
    smirnov = account_id_of(ro, "smirnov_uk")
    own = first_selectable(payment_page_for_account(ro, smirnov))
    assert document_services(ro, own.document_id, resident_id=None, public_account_id=smirnov).lines
    other = first_selectable(payment_page_for_account(ro, account_id_of(ro, "volkova_uk")))
    with pytest.raises(AccessDenied, match="не относится к этому лицевому счёту"):
        document_services(ro, other.document_id, resident_id=None, public_account_id=smirnov)
    with pytest.raises(AccessDenied):
        document_services(ro, own.document_id, resident_id=None, public_account_id=None)
    with pytest.raises(AccessDenied):
        document_services(ro, own.document_id, resident_id=resident_id(ro, "petrova"), public_account_id=None)
    # A resident paying another account keeps access to it.
    assert document_services(ro, own.document_id, resident_id=resident_id(ro, "petrova"),
                             public_account_id=smirnov).document_id == own.document_id


# --- «Далее» ---------------------------------------------------------------------------------------------------


def test_confirming_the_defaults_gives_the_page_total_in_page_order(ro):
    ivanov = resident_id(ro, "ivanov")
    page = payment_page_for_resident(ro, ivanov)
    confirmed = confirm_selection(ro, resident_id=ivanov, public_account_id=None, choices=defaults(page))
    assert isinstance(confirmed, ConfirmedSelection) and plain_values_only(confirmed)
    page_total = sum(account.due_kopecks for account in page.accounts)
    assert confirmed.total_kopecks == page_total == selection_figures(default_choices(page)).total_kopecks
    assert confirmed.total_text == format_rubles(page_total)
    assert [item.document_id for item in confirmed.items] == [d for d, _ in defaults(page)]
    for item in confirmed.items:
        account = next(account for account in page.accounts if account.account_id == item.account_id)
        document = next(document for document in account.documents if document.document_id == item.document_id)
        assert (item.account_number, item.provider_name, item.address, item.recipient) == (
            account.number, account.provider_name, account.address, account.recipient)
        assert (item.document_number, item.period_text) == (document.number, document.period_text)
        assert (item.amount_kopecks, item.amount_text, item.note) == (
            document.due_kopecks, document.due_text, "")


def test_confirm_order_does_not_depend_on_the_browsers_order(ro):
    ivanov = resident_id(ro, "ivanov")
    page = payment_page_for_resident(ro, ivanov)
    forward = confirm_selection(ro, resident_id=ivanov, public_account_id=None, choices=defaults(page))
    backward = confirm_selection(ro, resident_id=ivanov, public_account_id=None, choices=defaults(page)[::-1])
    assert backward == forward


def test_confirm_reads_russian_amounts_and_labels_partial_and_advance(ro):
    ivanov = resident_id(ro, "ivanov")
    page = payment_page_for_resident(ro, ivanov)
    small = next(d for a in page.accounts for d in a.documents if d.selectable and d.due_kopecks > 123450)
    other = next(d for a in page.accounts for d in a.documents if d.selectable and d.document_id != small.document_id)
    above = format_amount(other.due_kopecks + 100_00)
    confirmed = confirm_selection(ro, resident_id=ivanov, public_account_id=None,
                                  choices=[(small.document_id, "1 234,5"), (other.document_id, above)])
    by_id = {item.document_id: item for item in confirmed.items}
    assert by_id[small.document_id].amount_kopecks == 123450
    assert by_id[small.document_id].amount_text == f"1{NBSP}234,50{NBSP}₽"
    assert by_id[small.document_id].note == "Частичная оплата"
    assert (by_id[other.document_id].amount_kopecks, by_id[other.document_id].note) == (
        other.due_kopecks + 100_00, "Аванс")
    assert confirmed.total_kopecks == 123450 + other.due_kopecks + 100_00


def test_tampered_amount_above_the_cap_is_refused(ro):
    ivanov = resident_id(ro, "ivanov")
    document = first_selectable(payment_page_for_resident(ro, ivanov))
    with pytest.raises(SelectionError) as error:
        confirm_selection(ro, resident_id=ivanov, public_account_id=None,
                          choices=[(document.document_id, "500 000,01")])
    assert error.value.problems == [(document.document_id, cap_message(CAP))]
    exactly = confirm_selection(ro, resident_id=ivanov, public_account_id=None,
                                choices=[(document.document_id, "500 000,00")])
    assert exactly.total_kopecks == CAP and exactly.items[0].note == "Аванс"


def test_the_cap_comes_from_the_settings(ro, monkeypatch):
    ivanov = resident_id(ro, "ivanov")
    document = first_selectable(payment_page_for_resident(ro, ivanov))
    monkeypatch.setenv("GKH_MAX_DOCUMENT_PAYMENT_KOPECKS", "100000")
    pp.get_settings.cache_clear()
    with pytest.raises(SelectionError) as error:
        confirm_selection(ro, resident_id=ivanov, public_account_id=None, choices=[(document.document_id, "1000,01")])
    assert error.value.problems == [(document.document_id, f"Не больше 1{NBSP}000,00{NBSP}₽ по одному документу")]


def test_every_problem_is_listed_per_document(ro):
    ivanov = resident_id(ro, "ivanov")
    page = payment_page_for_resident(ro, ivanov)
    ids = [d for d, _ in defaults(page)]
    paid = next(d for a in page.accounts for d in a.documents if d.status == "paid")
    petrova_document = max(documents_of(ro, account_id_of(ro, "petrova_uk")), key=lambda document: document.id)
    other_document = next(document for document in documents_of(ro, account_id_of(ro, "smirnov_uk"))
                          if owed(document) > 0)
    with pytest.raises(SelectionError) as error:
        confirm_selection(ro, resident_id=ivanov, public_account_id=None, choices=[
            (ids[0], "abc"), (ids[1], "1,005"), (ids[2], "0"), (ids[3], "-5"), (ids[4], ""),
            (paid.document_id, "100"), (petrova_document.id, "100"), (other_document.id, "100"),
            (ids[5], "100"), (ids[5], "200"), (999_999, "100"), ("7", "100"),
        ])
    not_yours = "Платёжный документ не относится к лицевым счетам вашего личного кабинета"
    assert error.value.problems == [  # one per entry, in the order the browser sent them
        (ids[0], MSG_NOT_A_NUMBER),
        (ids[1], MSG_TOO_PRECISE),
        (ids[2], "Сумма должна быть больше нуля"),
        (ids[3], "Сумма не может быть отрицательной"),
        (ids[4], "Введите сумму"),
        (paid.document_id, "Платёжный документ уже оплачен"),
        (petrova_document.id, not_yours),
        (other_document.id, not_yours),
        (ids[5], "Платёжный документ выбран дважды"),
        (999_999, not_yours),
        (0, "Платёжный документ не найден"),
    ]


def test_another_residents_document_alone_is_refused(ro):
    petrova = resident_id(ro, "petrova")
    document = first_selectable(payment_page_for_resident(ro, resident_id(ro, "ivanov")))
    with pytest.raises(SelectionError) as error:
        confirm_selection(ro, resident_id=petrova, public_account_id=None, choices=[(document.document_id, "100")])
    assert error.value.problems == [
        (document.document_id, "Платёжный документ не относится к лицевым счетам вашего личного кабинета")]


def test_empty_selection_is_refused(ro):
    ivanov = resident_id(ro, "ivanov")
    with pytest.raises(SelectionError) as error:
        confirm_selection(ro, resident_id=ivanov, public_account_id=None, choices=[])
    assert error.value.problems == [(0, pp.MSG_NOTHING_SELECTED)]
    assert str(error.value) == pp.MSG_NOTHING_SELECTED
    with pytest.raises(AccessDenied):
        confirm_selection(ro, resident_id=None, public_account_id=None, choices=[(1, "100")])


def test_confirm_for_another_account(ro):
    smirnov = account_id_of(ro, "smirnov_uk")
    page = payment_page_for_account(ro, smirnov)
    confirmed = confirm_selection(ro, resident_id=None, public_account_id=smirnov, choices=defaults(page))
    assert confirmed.total_kopecks == page.accounts[0].due_kopecks
    assert {item.address for item in confirmed.items} == {"ул. Лесная, д. 12, корп. 2, кв. 42"}
    assert "Смирнов" not in page_json(confirmed)
    ivanov_document = first_selectable(payment_page_for_resident(ro, resident_id(ro, "ivanov")))
    with pytest.raises(SelectionError) as error:
        confirm_selection(ro, resident_id=None, public_account_id=smirnov,
                          choices=[*defaults(page), (ivanov_document.document_id, "100")])
    assert error.value.problems == [
        (ivanov_document.document_id, "Платёжный документ не относится к этому лицевому счёту")]


def test_confirm_reads_the_due_from_the_database_not_the_page(rw):
    """A payment accounted between opening the page and «Далее» makes the same amount an advance."""
    ivanov = resident_id(rw, "ivanov")
    page = payment_page_for_resident(rw, ivanov)
    document = first_selectable(page)
    row = rw.get(PaymentDocument, document.document_id)
    row.paid_kopecks = row.total_kopecks - 100
    rw.commit()
    confirmed = confirm_selection(rw, resident_id=ivanov, public_account_id=None,
                                  choices=[(document.document_id, document.amount_text)])
    assert confirmed.items[0].note == "Аванс"
    row.paid_kopecks = row.total_kopecks
    rw.commit()
    with pytest.raises(SelectionError, match="уже оплачен"):
        confirm_selection(rw, resident_id=ivanov, public_account_id=None,
                          choices=[(document.document_id, document.amount_text)])


# --- The large demo: constant queries, compact payload ------------------------------------------------------------


@pytest.fixture(scope="module")
def large_engine(tmp_path_factory) -> Iterator[sa.Engine]:
    """The demo set with «Большой Набор» (10 accounts × 36 documents × 12 services), built once."""
    url = sqlite_url(tmp_path_factory.mktemp("payment_page_large") / "large.db")
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        load_demo(session, large=True, as_of=DEMO_AS_OF)
        session.commit()
    yield engine
    engine.dispose()


def test_large_page_in_constant_queries_and_compact(large_engine):
    with Session(large_engine) as session:
        large = resident_id(session, LARGE_DEMO_LOGIN.key)
        with QueryCounter(large_engine) as counter:
            page = payment_page_for_resident(session, large)
        assert len(counter.statements) <= 4, counter.statements
        assert len(page.accounts) == LARGE_ACCOUNTS
        shown = sum(len(account.documents) for account in page.accounts)
        payload = page_json(page).encode()
        print(f"\nlarge demo: payment_page_for_resident: {len(counter.statements)} queries, "
              f"{LARGE_ACCOUNTS} accounts, {shown} of {LARGE_ACCOUNTS * LARGE_HISTORY_MONTHS} documents shown, "
              f"JSON {len(payload)} bytes")
        assert len(payload) < 400_000
        for account in page.accounts:
            rows = expected_shown(session, account.account_id)
            assert [document.document_id for document in account.documents] == [row.id for row in rows]
            assert account.due_kopecks == sum(owed(row) for row in rows) > 0
            assert len(account.documents) <= sum(1 for row in rows if owed(row) > 0) + 3

        document = first_selectable(page)
        with QueryCounter(large_engine) as counter:
            services = document_services(session, document.document_id, resident_id=large, public_account_id=None)
        assert len(services.lines) == 12 and len(counter.statements) <= 2, counter.statements
        print(f"large demo: document_services: {len(counter.statements)} queries, "
              f"JSON {len(page_json(services).encode())} bytes")

        with QueryCounter(large_engine) as counter:
            confirmed = confirm_selection(session, resident_id=large, public_account_id=None, choices=defaults(page))
        assert len(counter.statements) <= 3, counter.statements
        assert confirmed.total_kopecks == sum(account.due_kopecks for account in page.accounts)
        print(f"large demo: confirm_selection of {len(confirmed.items)} documents: {len(counter.statements)} queries, "
              f"JSON {len(page_json(confirmed).encode())} bytes")


# --- PostgreSQL -----------------------------------------------------------------------------------------------------

@pytest.mark.postgres
def test_payment_page_on_postgres(postgres_session):
    session = postgres_session
    ivanov = resident_id(session, "ivanov")
    page = payment_page_for_resident(session, ivanov)
    assert len(page.accounts) == 3
    for account in page.accounts:
        rows = expected_shown(session, account.account_id)
        assert [document.document_id for document in account.documents] == [row.id for row in rows]
    assert payment_page_for_resident(session, resident_id(session, "petrova")).empty_reason == "all_paid"
    assert payment_page_for_resident(session, resident_id(session, "sidorov")).empty_reason == "no_documents"
    confirmed = confirm_selection(session, resident_id=ivanov, public_account_id=None, choices=defaults(page))
    assert confirmed.total_kopecks == sum(account.due_kopecks for account in page.accounts)
    document = first_selectable(page)
    services = document_services(session, document.document_id, resident_id=ivanov, public_account_id=None)
    assert services.lines_total_kopecks + services.debt_or_advance_kopecks + services.penalties_kopecks == (
        document.total_kopecks)
