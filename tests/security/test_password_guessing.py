"""Guessing passwords at the demo ЕСИА: one login many times, and one password across many logins.

Five wrong passwords lock a login for 15 minutes (with an unknown login counted and locked the
same way, so the lock tells nothing). That alone lets a script try «Qwerty123» against every
phone number in a range, five each; so failures are also counted per client address
(``sign_in_per_address``), and past the limit every login from that address waits — the right
password included — while the same person elsewhere signs in as usual.
"""

from __future__ import annotations

from datetime import UTC, datetime

from gkh_web.db.engine import session_scope
from gkh_web.domain import pkce
from gkh_web.esia.provider import MSG_WRONG_CREDENTIALS, authenticate
from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_PASSWORD
from gkh_web.settings import get_settings
from gkh_web.state.esia_login import EsiaLoginState
from tests.security.tabs import tab

IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")
NOW = datetime(2026, 11, 25, 11, 20, tzinfo=UTC)
"""14:20 in Moscow."""
ADDRESS_LOCKED = "Слишком много неудачных попыток входа с этого устройства. Попробуйте после 14:35"


def _limit(monkeypatch, failures: int) -> None:
    monkeypatch.setenv("GKH_RATE_LIMITS", f"sign_in_per_address={failures}/900")
    get_settings.cache_clear()


def test_one_password_across_many_logins_from_one_address_is_stopped(demo_db, monkeypatch):
    _limit(monkeypatch, 3)
    outcomes = []
    for number in range(4):
        with session_scope(demo_db) as session:
            outcomes.append(authenticate(session, f"+7 (999) 000-00-0{number}", "Common-2026",
                                         client_address="203.0.113.7", now=NOW))
    assert [o.message for o in outcomes[:2]] == [MSG_WRONG_CREDENTIALS] * 2
    assert outcomes[2].message == outcomes[3].message == ADDRESS_LOCKED
    with session_scope(demo_db) as session:  # even the right password of a real login waits
        locked = authenticate(session, IVANOV.phone, DEMO_PASSWORD, client_address="203.0.113.7", now=NOW)
        elsewhere = authenticate(session, IVANOV.phone, DEMO_PASSWORD, client_address="198.51.100.9", now=NOW)
    assert not locked.ok and locked.message == ADDRESS_LOCKED
    assert elsewhere.ok


def test_a_success_from_the_same_address_does_not_reset_its_count(demo_db, monkeypatch):
    """The attacker's own account, signed into between guesses, must not wipe the slate."""
    _limit(monkeypatch, 3)
    for attempt in range(2):
        with session_scope(demo_db) as session:
            assert not authenticate(session, f"+7 (999) 111-11-1{attempt}", "Guess-2026", client_address="203.0.113.8",
                                    now=NOW).ok
    with session_scope(demo_db) as session:
        assert authenticate(session, IVANOV.email, DEMO_PASSWORD, client_address="203.0.113.8", now=NOW).ok
    with session_scope(demo_db) as session:
        third = authenticate(session, "+7 (999) 111-11-19", "Guess-2026", client_address="203.0.113.8", now=NOW)
    assert third.message == ADDRESS_LOCKED


async def test_the_login_page_counts_by_the_address_the_server_saw(demo_db, monkeypatch):
    """Through «Войти» itself: the address comes from the connection, not from anything the page sends."""
    _limit(monkeypatch, 2)
    query = ("client_id=gkh-web-kiosk&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fauth%2Fcallback&state=s"
             f"&code_challenge={pkce.code_challenge(pkce.new_code_verifier())}&code_challenge_method=S256")
    messages = []
    for number in range(3):
        page = tab(EsiaLoginState, f"http://localhost:3000/esia/login?{query}", token=f"tab-{number}",
                   ip="203.0.113.9")
        await page.open_page()
        await page.submit({"login": f"+7 (999) 222-22-2{number}", "password": "Guess-2026",
                           "client_ip": "198.51.100.1"})
        messages.append(page.form_error)
    assert messages[0] == MSG_WRONG_CREDENTIALS
    assert messages[1].startswith("Слишком много неудачных попыток входа с этого устройства. Попробуйте после ")
    assert messages[2] == messages[1]
