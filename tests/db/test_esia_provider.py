"""Sign-in at the demo ЕСИА: logins in every mask, identical answers for unknown logins, the 5-try lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import select

from gkh_web.db.engine import dispose_engines, session_scope
from gkh_web.db.esia_models import EsiaAuthorizationCode, EsiaLoginThrottle, EsiaUser
from gkh_web.db.migrate import alembic_config, current_revision, head_revision, upgrade
from gkh_web.domain import pkce
from gkh_web.esia import provider, throttle
from gkh_web.esia.provider import (
    MSG_CLIENT_REJECTED,
    MSG_WRONG_CREDENTIALS,
    EsiaClientRejected,
    authenticate,
    check_client,
    sign_in_and_issue_code,
)
from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_PASSWORD

IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")
NOW = datetime(2026, 11, 25, 11, 20, tzinfo=UTC)
"""14:20 in Moscow."""
CALLBACK = "http://localhost:3000/auth/callback"
"""The one address the demo data registers for this ГИС ЖКХ (GKH_PUBLIC_URL's default + /auth/callback)."""
CHALLENGE = pkce.code_challenge(pkce.new_code_verifier())


def subject_of(url: str, snils: str) -> str:
    with session_scope(url) as session:
        return session.exec(select(EsiaUser.subject_id).where(EsiaUser.snils == snils)).one()


def sign_in(url: str, login: str, password: str, now: datetime = NOW) -> provider.SignInOutcome:
    """One «Войти» press: its own transaction, like the login page."""
    with session_scope(url) as session:
        return authenticate(session, login, password, now=now)


@pytest.mark.parametrize("login", [
    "+7 (903) 555-01-01", "8 903 555 01 01", "9035550101", "+79035550101",
    "IVANOV@EXAMPLE.COM", "  Ivanov@Example.com ",
    "145-267-389 79", "14526738979", "145 267 389 79",
])
def test_resident_signs_in_by_phone_email_or_snils_in_any_mask(demo_db, login):
    outcome = sign_in(demo_db, login, DEMO_PASSWORD)

    assert outcome.ok
    assert outcome.subject_id == subject_of(demo_db, IVANOV.snils)
    assert outcome.message == "" and outcome.locked_until is None


def test_wrong_password_and_unknown_login_look_exactly_the_same(demo_db, monkeypatch):
    verifications = []
    real_verify = provider.verify_password
    monkeypatch.setattr(provider, "verify_password", lambda *args: verifications.append(1) or real_verify(*args))

    wrong_password = sign_in(demo_db, IVANOV.phone, "Demo-2025!")
    unknown_login = sign_in(demo_db, "+7 (903) 555-99-99", "Demo-2025!")
    garbage_login = sign_in(demo_db, "кто-то", "Demo-2025!")

    assert wrong_password == unknown_login == garbage_login == provider.SignInOutcome(None, MSG_WRONG_CREDENTIALS)
    assert MSG_WRONG_CREDENTIALS == "Неверный логин или пароль"
    assert len(verifications) == 3, "an unknown login costs one argon2 verification too"


def test_empty_fields_are_asked_for_and_not_counted(demo_db):
    assert sign_in(demo_db, "  ", DEMO_PASSWORD).message == "Введите телефон, электронную почту или СНИЛС"
    assert sign_in(demo_db, IVANOV.phone, "").message == "Введите пароль"
    with session_scope(demo_db) as session:
        assert session.exec(select(EsiaLoginThrottle)).all() == []


def fail(url: str, login: str, times: int, now: datetime = NOW) -> list[provider.SignInOutcome]:
    return [sign_in(url, login, "wrong-password-1", now) for _ in range(times)]


LOCK_MESSAGE = "Вход временно заблокирован после 5 неверных попыток. Попробуйте после 14:35"


def test_five_failures_lock_the_login_for_fifteen_minutes_even_for_the_right_password(demo_db):
    outcomes = fail(demo_db, "+7 (903) 555-01-01", 5)

    assert [o.message for o in outcomes[:4]] == [MSG_WRONG_CREDENTIALS] * 4
    assert outcomes[4].message == LOCK_MESSAGE
    assert outcomes[4].locked_until == NOW + timedelta(minutes=15)
    locked = sign_in(demo_db, "8 903 555 01 01", DEMO_PASSWORD, NOW + timedelta(minutes=14, seconds=59))
    assert not locked.ok
    assert locked.message == LOCK_MESSAGE
    assert locked.locked_until == NOW + timedelta(minutes=15)
    assert sign_in(demo_db, "89035550101", DEMO_PASSWORD, NOW + timedelta(minutes=15)).ok


def test_an_unknown_login_locks_after_five_failures_too(demo_db):
    outcomes = fail(demo_db, "+7 (999) 000-00-00", 5)

    assert [o.message for o in outcomes] == [MSG_WRONG_CREDENTIALS] * 4 + [LOCK_MESSAGE]
    again = sign_in(demo_db, "+7 (999) 000-00-00", DEMO_PASSWORD, NOW + timedelta(minutes=1))
    assert again.message == LOCK_MESSAGE


def test_success_resets_the_count(demo_db):
    fail(demo_db, IVANOV.email, 4)
    assert sign_in(demo_db, IVANOV.email, DEMO_PASSWORD).ok

    after = fail(demo_db, IVANOV.email, 4)

    assert [o.message for o in after] == [MSG_WRONG_CREDENTIALS] * 4


def test_failures_older_than_fifteen_minutes_are_forgotten(demo_db):
    fail(demo_db, IVANOV.email, 4)

    later = fail(demo_db, IVANOV.email, 4, NOW + timedelta(minutes=16))

    assert [o.message for o in later] == [MSG_WRONG_CREDENTIALS] * 4


def test_after_a_lock_ends_the_login_gets_five_fresh_tries(demo_db):
    fail(demo_db, IVANOV.email, 5)

    later = fail(demo_db, IVANOV.email, 5, NOW + timedelta(minutes=15))

    assert [o.message for o in later[:4]] == [MSG_WRONG_CREDENTIALS] * 4
    assert later[4].message.endswith("Попробуйте после 14:50")


def test_each_login_of_a_person_has_its_own_counter(demo_db):
    """Documented trade-off: a shared counter would reveal that two logins belong to one existing person."""
    fail(demo_db, IVANOV.phone, 5)

    assert sign_in(demo_db, IVANOV.email, DEMO_PASSWORD, NOW + timedelta(minutes=1)).ok


def test_the_throttle_keeps_no_login_in_clear(demo_db):
    fail(demo_db, "+7 (999) 000-00-00", 2)

    with session_scope(demo_db) as session:
        rows = session.exec(select(EsiaLoginThrottle).order_by(EsiaLoginThrottle.id)).all()
    assert [row.login_key_hash for row in rows] == [throttle.login_key_hash("address:unknown"),
                                                    throttle.login_key_hash("phone:+79990000000")]
    assert not any("999" in row.login_key_hash for row in rows)


@pytest.mark.parametrize("locked_until, shown", [
    (datetime(2026, 11, 25, 11, 35, tzinfo=UTC), "14:35"),
    (datetime(2026, 11, 25, 11, 35, 1, tzinfo=UTC), "14:36"),
    (datetime(2026, 11, 25, 21, 59, 30, tzinfo=UTC), "01:00"),
    (datetime(2026, 7, 1, 6, 5), "09:05"),
])
def test_lock_time_is_moscow_time_rounded_up_to_the_minute(locked_until, shown):
    assert throttle.lock_message(locked_until).endswith(f"Попробуйте после {shown}")


def request(client_id: str = "gkh-web-kiosk", redirect_uri: str = CALLBACK, challenge: str = CHALLENGE,
            method: str = "S256") -> provider.AuthorizationRequest:
    return provider.AuthorizationRequest(client_id, redirect_uri, challenge, method)


def test_the_registered_callback_of_our_client_is_accepted(demo_db):
    assert check_client(request()) is None


@pytest.mark.parametrize("client_id, redirect_uri", [
    ("someone-else", CALLBACK),
    ("", CALLBACK),
    # Any other host, even with the right path: the demo ЕСИА no longer has a "DEMO-ONLY RELAXATION".
    ("gkh-web-kiosk", "http://127.0.0.1:54321/auth/callback"),
    ("gkh-web-kiosk", "http://192.168.1.23:3000/auth/callback"),
    ("gkh-web-kiosk", "https://evil.example/auth/callback"),
    ("gkh-web-kiosk", "https://localhost:3000/auth/callback"),
    ("gkh-web-kiosk", "http://LOCALHOST:3000/auth/callback"),
    ("gkh-web-kiosk", "http://localhost:3000/auth/callback/"),
    ("gkh-web-kiosk", "http://localhost:3000/evil"),
    ("gkh-web-kiosk", "ftp://localhost:3000/auth/callback"),
    ("gkh-web-kiosk", "javascript:alert(1)//auth/callback"),
    ("gkh-web-kiosk", "http://localhost:3000/auth/callback?next=evil"),
    ("gkh-web-kiosk", "http://localhost:3000/auth/callback#x"),
    ("gkh-web-kiosk", "http://user@localhost:3000/auth/callback"),
    ("gkh-web-kiosk", "http:///auth/callback"),
    ("gkh-web-kiosk", "/auth/callback"),
    ("gkh-web-kiosk", CALLBACK + "\x00"),
])
def test_other_clients_and_other_addresses_are_refused(demo_db, client_id, redirect_uri):
    with pytest.raises(EsiaClientRejected) as rejected:
        check_client(request(client_id, redirect_uri))
    assert str(rejected.value) == MSG_CLIENT_REJECTED


@pytest.mark.parametrize("challenge, method", [
    ("", ""), (CHALLENGE, ""), (CHALLENGE, "plain"), (CHALLENGE, "s256"), ("short", "S256"),
    (CHALLENGE + "A", "S256"), ("+" * 43, "S256"),
])
def test_a_request_without_an_s256_pkce_challenge_is_refused(demo_db, challenge, method):
    with pytest.raises(EsiaClientRejected):
        check_client(request(challenge=challenge, method=method))


def test_sign_in_and_issue_code_stores_only_the_digest_of_a_single_code(demo_db):
    outcome = sign_in_and_issue_code(IVANOV.phone, DEMO_PASSWORD, request(), now=NOW)

    assert outcome.ok and outcome.code and len(outcome.code) >= 43
    with session_scope(demo_db) as session:
        rows = session.exec(select(EsiaAuthorizationCode)).all()
    assert len(rows) == 1
    assert rows[0].code_hash != outcome.code and rows[0].redirect_uri == CALLBACK
    assert rows[0].subject_id == outcome.subject_id
    assert rows[0].expires_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=60)


def test_no_code_for_a_wrong_password_or_a_foreign_client(demo_db):
    wrong = sign_in_and_issue_code(IVANOV.phone, "nope-2026", request(), now=NOW)
    foreign = sign_in_and_issue_code(IVANOV.phone, DEMO_PASSWORD, request("evil-app"), now=NOW)

    assert (wrong.code, wrong.message) == (None, MSG_WRONG_CREDENTIALS)
    assert (foreign.code, foreign.message) == (None, MSG_CLIENT_REJECTED)
    with session_scope(demo_db) as session:
        assert session.exec(select(EsiaAuthorizationCode)).all() == []
        throttled = session.exec(select(EsiaLoginThrottle)).all()  # the login's and the address's
    assert [row.failed_attempts for row in throttled] == [1, 1], "a refused client is not a password guess"


def test_migration_0002_keeps_esia_users_through_downgrade_and_upgrade(demo_db):
    command.downgrade(alembic_config(demo_db), "0001_initial")
    dispose_engines()
    engine = sa.create_engine(demo_db)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*), max(failed_attempts) FROM esia_user").one() == (4, 0)
    engine.dispose()

    upgrade(demo_db)

    assert current_revision(demo_db) == head_revision()
    assert sign_in(demo_db, IVANOV.snils, DEMO_PASSWORD).ok
