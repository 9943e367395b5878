"""Invariants of the demo set: amounts add up, identifiers are valid, each demo person shows their case."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from sqlmodel import Session, col, func, select

from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.esia_models import EsiaUser
from gkh_web.db.migrate import upgrade
from gkh_web.db.models import (
    House,
    PaymentDocument,
    PersonalAccount,
    Premises,
    ProviderOrganisation,
    Resident,
    ResidentAccountLink,
    ServiceLine,
    premises_address,
)
from gkh_web.domain.charges import amount_due, charge_kopecks, document_total, line_to_pay
from gkh_web.domain.identifiers import (
    els_of_izhku,
    is_valid_correspondent_account,
    is_valid_fias_guid,
    is_valid_inn,
    is_valid_ipd,
    is_valid_izhku,
    is_valid_kpp,
    is_valid_settlement_account,
    is_valid_snils,
)
from gkh_web.esia.passwords import verify_password
from gkh_web.services.data.demo_data import (
    DEMO_ACCOUNT_TO_LINK,
    DEMO_LOGINS,
    DEMO_UNLINKED_ACCOUNTS,
    LARGE_ACCOUNTS,
    LARGE_DEMO_LOGIN,
    LARGE_HISTORY_MONTHS,
    LARGE_SERVICES,
    demo_account_address,
    ensure_demo,
    load_demo,
)
from tests.db.conftest import DEMO_AS_OF, sqlite_url


@pytest.fixture
def session(demo_db):
    with Session(get_engine(demo_db)) as session:
        yield session


def login(key: str):
    return next(item for item in DEMO_LOGINS if item.key == key)


def linked_accounts(session: Session, key: str) -> list[PersonalAccount]:
    resident = session.exec(select(Resident).where(Resident.snils == login(key).snils)).one()
    return list(session.exec(
        select(PersonalAccount).join(ResidentAccountLink).where(ResidentAccountLink.resident_id == resident.id)
    ))


def documents_of(session: Session, account: PersonalAccount) -> list[PaymentDocument]:
    return list(session.exec(
        select(PaymentDocument).where(PaymentDocument.personal_account_id == account.id)
        .order_by(PaymentDocument.period_year, PaymentDocument.period_month)
    ))


def unpaid(documents: list[PaymentDocument]) -> list[PaymentDocument]:
    return [document for document in documents if amount_due(document.total_kopecks, document.paid_kopecks) > 0]


def test_every_service_line_adds_up_and_is_volume_times_tariff(session):
    lines = session.exec(select(ServiceLine)).all()
    assert len(lines) > 300
    for line in lines:
        expected = line_to_pay(line.charged_kopecks, line.recalculation_kopecks, line.benefit_kopecks)
        assert line.to_pay_kopecks == expected
        assert line.charged_kopecks == charge_kopecks(line.volume, line.tariff)
        assert line.to_pay_kopecks >= 0 and line.benefit_kopecks >= 0


def test_every_document_total_is_lines_plus_debt_plus_penalties(session):
    documents = session.exec(select(PaymentDocument)).all()
    for document in documents:
        lines = session.exec(select(ServiceLine.to_pay_kopecks).where(
            ServiceLine.payment_document_id == document.id)).all()
        assert lines, document.ipd
        assert document.total_kopecks == document_total(lines, document.debt_or_advance_kopecks,
                                                        document.penalties_kopecks)
        assert 0 <= document.paid_kopecks <= document.total_kopecks
    assert any(document.debt_or_advance_kopecks > 0 for document in documents)
    assert any(document.debt_or_advance_kopecks < 0 for document in documents)
    assert any(document.penalties_kopecks > 0 for document in documents)
    assert session.exec(select(func.count()).where(ServiceLine.recalculation_kopecks < 0)).one() > 0
    assert session.exec(select(func.count()).where(ServiceLine.recalculation_kopecks > 0)).one() > 0
    assert session.exec(select(func.count()).where(ServiceLine.benefit_kopecks > 0)).one() > 0


def test_identifiers_and_requisites_are_valid(session):
    for provider in session.exec(select(ProviderOrganisation)):
        assert is_valid_inn(provider.inn) and is_valid_kpp(provider.kpp)
        assert is_valid_settlement_account(provider.bik, provider.settlement_account)
        assert is_valid_correspondent_account(provider.bik, provider.correspondent_account)
    for account in session.exec(select(PersonalAccount)):
        assert is_valid_izhku(account.izhku) and els_of_izhku(account.izhku) == account.els
    for document in session.exec(select(PaymentDocument)):
        assert is_valid_ipd(document.ipd)
        assert re.fullmatch(r"ПД-\d{4}-\d{2}-\d{6}", document.number)
    account_izhku = dict(session.exec(select(PersonalAccount.id, PersonalAccount.izhku)).all())
    for document in session.exec(select(PaymentDocument)):
        suffix = f"{document.period_month:02d}{document.period_year % 100:02d}"
        assert document.ipd == f"{account_izhku[document.personal_account_id]}-{suffix}"


def test_newest_period_is_the_month_before_as_of(session):
    newest = session.exec(select(PaymentDocument).order_by(
        col(PaymentDocument.period_year).desc(), col(PaymentDocument.period_month).desc())).first()
    assert (newest.period_year, newest.period_month) == (2026, 10)
    assert newest.issue_date == date(2026, 11, 1) and newest.due_date == date(2026, 11, 15)


def test_ivanov_has_three_linked_accounts_with_unpaid_documents(session):
    accounts = linked_accounts(session, "ivanov")
    assert len(accounts) == 3
    assert len({account.provider_id for account in accounts}) == 3
    assert len({account.premises_id for account in accounts}) == 2
    partly_paid = 0
    for account in accounts:
        owed = unpaid(documents_of(session, account))
        assert len(owed) >= 2, account.number
        partly_paid += sum(0 < document.paid_kopecks < document.total_kopecks for document in owed)
    assert partly_paid == 1


def test_petrova_has_paid_everything(session):
    accounts = linked_accounts(session, "petrova")
    assert len(accounts) == 2
    for account in accounts:
        documents = documents_of(session, account)
        assert documents and unpaid(documents) == []


def test_sidorov_provider_has_issued_no_document(session):
    [account] = linked_accounts(session, "sidorov")
    assert documents_of(session, account) == []
    issued_by_provider = session.exec(select(func.count()).select_from(PaymentDocument).join(PersonalAccount).where(
        PersonalAccount.provider_id == account.provider_id)).one()
    assert issued_by_provider == 0


def test_kuznetsova_never_signed_in_and_her_account_is_ready_to_link(session):
    person = login("kuznetsova")
    assert not person.has_resident
    assert session.exec(select(EsiaUser).where(EsiaUser.snils == person.snils)).one()
    assert session.exec(select(Resident).where(Resident.snils == person.snils)).first() is None
    account = session.exec(select(PersonalAccount).where(PersonalAccount.izhku == DEMO_ACCOUNT_TO_LINK.izhku)).one()
    assert (account.number, account.els) == (DEMO_ACCOUNT_TO_LINK.number, DEMO_ACCOUNT_TO_LINK.els)
    premises = session.get(Premises, account.premises_id)
    assert premises_address(session.get(House, premises.house_id), premises) == demo_account_address(
        DEMO_ACCOUNT_TO_LINK)
    assert demo_account_address(DEMO_ACCOUNT_TO_LINK) == "г. Москва, ул. Лесная, д. 12, корп. 2, кв. 27"
    assert session.exec(select(ResidentAccountLink).where(
        ResidentAccountLink.personal_account_id == account.id)).first() is None
    assert unpaid(documents_of(session, account))


def test_unlinked_accounts_with_unpaid_documents_exist(session):
    assert len(DEMO_UNLINKED_ACCOUNTS) >= 3
    linked_ids = set(session.exec(select(ResidentAccountLink.personal_account_id)).all())
    for spec in DEMO_UNLINKED_ACCOUNTS:
        account = session.exec(select(PersonalAccount).where(PersonalAccount.izhku == spec.izhku)).one()
        assert account.id not in linked_ids
        assert unpaid(documents_of(session, account))


def test_demo_logins_exist_with_argon2_hashes(session):
    users = {user.snils: user for user in session.exec(select(EsiaUser))}
    assert len(users) == len(DEMO_LOGINS)
    for person in DEMO_LOGINS:
        user = users[person.snils]
        assert is_valid_snils(person.snils)
        assert re.fullmatch(r"\+7\d{10}", person.phone) and user.phone == person.phone
        assert user.email == person.email == person.email.lower()
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user.password_hash, person.password)
        assert not verify_password(user.password_hash, person.password + "x")
        assert len(user.subject_id) == 36
    residents = session.exec(select(Resident)).all()
    assert {resident.esia_subject_id for resident in residents} <= {user.subject_id for user in users.values()}
    assert all(resident.agreement_accepted_at is None for resident in residents)


def test_houses_have_fias_guids(session):
    assert all(is_valid_fias_guid(house.fias_guid) for house in session.exec(select(House)))


def _fingerprint(url: str) -> list[tuple]:
    with Session(get_engine(url)) as session:
        return list(session.exec(select(
            PaymentDocument.ipd, PaymentDocument.total_kopecks, PaymentDocument.paid_kopecks,
            PaymentDocument.debt_or_advance_kopecks,
        ).order_by(PaymentDocument.ipd)))


def _load(url: str, **options) -> None:
    upgrade(url)
    with session_scope(url) as session:
        load_demo(session, **options)


def test_same_seed_and_date_give_the_same_documents(demo_db, tmp_path):
    again = sqlite_url(tmp_path / "again.db")
    _load(again, as_of=DEMO_AS_OF)
    assert _fingerprint(again) == _fingerprint(demo_db)

    other_seed = sqlite_url(tmp_path / "other.db")
    _load(other_seed, as_of=DEMO_AS_OF, seed=7)
    assert [row[0] for row in _fingerprint(other_seed)] == [row[0] for row in _fingerprint(demo_db)]
    assert _fingerprint(other_seed) != _fingerprint(demo_db)


def test_reloading_replaces_everything_and_ensure_demo_keeps_data(demo_db):
    before = _fingerprint(demo_db)
    with session_scope(demo_db) as session:
        load_demo(session, as_of=DEMO_AS_OF)
    assert _fingerprint(demo_db) == before
    with session_scope(demo_db) as session:
        assert ensure_demo(session) is False


def test_ensure_demo_loads_into_an_empty_database(empty_db):
    upgrade(empty_db)
    with session_scope(empty_db) as session:
        assert ensure_demo(session, as_of=DEMO_AS_OF) is True
    assert _fingerprint(empty_db)


def test_large_set_has_10_accounts_of_36_documents_of_12_services(tmp_path):
    url = sqlite_url(tmp_path / "large.db")
    upgrade(url)
    started = time.perf_counter()
    with session_scope(url) as session:
        summary = load_demo(session, large=True, as_of=DEMO_AS_OF)
    elapsed = time.perf_counter() - started
    print(f"large demo load: {elapsed:.2f} s, {summary}")
    assert elapsed < 30
    with Session(get_engine(url)) as session:
        resident = session.exec(select(Resident).where(Resident.snils == LARGE_DEMO_LOGIN.snils)).one()
        accounts = session.exec(select(PersonalAccount).join(ResidentAccountLink).where(
            ResidentAccountLink.resident_id == resident.id)).all()
        assert len(accounts) == LARGE_ACCOUNTS == 10
        for account in accounts:
            documents = documents_of(session, account)
            assert len(documents) == LARGE_HISTORY_MONTHS == 36
            assert unpaid(documents)
            for document in documents:
                names = session.exec(select(ServiceLine.service_name).where(
                    ServiceLine.payment_document_id == document.id)).all()
                assert len(names) == len(LARGE_SERVICES) == 12
        assert session.exec(select(EsiaUser).where(EsiaUser.snils == LARGE_DEMO_LOGIN.snils)).one()


def test_the_demo_logins_card_speaks_to_residents_not_developers():
    """Issue 12 §3: the ЕСИА page's card says what each demo resident shows, in plain words; the one who
    links an account is told which one, instead of being sent to the README."""
    from gkh_web.services.data.demo_data import DEMO_ACCOUNT_TO_LINK, DEMO_LOGINS, LARGE_DEMO_LOGIN

    for login in (*DEMO_LOGINS, LARGE_DEMO_LOGIN):
        assert not re.search(r"README|gkh |`|--|\(г\)", login.purpose), login.purpose
    kuznetsova = next(login for login in DEMO_LOGINS if login.key == "kuznetsova")
    assert DEMO_ACCOUNT_TO_LINK.number in kuznetsova.purpose
    assert DEMO_ACCOUNT_TO_LINK.izhku in kuznetsova.purpose
