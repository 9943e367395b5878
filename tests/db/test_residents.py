"""Residents created and refreshed from ЕСИА, their sessions, and the Пользовательское соглашение."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from gkh_web.db.engine import session_scope
from gkh_web.db.models import Resident, ResidentSession
from gkh_web.domain.contacts import MSG_EMAIL, ContactError
from gkh_web.services.identity import agreement, residents
from gkh_web.services.identity.agreement import AGREEMENT_VERSION, accept_agreement, needs_agreement
from gkh_web.services.identity.esia_client import EsiaClaims
from gkh_web.services.identity.residents import end_session, resident_for_token, resident_profile, sign_in_resident

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
IDLE = 140
NEW_PERSON = EsiaClaims("0b5b7c1e-1111-4a4a-9c9c-000000000001", "Смирнова", "Ольга", "Петровна",
                        "11223344595", "+79161234567", "olga@example.com")


def resident_count(url: str) -> int:
    with session_scope(url) as session:
        return session.exec(select(func.count()).select_from(Resident)).one()


def sign_in(claims: EsiaClaims, now: datetime = NOW, **kwargs) -> str:
    with session_scope() as session:
        return sign_in_resident(session, claims, now=now, **kwargs)


def who(token: str, now: datetime = NOW, idle: int = IDLE) -> Resident | None:
    with session_scope() as session:
        return resident_for_token(session, token, now=now, idle_limit_seconds=idle)


def resident(resident_id: int) -> Resident:
    with session_scope() as session:
        return session.get(Resident, resident_id)


def test_first_sign_in_creates_the_resident_from_esia_and_asks_for_the_agreement(demo_db):
    before = resident_count(demo_db)

    token = sign_in(NEW_PERSON)

    found = who(token)
    assert resident_count(demo_db) == before + 1
    assert (found.esia_subject_id, found.last_name, found.first_name, found.middle_name) == (
        NEW_PERSON.subject_id, "Смирнова", "Ольга", "Петровна")
    assert (found.snils, found.phone, found.email) == ("11223344595", "+79161234567", "olga@example.com")
    assert needs_agreement(found) and residents.needs_agreement(found)
    assert found.agreement_accepted_at is None


def test_second_sign_in_reuses_the_resident_refreshes_esia_data_but_keeps_the_changed_email(demo_db):
    first = who(sign_in(NEW_PERSON))
    with session_scope() as session:
        accept_agreement(session, first.id, email="olga.receipts@example.com", now=NOW)
    renamed = EsiaClaims(NEW_PERSON.subject_id, "Смирнова-Белова", "Ольга", None, NEW_PERSON.snils,
                         "+79169998877", "olga.new@example.com")

    second = who(sign_in(renamed, NOW + timedelta(days=3)), NOW + timedelta(days=3))

    assert second.id == first.id
    assert (second.last_name, second.middle_name, second.phone) == ("Смирнова-Белова", None, "+79169998877")
    assert second.email == "olga.receipts@example.com"
    assert not needs_agreement(second)


def test_demo_resident_without_a_row_gets_one_and_demo_residents_with_rows_are_reused(demo_db):
    with session_scope() as session:
        ivanov = session.exec(select(Resident).where(Resident.snils == "14526738979")).one()
    claims = EsiaClaims(ivanov.esia_subject_id, "Иванов", "Иван", "Иванович", "14526738979", "+79035550101",
                        "ivanov@example.com")
    before = resident_count(demo_db)

    assert who(sign_in(claims)).id == ivanov.id
    assert resident_count(demo_db) == before
    assert needs_agreement(ivanov), "the demo set leaves the agreement for the first sign-in"


def test_accepting_stores_email_version_and_time_together(demo_db):
    found = who(sign_in(NEW_PERSON))

    with session_scope() as session:
        accept_agreement(session, found.id, email="  Olga.Smirnova@Example.COM ", now=NOW + timedelta(minutes=2))

    stored = resident(found.id)
    assert stored.email == "olga.smirnova@example.com"
    assert stored.agreement_version == AGREEMENT_VERSION == "2026-11"
    assert stored.agreement_accepted_at.replace(tzinfo=UTC) == NOW + timedelta(minutes=2)
    assert not needs_agreement(stored)


def test_a_new_edition_of_the_agreement_must_be_accepted_again(demo_db, monkeypatch):
    found = who(sign_in(NEW_PERSON))
    with session_scope() as session:
        accept_agreement(session, found.id, email="olga@example.com", now=NOW)

    monkeypatch.setattr(agreement, "AGREEMENT_VERSION", "2027-03")

    assert needs_agreement(resident(found.id))
    with session_scope() as session:
        assert accept_agreement(session, found.id, email="olga@example.com", now=NOW).agreement_version == "2027-03"
    assert not needs_agreement(resident(found.id))


@pytest.mark.parametrize("email", ["", "olga", "olga@example", "olga @example.com"])
def test_a_bad_email_is_refused_and_nothing_is_saved(demo_db, email):
    found = who(sign_in(NEW_PERSON))

    with pytest.raises(ContactError) as error, session_scope() as session:
        accept_agreement(session, found.id, email=email, now=NOW)

    assert str(error.value) == MSG_EMAIL
    stored = resident(found.id)
    assert (stored.email, stored.agreement_version, stored.agreement_accepted_at) == ("olga@example.com", None, None)


def test_accepting_for_a_missing_resident_is_an_error(demo_db):
    with pytest.raises(agreement.ResidentNotFound), session_scope() as session:
        accept_agreement(session, 999_999, email="olga@example.com")


def test_a_session_idle_longer_than_the_limit_is_ended_as_idle(demo_db):
    token = sign_in(NEW_PERSON)

    assert who(token, NOW + timedelta(seconds=IDLE)) is not None, "exactly the limit is still fine"
    assert who(token, NOW + timedelta(seconds=2 * IDLE)) is not None, "each look-up counts as activity"
    assert who(token, NOW + timedelta(seconds=3 * IDLE + 1)) is None

    with session_scope() as session:
        row = session.exec(select(ResidentSession)).one()
    assert row.end_reason == "idle"
    assert who(token, NOW + timedelta(seconds=3 * IDLE + 2)) is None, "an idle session does not come back"


def test_an_ended_session_is_refused(demo_db):
    token = sign_in(NEW_PERSON)

    with session_scope() as session:
        assert end_session(session, token) is True
    with session_scope() as session:
        assert end_session(session, token) is False, "ending twice changes nothing"

    assert who(token) is None
    with session_scope() as session:
        row = session.exec(select(ResidentSession)).one()
    assert (row.end_reason, row.ended_at is not None) == ("logout", True)


def test_end_session_knows_only_the_documented_reasons(demo_db):
    token = sign_in(NEW_PERSON)
    with pytest.raises(ValueError), session_scope() as session:
        end_session(session, token, reason="bored")


def test_a_new_sign_in_on_the_same_tab_replaces_the_previous_session(demo_db):
    old = sign_in(NEW_PERSON)

    new = sign_in(NEW_PERSON, NOW + timedelta(seconds=5), replaced_token=old)

    assert who(old) is None and who(new) is not None
    with session_scope() as session:
        reasons = session.exec(select(ResidentSession.end_reason).order_by(ResidentSession.id)).all()
    assert reasons == ["replaced", None]


def test_two_residents_tokens_never_mix(demo_db):
    other = EsiaClaims("0b5b7c1e-2222-4a4a-9c9c-000000000002", "Орлов", "Павел", None, "12345678964",
                       "+79260001122", None)
    olga_token, pavel_token = sign_in(NEW_PERSON), sign_in(other)

    assert who(olga_token).esia_subject_id == NEW_PERSON.subject_id
    assert who(pavel_token).esia_subject_id == other.subject_id
    assert olga_token != pavel_token
    with session_scope() as session:
        end_session(session, olga_token)
    assert who(olga_token) is None
    assert who(pavel_token).esia_subject_id == other.subject_id
    assert who("") is None and who("made-up-token") is None


def test_only_the_digest_of_the_token_is_stored(demo_db):
    token = sign_in(NEW_PERSON)

    with session_scope() as session:
        row = session.exec(select(ResidentSession)).one()
    assert token not in row.token_hash and len(row.token_hash) == 64


def test_profile_is_ready_to_show(demo_db):
    found = who(sign_in(EsiaClaims(NEW_PERSON.subject_id, "Смирнова", "Ольга", "Петровна", "11223344595",
                                   "+79161234567", None)))

    with session_scope() as session:
        profile = resident_profile(session, found.id)

    assert (profile.fio, profile.snils_text, profile.phone_text, profile.email) == (
        "Смирнова Ольга Петровна", "112-233-445 95", "+7 (916) 123-45-67", "")
    assert profile.needs_agreement


def test_the_agreement_text_is_real_russian_sections():
    sections = agreement.agreement_sections()

    assert agreement.agreement_title() == "Пользовательское соглашение о доступе гражданина в личный кабинет ГИС ЖКХ"
    assert 8 <= len(sections) <= 12
    headings = " ".join(heading for heading, _ in sections)
    for topic in ("Предмет", "Термины", "ЕСИА", "данные", "Оплата", "Киоск", "Ответственность", "Изменение",
                  "Контакты"):
        assert topic in headings
    assert all(len(text) > 100 and "\n" not in text for _, text in sections)
    assert "152-ФЗ" in " ".join(text for _, text in sections)
    assert agreement.agreement_paragraphs() == sections
