"""«Зарегистрироваться» at the demo ЕСИА (issue 12 §0), as an attacker uses it.

Registration answers a question sign-in never does — «is this phone taken?» — so it is an oracle. These
tests pin down what it may say and how often: a taken phone, e-mail or СНИЛС gets one fixed sentence at
its field, with no name and no hint whether two of them belong to one account; every attempt that gets to
that check counts per client address (the address the server saw, not one the form claims), and past the
limit the page says when to try again; in production the demo ЕСИА, its registration included, is not
there; a tampered sign-in request is refused before any typing, and after registering the browser goes
only to the provider's own sign-in page with the request it came with.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlmodel import func, select

from gkh_web.db.engine import session_scope
from gkh_web.db.esia_models import EsiaUser
from gkh_web.domain import pkce
from gkh_web.esia.registration import MSG_NOT_SERVING, register_esia_user
from gkh_web.esia.users import MSG_TAKEN, NewEsiaUser
from gkh_web.services.data.demo_data import DEMO_LOGINS
from gkh_web.settings import get_settings
from gkh_web.state.esia_login import EsiaLoginState
from gkh_web.state.esia_register import EsiaRegisterState
from gkh_web.state.session import SessionState
from tests.hostile.support import redirect_path
from tests.security.tabs import go_to, tab

LOGINS = {login.key: login for login in DEMO_LOGINS}
IVANOV, PETROVA, SIDOROV = (LOGINS[k] for k in ("ivanov", "petrova", "sidorov"))
REQUEST = {"client_id": "gkh-web-kiosk", "redirect_uri": "http://localhost:3000/auth/callback", "state": "st-reg",
           "code_challenge": pkce.code_challenge(pkce.new_code_verifier()), "code_challenge_method": "S256"}
REGISTER_PAGE = "http://localhost:3000/esia/register?" + urlencode(REQUEST)
OLGA = {"last_name": "Смирнова", "first_name": "Ольга", "middle_name": "Петровна", "snils": "112-233-445 95",
        "phone": "+7 (916) 123-45-67", "email": "olga@example.com", "password": "Secret-2026"}
"""A valid new person: checksum of 112-233-445 95 holds, nobody in the demo set has these."""
ANOTHER_VALID_SNILS = ["136-571-200 49"]


def esia_users() -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(EsiaUser)).one()


async def submitted(form: dict, *, url: str = REGISTER_PAGE, ip: str = "198.51.100.20", token: str = "tab-r"):
    """A tab on the registration page that has pressed «Зарегистрироваться» with ``form``; (state, result)."""
    page = tab(EsiaRegisterState, url, token=token, ip=ip)
    await page.open_page()
    return page, await page.submit(form)


def _errors(page) -> dict[str, str]:
    return {name: getattr(page, f"{name}_error") for name in
            ("last_name", "first_name", "middle_name", "snils", "phone", "email", "password", "form")}


def _limit(monkeypatch, count: int) -> None:
    monkeypatch.setenv("GKH_RATE_LIMITS", f"register_per_address={count}/900")
    get_settings.cache_clear()


# --- Enumeration through «уже есть» -----------------------------------------------------------------


async def test_a_taken_phone_email_and_snils_are_told_without_whose(demo_db):
    page, result = await submitted({**OLGA, "phone": IVANOV.phone, "email": PETROVA.email, "snils": SIDOROV.snils})

    assert redirect_path(result) is None and esia_users() == len(DEMO_LOGINS)
    assert (page.phone_error, page.email_error, page.snils_error) == (
        MSG_TAKEN["phone"], MSG_TAKEN["email"], MSG_TAKEN["snils"])
    shown = " ".join(str(value) for value in page.dict().values())  # everything this tab would send
    for person in (IVANOV, PETROVA, SIDOROV):
        for part in (*person.fio.split(), person.email, person.snils.replace("-", "").replace(" ", "")):
            assert part.lower() not in shown.lower(), part


async def test_one_account_or_three_the_answer_is_the_same(demo_db):
    """Phone, e-mail and СНИЛС of one person, or of three people: identical messages, field by field."""
    one, _ = await submitted({**OLGA, "phone": IVANOV.phone, "email": IVANOV.email, "snils": IVANOV.snils})
    three, _ = await submitted({**OLGA, "phone": IVANOV.phone, "email": PETROVA.email, "snils": SIDOROV.snils},
                               token="tab-r2")
    assert _errors(one) == _errors(three)


# --- How often ------------------------------------------------------------------------------------


async def test_every_attempt_counts_per_address_and_the_refusal_says_when(demo_db, monkeypatch):
    """A taken phone and a success both count; the address is the connection's, whatever the form says."""
    _limit(monkeypatch, 2)
    taken, _ = await submitted({**OLGA, "phone": IVANOV.phone, "client_ip": "192.0.2.1"}, ip="203.0.113.30")
    _, result = await submitted({**OLGA, "client_ip": "192.0.2.2"}, ip="203.0.113.30", token="tab-r2")
    third, refused = await submitted({**OLGA, "snils": ANOTHER_VALID_SNILS[0], "phone": "", "email": "new@example.com",
                                      "client_ip": "192.0.2.3"}, ip="203.0.113.30", token="tab-r3")

    assert taken.phone_error == MSG_TAKEN["phone"]
    assert redirect_path(result).startswith("/esia/login?")
    assert third.form_error.startswith("Слишком много попыток регистрации с этого устройства. Попробуйте снова через ")
    assert redirect_path(refused) is None and esia_users() == len(DEMO_LOGINS) + 1
    elsewhere, moved_on = await submitted({**OLGA, "snils": ANOTHER_VALID_SNILS[0], "phone": "",
                                           "email": "new@example.com"}, ip="198.51.100.99", token="tab-r4")
    assert elsewhere.form_error == "" and redirect_path(moved_on).startswith("/esia/login?")


async def test_typos_cost_nothing_but_probes_do(demo_db, monkeypatch):
    """A form with a mistake is answered without the database and does not use up the limit."""
    _limit(monkeypatch, 1)
    for _ in range(3):
        page, _ = await submitted({**OLGA, "snils": "112-233-445 96"}, ip="203.0.113.31")
        assert page.snils_error and page.form_error == ""
    page, result = await submitted(OLGA, ip="203.0.113.31")
    assert redirect_path(result).startswith("/esia/login?")


# --- Where it runs at all -------------------------------------------------------------------------


async def test_registration_is_not_there_in_production(demo_db, monkeypatch):
    monkeypatch.setenv("GKH_ENV", "production")
    monkeypatch.delenv("GKH_PRODUCTION_ALLOW_DEMO_ESIA", raising=False)
    get_settings.cache_clear()

    page, result = await submitted(OLGA)

    assert page.request_error != "" and redirect_path(result) is None
    assert register_esia_user(NewEsiaUser(**{k: v for k, v in OLGA.items()}), client_address="203.0.113.32").refusal \
        == MSG_NOT_SERVING
    assert esia_users() == len(DEMO_LOGINS)


@pytest.mark.parametrize("change", [
    {"redirect_uri": "https://evil.example/auth/callback"},
    {"client_id": "someone-else"},
    {"code_challenge_method": "plain"},
    {"state": ""},
    {"state": "s" * 201},
])
async def test_a_tampered_sign_in_request_is_refused_before_any_typing(demo_db, change):
    url = "http://localhost:3000/esia/register?" + urlencode({**REQUEST, **change})
    page, result = await submitted(OLGA, url=url)
    assert page.request_error != "" and redirect_path(result) is None
    assert esia_users() == len(DEMO_LOGINS)


async def test_after_registering_the_browser_goes_back_to_its_own_sign_in_request_only(demo_db):
    page, result = await submitted({**OLGA, "redirect_uri": "https://evil.example/", "state": "forged"})

    target = urlsplit(redirect_path(result))
    assert (target.scheme, target.netloc, target.path) == ("", "", "/esia/login")
    assert {name: values[0] for name, values in parse_qs(target.query).items()} == REQUEST
    assert "Secret-2026" not in " ".join(str(value) for value in page.dict().values())  # the password is not kept

    go_to(page, "http://localhost:3000" + redirect_path(result))
    login_page = await page.get_state(EsiaLoginState)
    await login_page.open_page()
    assert (login_page.login, login_page.notice) == ("+7 (916) 123-45-67", "Учётная запись создана — войдите")
    await login_page.open_page()  # a reload of the sign-in page later: the notice was said once
    assert login_page.notice == ""


# --- The start page's «Зарегистрироваться» -------------------------------------------------------


async def test_the_start_page_starts_the_same_sign_in_request_on_the_registration_page(demo_db, monkeypatch):
    """Fresh state and PKCE kept on the server, the callback from GKH_PUBLIC_URL, whatever the browser's Origin."""
    monkeypatch.setenv("GKH_PUBLIC_URL", "https://kiosk.example.ru")
    get_settings.cache_clear()
    start = tab(SessionState, "http://evil.example/", token="tab-start")

    target = urlsplit(redirect_path(start.begin_registration()))
    query = {name: values[0] for name, values in parse_qs(target.query).items()}

    assert (target.netloc, target.path) == ("", "/esia/register")
    assert query["redirect_uri"] == "https://kiosk.example.ru/auth/callback"
    assert query["state"] == start._oauth_state and query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == pkce.code_challenge(start._code_verifier)


async def test_with_a_real_esia_registration_is_left_to_its_own_sign_in_page(demo_db, monkeypatch):
    monkeypatch.setenv("GKH_ESIA_URL", "https://esia.gosuslugi.ru")
    get_settings.cache_clear()
    start = tab(SessionState, token="tab-start")
    target = urlsplit(redirect_path(start.begin_registration()))
    assert (target.scheme, target.netloc, target.path) == ("https", "esia.gosuslugi.ru", "/esia/login")
