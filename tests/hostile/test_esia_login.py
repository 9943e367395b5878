"""The demo ЕСИА login page (``EsiaLoginState``, what «Войти» calls over the websocket) under hostile input.

A malformed login or an absurd password is refused at its field before the
provider is asked, so it costs no argon2 hash and no lock counter; a
well-formed but wrong password gets the provider's one message and counts
towards the lock, and nothing else changes. After each case the same tab signs in.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from gkh_web.domain import pkce
from gkh_web.domain.contacts import MSG_EMAIL, MSG_EMAIL_MIXED_SCRIPTS, MSG_LOGIN, MSG_PHONE
from gkh_web.domain.identifiers import MSG_SNILS_CHECKSUM, MSG_SNILS_FORMAT
from gkh_web.esia.provider import MSG_WRONG_CREDENTIALS
from gkh_web.services.data.demo_data import DEMO_PASSWORD
from gkh_web.state.esia_login import MODE_PHONE_EMAIL, MODE_SNILS, EsiaLoginState
from tests.hostile.support import (
    CRLF,
    IMG_ONERROR,
    JS_URL,
    NUL,
    ONE_MB,
    RLO,
    SCRIPT,
    SQL_DROP,
    SQL_OR,
    TEN_K,
    ZWSP,
    app_snapshot,
    arabic,
    assert_russian,
    demo_login,
    fullwidth,
    redirect_path,
    state_of,
)

CALLBACK = "http://localhost:3000/auth/callback"
"""The callback the demo data registers (GKH_PUBLIC_URL's default)."""
CHALLENGE = pkce.code_challenge(pkce.new_code_verifier())
PKCE = {"code_challenge": CHALLENGE, "code_challenge_method": "S256"}
LOGIN_PAGE = "http://localhost:3000/esia/login?" + urlencode(
    {"client_id": "gkh-web-kiosk", "redirect_uri": CALLBACK, "state": "st-1", **PKCE})
MSG_BAD_REQUEST = "Запрос на вход неверен или устарел. Вернитесь в ГИС ЖКХ и нажмите «Войти через Госуслуги» ещё раз"
MSG_LONG_PASSWORD = "Пароль — не длиннее 256 знаков"
IVANOV = demo_login("ivanov")

FIELD_CASES = [
    # login field, «Телефон / почта» tab
    pytest.param(MODE_PHONE_EMAIL, SQL_OR, "login", MSG_LOGIN, id="login-sql-or"),
    pytest.param(MODE_PHONE_EMAIL, SQL_DROP, "login", MSG_LOGIN, id="login-sql-drop"),
    pytest.param(MODE_PHONE_EMAIL, SCRIPT, "login", MSG_LOGIN, id="login-script"),
    pytest.param(MODE_PHONE_EMAIL, IMG_ONERROR, "login", MSG_LOGIN, id="login-img-onerror"),
    pytest.param(MODE_PHONE_EMAIL, JS_URL, "login", MSG_LOGIN, id="login-javascript-url"),
    pytest.param(MODE_PHONE_EMAIL, SCRIPT + "@example.com", "login", MSG_EMAIL, id="login-email-with-script"),
    pytest.param(MODE_PHONE_EMAIL, "+7 903 555-01-01" + NUL, "login", MSG_LOGIN, id="login-phone-nul"),
    pytest.param(MODE_PHONE_EMAIL, f"ivanov@example.com{CRLF}Bcc: evil@example.com", "login", MSG_EMAIL,
                 id="login-email-crlf-injection"),
    pytest.param(MODE_PHONE_EMAIL, RLO + "ivanov@example.com", "login", MSG_EMAIL, id="login-email-rtl-override"),
    pytest.param(MODE_PHONE_EMAIL, "ivanov@exam" + ZWSP + "ple.com", "login", MSG_EMAIL, id="login-email-zero-width"),
    pytest.param(MODE_PHONE_EMAIL, "iv\u0430nov@example.com", "login", MSG_EMAIL_MIXED_SCRIPTS,
                 id="login-email-cyrillic-a-in-latin"),
    pytest.param(MODE_PHONE_EMAIL, arabic("+7 903 555-01-01"), "login", MSG_LOGIN, id="login-phone-arabic-digits"),
    pytest.param(MODE_PHONE_EMAIL, fullwidth("89035550101"), "login", MSG_LOGIN, id="login-phone-fullwidth-digits"),
    pytest.param(MODE_PHONE_EMAIL, "+7 (903) 555-01-011", "login", MSG_PHONE, id="login-phone-too-long"),
    pytest.param(MODE_PHONE_EMAIL, "я" * TEN_K, "login", MSG_LOGIN, id="login-10k-chars"),
    pytest.param(MODE_PHONE_EMAIL, "9" * ONE_MB, "login", MSG_PHONE, id="login-1mb-digits"),
    pytest.param(MODE_PHONE_EMAIL, "a" * ONE_MB + "@example.com", "login", MSG_EMAIL, id="login-1mb-email"),
    # СНИЛС tab
    pytest.param(MODE_SNILS, "145-267-389 78", "snils", MSG_SNILS_CHECKSUM, id="snils-bad-checksum"),
    pytest.param(MODE_SNILS, "145-267-389 7O", "snils", MSG_SNILS_FORMAT, id="snils-latin-o-for-zero"),
    pytest.param(MODE_SNILS, "145-267-389 790", "snils", MSG_SNILS_FORMAT, id="snils-too-long"),
    pytest.param(MODE_SNILS, arabic("145-267-389 79"), "snils", MSG_SNILS_FORMAT, id="snils-arabic-digits"),
    pytest.param(MODE_SNILS, fullwidth("14526738979"), "snils", MSG_SNILS_FORMAT, id="snils-fullwidth-digits"),
    pytest.param(MODE_SNILS, SQL_OR, "snils", MSG_SNILS_FORMAT, id="snils-sql-or"),
    pytest.param(MODE_SNILS, SCRIPT, "snils", MSG_SNILS_FORMAT, id="snils-script"),
    pytest.param(MODE_SNILS, "145-267-389 79" + NUL, "snils", MSG_SNILS_FORMAT, id="snils-nul"),
    pytest.param(MODE_SNILS, "145" + ZWSP + "-267-389 79", "snils", MSG_SNILS_FORMAT, id="snils-zero-width"),
    pytest.param(MODE_SNILS, "1" * ONE_MB, "snils", MSG_SNILS_FORMAT, id="snils-1mb"),
]


def _submit_form(mode: str, login: str, password: str) -> dict[str, str]:
    return {"snils" if mode == MODE_SNILS else "login": login, "password": password}


async def _login_page(url: str = LOGIN_PAGE) -> EsiaLoginState:
    page = state_of(EsiaLoginState, url)
    await page.open_page()
    return page


async def _signs_in(page: EsiaLoginState, mode: str) -> None:
    """The tab that saw the hostile input signs Иванов in and is sent back with a code."""
    page.set_mode(mode)
    login = "145-267-389 79" if mode == MODE_SNILS else IVANOV.phone
    result = await page.submit(_submit_form(mode, login, DEMO_PASSWORD))
    assert (redirect_path(result) or "").startswith(CALLBACK + "?code=")
    assert page.login_error == page.snils_error == page.password_error == page.form_error == ""


@pytest.mark.parametrize(("mode", "typed", "field", "message"), FIELD_CASES)
async def test_a_hostile_login_is_refused_at_its_field(demo_db, mode, typed, field, message):
    page = await _login_page()
    page.set_mode(mode)
    before = app_snapshot(demo_db)

    result = await page.submit(_submit_form(mode, typed, DEMO_PASSWORD))

    assert result is None, "no redirect, no code"
    assert_russian(getattr(page, f"{field}_error"), message)
    assert page.form_error == page.password_error == ""
    assert app_snapshot(demo_db) == before, "refused before the provider: no lock counter, no code"
    await _signs_in(page, mode)


PASSWORD_CASES = [
    pytest.param("x" * ONE_MB, "password", MSG_LONG_PASSWORD, id="password-1mb"),
    pytest.param("Demo-2026!" * 1001, "password", MSG_LONG_PASSWORD, id="password-10k"),
    pytest.param("' OR '1'='1", "form", MSG_WRONG_CREDENTIALS, id="password-sql-or"),
    pytest.param(SQL_DROP, "form", MSG_WRONG_CREDENTIALS, id="password-sql-drop"),
    pytest.param(SCRIPT, "form", MSG_WRONG_CREDENTIALS, id="password-script"),
    pytest.param(DEMO_PASSWORD + NUL + "tail", "form", MSG_WRONG_CREDENTIALS, id="password-right-then-nul"),
    pytest.param(RLO + DEMO_PASSWORD, "form", MSG_WRONG_CREDENTIALS, id="password-rtl-override"),
    pytest.param(arabic("2026"), "form", MSG_WRONG_CREDENTIALS, id="password-arabic-digits"),
]


@pytest.mark.parametrize(("password", "field", "message"), PASSWORD_CASES)
async def test_a_hostile_password_is_refused(demo_db, password, field, message):
    page = await _login_page()
    before = app_snapshot(demo_db)
    before_lock = app_snapshot(demo_db, may_change=("esia_login_throttle",))

    result = await page.submit(_submit_form(MODE_PHONE_EMAIL, IVANOV.phone, password))

    assert result is None
    assert_russian(getattr(page, f"{field}_error"), message)
    if field == "password":
        assert app_snapshot(demo_db) == before, "too long to be anyone's password: not even counted"
    else:  # a wrong password: counted towards the 5-try lock (one row), nothing else written
        assert app_snapshot(demo_db, may_change=("esia_login_throttle",)) == before_lock
    await _signs_in(page, MODE_PHONE_EMAIL)


REQUEST_CASES = [
    pytest.param("gkh-web-kiosk", "javascript:alert(1)//auth/callback", id="redirect-javascript-url"),
    pytest.param("gkh-web-kiosk", "http://evil.example@localhost:3000/auth/callback", id="redirect-user-info"),
    pytest.param("gkh-web-kiosk", "https://evil.example/auth/callback", id="redirect-foreign-host"),
    pytest.param("gkh-web-kiosk", CALLBACK + "?x=" + SCRIPT, id="redirect-with-script-query"),
    pytest.param(SQL_OR, CALLBACK, id="client-id-sql-or"),
    pytest.param("gkh-web-kiosk" + NUL, CALLBACK, id="client-id-nul"),
]


@pytest.mark.parametrize(("client_id", "redirect_uri"), REQUEST_CASES)
async def test_a_forged_sign_in_request_is_refused_before_any_typing(demo_db, client_id, redirect_uri):
    """The login page's own input: the relying party's request in the address bar."""
    before = app_snapshot(demo_db)
    page = await _login_page("http://kiosk.test/esia/login?" + urlencode(
        {"client_id": client_id, "redirect_uri": redirect_uri, "state": "st-1", **PKCE}))

    assert_russian(page.request_error, MSG_BAD_REQUEST)
    assert await page.submit(_submit_form(MODE_PHONE_EMAIL, IVANOV.phone, DEMO_PASSWORD)) is None
    assert app_snapshot(demo_db) == before, "no code for a forged request, even with the right password"
    page.router = (await _login_page()).router
    await page.open_page()
    assert page.request_error == ""
    await _signs_in(page, MODE_PHONE_EMAIL)
