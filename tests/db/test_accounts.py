"""Personal-account services on the demo set: cabinet, linking, access checks, «оплатить по другому ЛС».

Read-only tests share one copy of the demo database per module; every test
that writes gets its own copy (``demo_db``). Expected amounts are recomputed
here from the documents with plain arithmetic, not with the code under test.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from gkh_web.db.engine import create_engine_for
from gkh_web.db.esia_models import EsiaUser
from gkh_web.db.migrate import upgrade
from gkh_web.db.models import (
    House,
    PaymentDocument,
    PersonalAccount,
    ProviderOrganisation,
    Resident,
    ResidentAccountLink,
)
from gkh_web.domain.identifiers import MSG_ACCOUNT_NUMBER_LENGTH, MSG_ELS_FORMAT, MSG_IPD_FORMAT, MSG_IZHKU_FORMAT
from gkh_web.domain.money import format_rubles
from gkh_web.services.accounts import (
    AccessDenied,
    AccountLinkError,
    AccountLookupError,
    LinkedAccountView,
    PublicAccountView,
    find_accounts_to_pay,
    house_suggestions,
    link_by_address,
    link_by_identifier,
    linked_accounts,
    providers_for_house,
    public_account,
    regions,
    require_accessible_document,
    require_linked_account,
    unlink,
)
from gkh_web.services.data.demo_data import (
    DEMO_ACCOUNT_TO_LINK,
    DEMO_ACCOUNTS,
    DEMO_HOUSES,
    DEMO_LOGINS,
    DEMO_PROVIDERS,
    DEMO_REGION,
    DEMO_UNLINKED_ACCOUNTS,
    LARGE_ACCOUNTS,
    LARGE_DEMO_LOGIN,
    DemoAccount,
    demo_account_address,
    load_demo,
)
from tests.db.conftest import DEMO_AS_OF, QueryCounter, snapshot, sqlite_url

ALREADY_LINKED = "Этот лицевой счёт уже подключён к вашему личному кабинету"
ADDRESS_MISMATCH = "Адрес не совпадает с адресом лицевого счёта"


# --- Fixtures and helpers ----------------------------------------------------------------


def demo_login(key: str):
    return next(login for login in DEMO_LOGINS if login.key == key)


def resident_id(session: Session, key: str) -> int:
    """The resident row of a demo person; Кузнецова's is created as her first sign-in would."""
    login = demo_login(key) if key != LARGE_DEMO_LOGIN.key else LARGE_DEMO_LOGIN
    resident = session.exec(select(Resident).where(Resident.snils == login.snils)).first()
    if resident is None:
        user = session.exec(select(EsiaUser).where(EsiaUser.snils == login.snils)).one()
        resident = Resident(esia_subject_id=user.subject_id, last_name=user.last_name, first_name=user.first_name,
                            middle_name=user.middle_name, snils=user.snils)
        session.add(resident)
        session.commit()
    return resident.id


def account_of(session: Session, spec: DemoAccount) -> PersonalAccount:
    return session.exec(select(PersonalAccount).where(PersonalAccount.izhku == spec.izhku)).one()


def demo_spec(key: str) -> DemoAccount:
    return next(spec for spec in DEMO_ACCOUNTS if spec.key == key)


def house_id(session: Session, key: str) -> int:
    spec = next(house for house in DEMO_HOUSES if house.key == key)
    return session.exec(select(House.id).where(House.street == spec.street,
                                                House.house_number == spec.house_number)).one()


def provider_id(session: Session, key: str) -> int:
    name = next(provider for provider in DEMO_PROVIDERS if provider.key == key).short_name
    return session.exec(select(ProviderOrganisation.id).where(ProviderOrganisation.short_name == name)).one()


def expected_due(session: Session, account_id: int) -> tuple[int, int]:
    """(Σ still owed, number of documents owing) computed straight from the rows."""
    documents = session.exec(select(PaymentDocument).where(PaymentDocument.personal_account_id == account_id)).all()
    owed = [document.total_kopecks - document.paid_kopecks for document in documents
            if document.status == "issued" and document.total_kopecks > document.paid_kopecks]
    return sum(owed), len(owed)


def link_count(session: Session) -> int:
    return session.exec(select(sa.func.count()).select_from(ResidentAccountLink)).one()


def only_plain_values(view) -> bool:
    return all(type(getattr(view, field.name)) in (str, int, bool) for field in dataclasses.fields(view))


# --- Cabinet ---------------------------------------------------------------------------------


def test_ivanov_sees_three_accounts_with_amounts_recomputed_from_documents(ro):
    views = linked_accounts(ro, resident_id(ro, "ivanov"))
    specs = [spec for spec in DEMO_ACCOUNTS if spec.linked_to == "ivanov"]
    assert sorted(view.izhku for view in views) == sorted(spec.izhku for spec in specs)
    for view in views:
        assert isinstance(view, LinkedAccountView) and only_plain_values(view)
        due, documents = expected_due(ro, view.account_id)
        assert (view.amount_due_kopecks, view.unpaid_documents) == (due, documents)
        assert due > 0 and documents >= 2
        assert view.amount_due_text == format_rubles(due)
        spec = next(spec for spec in specs if spec.izhku == view.izhku)
        assert (view.number, view.els, view.address) == (spec.number, spec.els, demo_account_address(spec))


def test_partly_paid_document_counts_only_its_remainder(ro):
    account = account_of(ro, demo_spec("ivanov_uk"))
    documents = ro.exec(select(PaymentDocument).where(PaymentDocument.personal_account_id == account.id)).all()
    partly = [document for document in documents if 0 < document.paid_kopecks < document.total_kopecks]
    assert len(partly) == 1
    view = next(view for view in linked_accounts(ro, resident_id(ro, "ivanov")) if view.account_id == account.id)
    full_unpaid = sum(document.total_kopecks for document in documents if document.paid_kopecks == 0)
    assert view.amount_due_kopecks == full_unpaid + partly[0].total_kopecks - partly[0].paid_kopecks


def test_cabinet_is_ordered_by_address_then_provider(ro):
    views = linked_accounts(ro, resident_id(ro, "ivanov"))
    assert [(view.address, view.provider_name) for view in views] == [
        ("г. Москва, Профсоюзная ул., д. 56, кв. 8", "Фонд капремонта"),
        ("г. Москва, ул. Лесная, д. 12, корп. 2, кв. 15", "АО «Энергосбыт Столица»"),
        ("г. Москва, ул. Лесная, д. 12, корп. 2, кв. 15", "ООО «УК «Рассвет»"),
    ]


def test_petrova_owes_nothing(ro):
    views = linked_accounts(ro, resident_id(ro, "petrova"))
    assert len(views) == 2
    assert [(view.amount_due_kopecks, view.unpaid_documents) for view in views] == [(0, 0), (0, 0)]
    assert views[0].amount_due_text == "0,00\u00a0₽"


def test_sidorov_has_one_account_without_documents(ro):
    [view] = linked_accounts(ro, resident_id(ro, "sidorov"))
    assert (view.number, view.provider_name) == ("БР-005", "ТСН «Берёзовая роща»")
    assert ro.exec(select(PaymentDocument).where(PaymentDocument.personal_account_id == view.account_id)).all() == []
    assert (view.amount_due_kopecks, view.unpaid_documents) == (0, 0)


def test_resident_without_links_has_an_empty_cabinet(rw):
    kuznetsova = resident_id(rw, "kuznetsova")
    assert linked_accounts(rw, kuznetsova) == []


# --- Regions, house suggestions, providers ---------------------------------------------------------


def test_regions(ro):
    assert regions(ro) == [DEMO_REGION]


@pytest.mark.parametrize(("query", "labels"), [
    ("лесная 12", ["ул. Лесная, д. 12, корп. 2"]),
    ("ЛЕСНАЯ", ["ул. Лесная, д. 12, корп. 2"]),
    ("лес", ["ул. Лесная, д. 12, корп. 2"]),
    ("д.12 к2", ["ул. Лесная, д. 12, корп. 2"]),
    ("профсоюзная 56", ["Профсоюзная ул., д. 56"]),
    ("березовая", ["Берёзовая аллея, д. 7"]),
    ("москва", ["Берёзовая аллея, д. 7", "Ленинский пр-т, д. 90", "Профсоюзная ул., д. 56",
                "ул. Лесная, д. 12, корп. 2"]),
    ("тверская", []),
    ("лесная 13", []),
    ("лесная 1", ["ул. Лесная, д. 12, корп. 2"]),
    ("", []),
    ("  ,. ", []),
])
def test_house_suggestions(ro, query, labels):
    assert [choice.label for choice in house_suggestions(ro, region=DEMO_REGION, query=query)] == labels


def test_house_suggestions_respect_region_and_limit(ro):
    assert house_suggestions(ro, region="Тверская обл.", query="лесная") == []
    assert len(house_suggestions(ro, region=DEMO_REGION, query="москва", limit=2)) == 2
    [choice] = house_suggestions(ro, region=DEMO_REGION, query="лесная")
    assert choice.house_id == house_id(ro, "lesnaya")


def test_house_label_names_the_city_when_a_region_has_several(rw):
    rw.add(House(region=DEMO_REGION, city="Зеленоград", street="ул. Лесная", house_number="3",
                 fias_guid=str(uuid.uuid4())))
    rw.flush()
    labels = [choice.label for choice in house_suggestions(rw, region=DEMO_REGION, query="лесная")]
    assert labels == ["Зеленоград, ул. Лесная, д. 3", "Москва, ул. Лесная, д. 12, корп. 2"]


def test_providers_for_house(ro):
    names = lambda key: [choice.name for choice in providers_for_house(ro, house_id(ro, key))]  # noqa: E731
    assert names("lesnaya") == ["АО «Энергосбыт Столица»", "ООО «УК «Рассвет»"]
    assert names("profsoyuznaya") == ["АО «Энергосбыт Столица»", "ООО «УК «Северный квартал»", "Фонд капремонта"]
    assert names("berezovaya") == ["ТСН «Берёзовая роща»"]
    assert providers_for_house(ro, 999_999) == []
    [rassvet] = [choice for choice in providers_for_house(ro, house_id(ro, "lesnaya")) if "Рассвет" in choice.name]
    assert rassvet.provider_id == provider_id(ro, "rassvet")


# --- Linking by address ------------------------------------------------------------------------------


def address_form(session: Session, **changes) -> dict:
    """The dialog filled in with Кузнецова's account, with some fields changed."""
    form = {"house_id": house_id(session, "lesnaya"), "flat": DEMO_ACCOUNT_TO_LINK.flat,
            "provider_id": provider_id(session, "rassvet"), "account_number": DEMO_ACCOUNT_TO_LINK.number}
    return form | changes


@pytest.mark.parametrize("flat", ["27", "кв. 27", " 27 ", "КВ.27", "кв 27", "квартира 27"])
def test_kuznetsova_links_by_address_then_gets_already_linked(rw, flat):
    kuznetsova = resident_id(rw, "kuznetsova")
    outcome = link_by_address(rw, kuznetsova, **address_form(rw, flat=flat, account_number=" 1001027 "))
    rw.commit()
    assert outcome.message == "Лицевой счёт № 1001027 подключён"
    [view] = outcome.linked
    assert view == linked_accounts(rw, kuznetsova)[0]
    assert view.izhku == DEMO_ACCOUNT_TO_LINK.izhku and view.address == demo_account_address(DEMO_ACCOUNT_TO_LINK)
    assert (view.amount_due_kopecks, view.unpaid_documents) == expected_due(rw, view.account_id)
    require_linked_account(rw, kuznetsova, view.account_id)

    with pytest.raises(AccountLinkError) as error:
        link_by_address(rw, kuznetsova, **address_form(rw, flat=flat))
    assert (error.value.field, str(error.value)) == ("account_number", ALREADY_LINKED)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"flat": "28"}, "flat", ADDRESS_MISMATCH),
    ({"flat": "кв. 15"}, "flat", ADDRESS_MISMATCH),
    ({"house_id": "profsoyuznaya"}, "house", ADDRESS_MISMATCH),
    ({"account_number": "1001028"}, "account_number",
     "Лицевой счёт № 1001028 у организации ООО «УК «Рассвет» не найден. Проверьте номер по квитанции"),
    ({"provider_id": "energosbyt"}, "account_number",
     "Лицевой счёт № 1001027 у организации АО «Энергосбыт Столица» не найден. Проверьте номер по квитанции"),
    ({"house_id": None}, "house", "Выберите дом из подсказок"),
    ({"house_id": 999_999}, "house", "Выберите дом из подсказок"),
    ({"flat": "  "}, "flat", "Укажите номер квартиры"),
    ({"flat": "кв."}, "flat", "Укажите номер квартиры"),
    ({"provider_id": None}, "provider", "Выберите организацию"),
    ({"provider_id": 999_999}, "provider", "Выберите организацию"),
    ({"account_number": "   "}, "account_number", MSG_ACCOUNT_NUMBER_LENGTH),
])
def test_link_by_address_refuses_with_field_and_writes_nothing(rw, demo_db, changes, field, message):
    kuznetsova = resident_id(rw, "kuznetsova")
    resolved = {key: house_id(rw, value) if key == "house_id" and isinstance(value, str)
                else provider_id(rw, value) if key == "provider_id" and isinstance(value, str) else value
                for key, value in changes.items()}
    before = snapshot(demo_db)
    with pytest.raises(AccountLinkError) as error:
        link_by_address(rw, kuznetsova, **address_form(rw, **resolved))
    rw.commit()  # whatever the function might have added would be stored now
    assert (error.value.field, str(error.value)) == (field, message)
    assert snapshot(demo_db) == before


def test_first_bad_field_in_dialog_order_is_reported(rw):
    kuznetsova = resident_id(rw, "kuznetsova")
    with pytest.raises(AccountLinkError) as error:
        link_by_address(rw, kuznetsova, house_id=None, flat="", provider_id=None, account_number="")
    assert error.value.field == "house"
    with pytest.raises(AccountLinkError) as error:
        link_by_address(rw, kuznetsova, house_id=house_id(rw, "lesnaya"), flat="27", provider_id=None,
                        account_number="")
    assert error.value.field == "provider"


# --- Linking by ЕЛС / ИЖКУ ---------------------------------------------------------------------------------


@pytest.mark.parametrize("identifier", ["77НР482913", "77HP482913", " 77нр 482913 ", "77НР482913-01",
                                        "77HP482913-01", "77НР482913–01"])
def test_kuznetsova_links_by_els_or_izhku(rw, identifier):
    kuznetsova = resident_id(rw, "kuznetsova")
    outcome = link_by_identifier(rw, kuznetsova, identifier)
    rw.commit()
    assert outcome.message == "Лицевой счёт № 1001027 подключён"
    assert [view.izhku for view in outcome.linked] == [DEMO_ACCOUNT_TO_LINK.izhku]
    assert [view.izhku for view in linked_accounts(rw, kuznetsova)] == [DEMO_ACCOUNT_TO_LINK.izhku]
    with pytest.raises(AccountLinkError) as error:
        link_by_identifier(rw, kuznetsova, identifier)
    assert (error.value.field, str(error.value)) == ("identifier", ALREADY_LINKED)


def test_els_links_every_account_of_the_premises_not_yet_linked(rw):
    """Ivanov's flat has two providers under one ЕЛС; a family member links the rest after one ИЖКУ."""
    kuznetsova = resident_id(rw, "kuznetsova")
    first = link_by_identifier(rw, kuznetsova, "77АБ123456-02")
    assert first.message == "Лицевой счёт № 5600100015 подключён"
    outcome = link_by_identifier(rw, kuznetsova, "77АБ123456")
    rw.commit()
    assert outcome.message == "Лицевой счёт № 1001015 подключён"
    assert [view.number for view in linked_accounts(rw, kuznetsova)] == ["5600100015", "1001015"]
    with pytest.raises(AccountLinkError, match=ALREADY_LINKED):
        link_by_identifier(rw, kuznetsova, "77АБ123456")


def test_els_with_several_new_accounts_links_them_all_in_one_action(rw):
    kuznetsova = resident_id(rw, "kuznetsova")
    before = link_count(rw)
    outcome = link_by_identifier(rw, kuznetsova, "77АБ123456")
    rw.commit()
    assert outcome.message == "Лицевые счета № 1001015, 5600100015 подключены"
    assert link_count(rw) == before + 2


def test_an_account_linked_by_another_resident_can_be_linked_too(rw):
    """Family members share accounts: Ivanov keeps his link, Кузнецова gets her own."""
    ivanov, kuznetsova = resident_id(rw, "ivanov"), resident_id(rw, "kuznetsova")
    link_by_identifier(rw, kuznetsova, demo_spec("ivanov_fund").izhku)
    rw.commit()
    account = account_of(rw, demo_spec("ivanov_fund"))
    require_linked_account(rw, ivanov, account.id)
    require_linked_account(rw, kuznetsova, account.id)
    with pytest.raises(AccountLinkError, match=ALREADY_LINKED):
        link_by_identifier(rw, ivanov, demo_spec("ivanov_fund").els)


@pytest.mark.parametrize(("identifier", "message"), [
    ("77АБ12345", MSG_ELS_FORMAT),
    ("77ЯЯ12345Z", MSG_ELS_FORMAT),
    ("7АБ1234567", MSG_ELS_FORMAT),
    ("77АБ123456-1", MSG_IZHKU_FORMAT),
    ("77АБ123456-01-1026", MSG_IZHKU_FORMAT),
    ("", "Введите ЕЛС или идентификатор ЖКУ из квитанции"),
    ("   ", "Введите ЕЛС или идентификатор ЖКУ из квитанции"),
    ("77ЯЯ000000", "Лицевой счёт с ЕЛС 77ЯЯ000000 не найден в ГИС ЖКХ. Возможно, поставщик ещё не разместил его"
                   " — проверьте номер по квитанции"),
    ("77НР482913-09", "Лицевой счёт с идентификатором ЖКУ 77НР482913-09 не найден в ГИС ЖКХ. Возможно, поставщик"
                      " ещё не разместил его — проверьте номер по квитанции"),
])
def test_link_by_identifier_refuses_and_writes_nothing(rw, demo_db, identifier, message):
    kuznetsova = resident_id(rw, "kuznetsova")
    before = snapshot(demo_db)
    with pytest.raises(AccountLinkError) as error:
        link_by_identifier(rw, kuznetsova, identifier)
    rw.commit()
    assert (error.value.field, str(error.value)) == ("identifier", message)
    assert snapshot(demo_db) == before


def test_already_linked_refusal_writes_nothing(rw, demo_db):
    ivanov = resident_id(rw, "ivanov")
    before = snapshot(demo_db)
    with pytest.raises(AccountLinkError, match=ALREADY_LINKED):
        link_by_address(rw, ivanov, house_id=house_id(rw, "lesnaya"), flat="15",
                        provider_id=provider_id(rw, "rassvet"), account_number="1001015")
    rw.commit()
    assert snapshot(demo_db) == before


# --- Unlinking and access checks ----------------------------------------------------------------------


def test_unlink_then_the_account_is_no_longer_accessible(rw):
    ivanov = resident_id(rw, "ivanov")
    account = account_of(rw, demo_spec("ivanov_power"))
    document = rw.exec(select(PaymentDocument).where(PaymentDocument.personal_account_id == account.id)).first()
    assert require_linked_account(rw, ivanov, account.id).id == account.id
    assert require_accessible_document(rw, ivanov, document.id).id == document.id

    assert unlink(rw, ivanov, account.id) == "Лицевой счёт № 5600100015 отключён"
    rw.commit()
    with pytest.raises(AccessDenied):
        require_linked_account(rw, ivanov, account.id)
    with pytest.raises(AccessDenied):
        require_accessible_document(rw, ivanov, document.id)
    with pytest.raises(AccessDenied):
        unlink(rw, ivanov, account.id)
    assert len(linked_accounts(rw, ivanov)) == 2
    assert rw.get(PersonalAccount, account.id) is not None  # only the link is gone


def test_unlink_removes_only_the_callers_link(rw):
    ivanov, kuznetsova = resident_id(rw, "ivanov"), resident_id(rw, "kuznetsova")
    account = account_of(rw, demo_spec("ivanov_uk"))
    link_by_identifier(rw, kuznetsova, demo_spec("ivanov_uk").izhku)
    unlink(rw, kuznetsova, account.id)
    rw.commit()
    require_linked_account(rw, ivanov, account.id)
    with pytest.raises(AccessDenied):
        require_linked_account(rw, kuznetsova, account.id)


def test_another_residents_account_and_document_are_denied(rw, demo_db):
    petrova = resident_id(rw, "petrova")
    account = account_of(rw, demo_spec("ivanov_uk"))
    document = rw.exec(select(PaymentDocument).where(PaymentDocument.personal_account_id == account.id)).first()
    before = snapshot(demo_db)
    with pytest.raises(AccessDenied):
        require_linked_account(rw, petrova, account.id)
    with pytest.raises(AccessDenied):
        require_accessible_document(rw, petrova, document.id)
    with pytest.raises(AccessDenied):
        unlink(rw, petrova, account.id)
    rw.commit()
    assert snapshot(demo_db) == before


@pytest.mark.parametrize("bad_id", [999_999, 0, -1, None, True, "1", 1.0])
def test_unknown_or_malformed_ids_are_denied(ro, bad_id):
    ivanov = resident_id(ro, "ivanov")
    with pytest.raises(AccessDenied):
        require_linked_account(ro, ivanov, bad_id)
    with pytest.raises(AccessDenied):
        require_accessible_document(ro, ivanov, bad_id)


def test_access_denied_is_a_permission_error_with_a_russian_message(ro):
    with pytest.raises(PermissionError, match="не подключён к вашему личному кабинету"):
        require_linked_account(ro, resident_id(ro, "petrova"), account_of(ro, demo_spec("ivanov_uk")).id)


# --- «Оплатить по другому лицевому счёту» ------------------------------------------------------------------


def newest_ipd(session: Session, account: PersonalAccount) -> str:
    return session.exec(select(PaymentDocument.ipd).where(PaymentDocument.personal_account_id == account.id)
                        .order_by(PaymentDocument.period_year.desc(), PaymentDocument.period_month.desc())).first()


def check_public_view(session: Session, view: PublicAccountView, spec: DemoAccount) -> None:
    """Right account and amount, no more than a payer needs: not the payer's name, identifiers or bank details."""
    account = account_of(session, spec)
    provider = session.get(ProviderOrganisation, account.provider_id)
    house = next(house for house in DEMO_HOUSES if house.key == spec.house)
    assert only_plain_values(view)
    assert (view.account_id, view.number, view.provider_name) == (account.id, spec.number, provider.short_name)
    shown = {str(getattr(view, field.name)) for field in dataclasses.fields(view)}
    assert not shown & {spec.els, spec.izhku, provider.inn, provider.bik, provider.settlement_account}
    assert view.premises_hint == f"{house.street}, д. {house.house_number}, кв. {spec.flat}"
    assert (view.amount_due_kopecks, view.unpaid_documents) == expected_due(session, account.id)
    assert view.amount_due_kopecks > 0 and view.amount_due_text == format_rubles(view.amount_due_kopecks)
    surname = spec.payer.split()[0]
    for field in dataclasses.fields(view):
        assert surname.casefold() not in str(getattr(view, field.name)).casefold(), field.name


@pytest.mark.parametrize("spec", DEMO_UNLINKED_ACCOUNTS, ids=lambda spec: spec.key)
def test_find_accounts_to_pay_by_every_search_key(ro, spec):
    account = account_of(ro, spec)
    searches = [
        {"identifier": spec.els},
        {"identifier": spec.izhku},
        {"identifier": spec.izhku.lower()},
        {"identifier": newest_ipd(ro, account)},
        {"house_id": house_id(ro, spec.house), "account_number": f" {spec.number} "},
    ]
    for search in searches:
        [view] = find_accounts_to_pay(ro, **search)
        check_public_view(ro, view, spec)
        assert public_account(ro, view.account_id) == view


def test_demo_unlinked_accounts_cover_the_readme_table():
    assert {spec.number for spec in DEMO_UNLINKED_ACCOUNTS} == {"1001042", "СК-56003", "5600100064"}


def test_find_by_latin_lookalikes_and_a_shared_els(ro):
    [view] = find_accounts_to_pay(ro, identifier="77EK903716-01")  # Latin E and K
    assert view.number == "5600100064"
    views = find_accounts_to_pay(ro, identifier="77АБ123456")
    assert [view.number for view in views] == ["5600100015", "1001015"]  # by provider name: АО…, ООО…
    assert all("Иванов" not in str(value) for view in views for value in dataclasses.asdict(view).values())


@pytest.mark.parametrize(("search", "field", "message"), [
    ({}, "identifier", "Введите ЕЛС, идентификатор ЖКУ или идентификатор платёжного документа из квитанции"
                       " либо выберите дом и укажите номер лицевого счёта"),
    ({"identifier": "77АБ12345"}, "identifier", MSG_ELS_FORMAT),
    ({"identifier": "77АБ123456-01-10"}, "identifier", MSG_IPD_FORMAT),
    ({"identifier": "77ЯЯ000000-01"}, "identifier",
     "Лицевой счёт с идентификатором ЖКУ 77ЯЯ000000-01 не найден в ГИС ЖКХ. Возможно, поставщик ещё не разместил"
     " его — проверьте номер по квитанции"),
    ({"identifier": "77ОР551204-01-1024"}, "identifier",
     "Платёжный документ с идентификатором платёжного документа 77ОР551204-01-1024 не найден в ГИС ЖКХ."
     " Возможно, поставщик ещё не разместил его — проверьте номер по квитанции"),
    ({"account_number": "1001042"}, "house", "Выберите дом из подсказок"),
    ({"house_id": "lesnaya"}, "account_number", MSG_ACCOUNT_NUMBER_LENGTH),
    ({"house_id": "lesnaya", "account_number": "СК-56003"}, "account_number",
     "Лицевой счёт № СК-56003 в этом доме не найден. Проверьте номер по квитанции"),
])
def test_find_accounts_to_pay_explains_what_is_wrong(ro, search, field, message):
    if isinstance(search.get("house_id"), str):
        search = search | {"house_id": house_id(ro, search["house_id"])}
    with pytest.raises(AccountLookupError) as error:
        find_accounts_to_pay(ro, **search)
    assert (error.value.field, str(error.value)) == (field, message)


@pytest.mark.parametrize("bad_id", [999_999, 0, None, "1"])
def test_public_account_of_an_unknown_id(ro, bad_id):
    with pytest.raises(AccountLookupError, match="Лицевой счёт не найден"):
        public_account(ro, bad_id)


# --- Structure: no N+1 ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large_engine(tmp_path_factory) -> Iterator[sa.Engine]:
    """The demo set with «Большой Набор» (10 accounts × 36 documents), built once for the module."""
    url = sqlite_url(tmp_path_factory.mktemp("accounts_large") / "large.db")
    upgrade(url)
    engine = create_engine_for(url)
    with Session(engine) as session:
        load_demo(session, large=True, as_of=DEMO_AS_OF)
        session.commit()
    yield engine
    engine.dispose()


def test_large_cabinet_takes_a_constant_number_of_queries(large_engine):
    with Session(large_engine) as session:
        large = resident_id(session, LARGE_DEMO_LOGIN.key)
        with QueryCounter(large_engine) as counter:
            views = linked_accounts(session, large)
        assert len(views) == LARGE_ACCOUNTS
        assert len(counter.statements) <= 3, counter.statements
        for view in views:
            assert (view.amount_due_kopecks, view.unpaid_documents) == expected_due(session, view.account_id)
        assert sum(view.amount_due_kopecks for view in views) > 0


# --- PostgreSQL -----------------------------------------------------------------------------------------

@pytest.mark.postgres
def test_account_services_on_postgres(postgres_session):
    session = postgres_session
    ivanov, kuznetsova = resident_id(session, "ivanov"), resident_id(session, "kuznetsova")
    views = linked_accounts(session, ivanov)
    assert [(view.amount_due_kopecks, view.unpaid_documents) for view in views] == [
        expected_due(session, view.account_id) for view in views]
    assert [choice.label for choice in house_suggestions(session, region=DEMO_REGION, query="березовая 7")] == [
        "Берёзовая аллея, д. 7"]
    assert len(providers_for_house(session, house_id(session, "profsoyuznaya"))) == 3
    outcome = link_by_identifier(session, kuznetsova, "77HP482913")
    session.commit()
    assert outcome.message == "Лицевой счёт № 1001027 подключён"
    with pytest.raises(AccountLinkError, match=ALREADY_LINKED):
        link_by_address(session, kuznetsova, **address_form(session, flat="кв. 27"))
    [view] = find_accounts_to_pay(session, identifier=DEMO_UNLINKED_ACCOUNTS[0].izhku)
    check_public_view(session, view, DEMO_UNLINKED_ACCOUNTS[0])


def test_withdrawn_and_overpaid_documents_are_not_owed(rw):
    ivanov = resident_id(rw, "ivanov")
    account = account_of(rw, demo_spec("ivanov_power"))
    unpaid = rw.exec(select(PaymentDocument).where(PaymentDocument.personal_account_id == account.id,
                                                   PaymentDocument.paid_kopecks == 0)).all()
    assert len(unpaid) == 2
    unpaid[0].status = "withdrawn"
    unpaid[1].paid_kopecks = unpaid[1].total_kopecks + 100_00
    rw.commit()
    view = next(view for view in linked_accounts(rw, ivanov) if view.account_id == account.id)
    assert (view.amount_due_kopecks, view.unpaid_documents) == (0, 0)
