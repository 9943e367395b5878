"""The demo ЕСИА's registration service (``esia.registration.register_esia_user``), behind «Зарегистрироваться».

The same checks and hash as ``gkh esia add-user``; one transaction; messages per field; a phone or an
e-mail (at least one); the new person signs in with the new password and ГИС ЖКХ takes their claims.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import func, select

from gkh_web.db.engine import session_scope
from gkh_web.db.esia_models import EsiaUser
from gkh_web.domain.contacts import MSG_EMAIL, MSG_PHONE
from gkh_web.domain.identifiers import MSG_SNILS_CHECKSUM
from gkh_web.esia import registration, users
from gkh_web.esia.provider import authenticate, user_claims
from gkh_web.esia.registration import register_esia_user
from gkh_web.esia.users import MSG_NO_CONTACT, MSG_TAKEN, NewEsiaUser
from gkh_web.services.data.demo_data import DEMO_LOGINS
from gkh_web.services.identity.esia_client import claims_from_userinfo

OLGA = NewEsiaUser(last_name="Смирнова", first_name="Ольга", middle_name="Петровна", snils="112-233-445 95",
                   phone="8 916 123-45-67", email="Olga@Example.com", password="Secret-2026")
IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")
ADDRESS = "198.51.100.40"
NAME_RULE = "Только буквы, пробел, дефис или апостроф, не длиннее 100 знаков"


def register(**changes):
    return register_esia_user(dataclasses.replace(OLGA, **changes), client_address=ADDRESS)


def esia_users() -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(EsiaUser)).one()


def test_a_registered_person_signs_in_with_the_new_password(demo_db):
    outcome = register()

    assert outcome.registered and outcome.login == "+7 (916) 123-45-67"
    assert outcome.field_problems == {} and outcome.refusal == ""
    with session_scope() as session:
        user = session.exec(select(EsiaUser).where(EsiaUser.snils == "11223344595")).one()
        assert (user.phone, user.email, user.middle_name) == ("+79161234567", "olga@example.com", "Петровна")
        assert user.password_hash.startswith("$argon2id$")
        for login in ("+7 (916) 123-45-67", "OLGA@example.com", "112-233-445 95"):
            assert authenticate(session, login, "Secret-2026").subject_id == user.subject_id


@pytest.mark.parametrize("phone, email, login, claimed", [
    ("+7 916 123-45-67", "", "+7 (916) 123-45-67", ("+79161234567", None)),
    ("", "olga@example.com", "olga@example.com", (None, "olga@example.com")),
], ids=["phone-only", "email-only"])
def test_a_phone_or_an_email_is_enough_and_gkh_takes_the_claims(demo_db, phone, email, login, claimed):
    outcome = register(phone=phone, email=email, middle_name="")

    assert outcome.login == login
    with session_scope() as session:
        user = session.exec(select(EsiaUser).where(EsiaUser.snils == "11223344595")).one()
        claims = claims_from_userinfo(user_claims(user))
    assert (claims.phone, claims.email, claims.middle_name) == (*claimed, None)
    assert claims.fio == "Смирнова Ольга"


@pytest.mark.parametrize("changes, field, message", [
    ({"last_name": ""}, "last_name", "Не указано"),
    ({"last_name": "Smirnova1"}, "last_name", NAME_RULE),
    ({"first_name": "  "}, "first_name", "Не указано"),
    ({"first_name": "<script>"}, "first_name", NAME_RULE),
    ({"middle_name": "Петровна!"}, "middle_name", NAME_RULE),
    ({"middle_name": "П" * 101}, "middle_name", NAME_RULE),
    ({"snils": "112-233-445 96"}, "snils", MSG_SNILS_CHECKSUM),
    ({"phone": "12345"}, "phone", MSG_PHONE),
    ({"email": "olga@"}, "email", MSG_EMAIL),
    ({"phone": "", "email": " "}, "phone", MSG_NO_CONTACT),
    ({"password": "Short-1"}, "password", "От 8 до 256 знаков"),
    ({"password": "x1" * 129}, "password", "От 8 до 256 знаков"),
    ({"password": "only-letters"}, "password", "Нужны и буквы, и цифры"),
    ({"password": "1234567890"}, "password", "Нужны и буквы, и цифры"),
])
def test_every_invalid_field_is_told_at_that_field_and_nothing_is_stored(demo_db, changes, field, message):
    before = esia_users()
    outcome = register(**changes)
    assert not outcome.registered and outcome.field_problems == {field: message}
    assert esia_users() == before


def test_every_problem_at_once(demo_db):
    outcome = register(last_name="", first_name="1", snils="1", phone="2", email="3", password="4")
    assert set(outcome.field_problems) == {"last_name", "first_name", "snils", "phone", "email", "password"}


@pytest.mark.parametrize("changes, fields", [
    ({"phone": IVANOV.phone}, {"phone"}),
    ({"email": IVANOV.email.upper()}, {"email"}),
    ({"snils": IVANOV.snils}, {"snils"}),
    ({"phone": IVANOV.phone, "email": IVANOV.email, "snils": IVANOV.snils}, {"phone", "email", "snils"}),
])
def test_a_taken_value_gets_the_fixed_sentence_at_its_field(demo_db, changes, fields):
    before = esia_users()
    outcome = register(**changes)
    assert outcome.field_problems == {field: MSG_TAKEN[field] for field in fields}
    assert esia_users() == before


def test_registering_twice_is_refused_the_second_time(demo_db):
    assert register().registered
    again = register()
    assert set(again.field_problems) == {"phone", "email", "snils"} and esia_users() == len(DEMO_LOGINS) + 1


def test_nothing_is_half_saved_when_hashing_fails(demo_db, monkeypatch):
    def broken_hash(password: str) -> str:
        raise RuntimeError("argon2 out of memory")

    monkeypatch.setattr(users, "hash_password", broken_hash)
    with pytest.raises(RuntimeError):
        register()
    assert esia_users() == len(DEMO_LOGINS)


def test_a_registration_that_loses_the_race_names_the_taken_field(demo_db, monkeypatch):
    """Another tab stores the same phone between this one's check and its commit: the unique index
    refuses, nothing of this attempt stays, and the second look says which field is taken."""
    real_add = users.add_esia_user
    calls: list[NewEsiaUser] = []

    def add_after_a_rival(session, new):
        calls.append(new)
        if len(calls) > 1:
            return real_add(session, new)
        with session_scope() as rival:  # commits between this attempt's look-up and its insert
            real_add(rival, dataclasses.replace(new, email="rival@example.com", snils="136-571-200 49"))
        return _insert_without_checks(session, new)

    monkeypatch.setattr(registration, "add_esia_user", add_after_a_rival)
    outcome = register()

    assert outcome.field_problems == {"phone": MSG_TAKEN["phone"]}
    assert esia_users() == len(DEMO_LOGINS) + 1
    with session_scope() as session:
        assert session.exec(select(EsiaUser).where(EsiaUser.snils == "11223344595")).first() is None


def _insert_without_checks(session, new: NewEsiaUser) -> EsiaUser:
    """What ``add_esia_user`` stores once its look-up found nothing (the look-up that the rival beat)."""
    checked = users.check_esia_user(new)
    user = EsiaUser(subject_id="race-subject", last_name=new.last_name, first_name=new.first_name,
                    snils=checked.snils, phone=checked.phone, email=checked.email, password_hash="x")
    session.add(user)
    session.flush()
    return user


def test_only_attempts_that_reach_the_database_count(demo_db, monkeypatch):
    spent = []
    monkeypatch.setattr(registration.rate_limits, "spend", lambda subjects, now=None: spent.append(list(subjects)))
    register(snils="1")
    register(phone=IVANOV.phone)
    register()
    assert spent == [[("register_per_address", ADDRESS)]] * 2
