"""Attacks on sign-in: stealing a resident's ЕСИА code, or their tab.

The attack of issue 10 §1: a script opens the websocket with ``Origin: https://evil.example``
(or claims that origin in its router data) and presses «Войти через Госуслуги»; the
``redirect_uri`` used to be built from that origin, so the victim, signing in on the real demo
ЕСИА page the attacker sent them, had their code delivered to evil.example. And a tab token
seen at the kiosk before someone signs in used to open their session afterwards.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import socketio
from playwright.sync_api import expect

from gkh_web.domain import pkce
from gkh_web.esia import provider
from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_PASSWORD
from gkh_web.state.cabinet import CabinetState
from gkh_web.state.session import SessionState
from tests.browser.flows import sign_in_to_cabinet
from tests.hostile.support import redirect_path, state_of
from tests.security.reflex_client import ScriptedTab, handler, run

IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")
EVIL = "https://evil.example"


def _redirect_uri_of(login_page_url: str) -> str:
    return parse_qs(urlsplit(login_page_url).query)["redirect_uri"][0]


# --- The redirect_uri never comes from the browser ---------------------------------------------------------


def test_sign_in_from_a_tab_claiming_a_foreign_origin_returns_to_the_public_url(demo_db, monkeypatch):
    monkeypatch.setenv("GKH_PUBLIC_URL", "https://gkh.example.ru")
    session_state = state_of(SessionState, EVIL + "/")

    path = redirect_path(session_state.begin_sign_in())

    assert _redirect_uri_of(path) == "https://gkh.example.ru/auth/callback"
    assert "evil" not in path


def test_a_script_with_a_foreign_origin_cannot_open_the_websocket(served_app):
    async def attack():
        tab = ScriptedTab(served_app.url, origin=EVIL)
        try:
            await tab.connect("/")
        finally:
            await tab.close()

    with pytest.raises(socketio.exceptions.ConnectionError):
        run(attack)


def test_a_script_without_an_origin_gets_the_public_callback(served_app):
    """Not a browser, so no Origin header for the CORS check to refuse: the callback is still the configured one."""
    async def attack() -> str:
        tab = ScriptedTab(served_app.url)
        try:
            await tab.connect("/")
            await tab.send(handler(SessionState, "begin_sign_in"))
            return tab.events("_redirect")[0]["payload"]["path"]
        finally:
            await tab.close()

    login_page = run(attack)
    assert _redirect_uri_of(login_page) == served_app.url + "/auth/callback"
    assert parse_qs(urlsplit(login_page).query)["code_challenge_method"] == ["S256"]


# --- The demo ЕСИА sends codes only to registered addresses -------------------------------------------------


def test_the_demo_esia_never_sends_a_code_to_an_unregistered_address(served_app, kiosk_page):
    """The attacker's link to the real ЕСИА page: the form is not even shown, nothing goes to evil.example."""
    foreign_requests: list[str] = []
    kiosk_page.route(re.compile(r"https://evil\.example/.*"),
                     lambda route: (foreign_requests.append(route.request.url), route.abort()))
    query = urlencode({"client_id": "gkh-web-kiosk", "redirect_uri": EVIL + "/auth/callback", "state": "attacker",
                       "code_challenge": pkce.code_challenge(pkce.new_code_verifier()),
                       "code_challenge_method": "S256", "response_type": "code"})

    kiosk_page.goto(f"{served_app.url}/esia/login?{query}")

    expect(kiosk_page.locator("#esia-request-error")).to_contain_text("Запрос на вход неверен")
    expect(kiosk_page.locator("#esia-password")).to_have_count(0)
    kiosk_page.wait_for_timeout(500)
    assert foreign_requests == [] and kiosk_page.url.startswith(served_app.url)


def test_an_intercepted_code_is_worthless_without_the_verifier(demo_db):
    """Even a code that leaked (a log, a proxy, a browser extension) buys no token: PKCE."""
    victims_verifier = pkce.new_code_verifier()
    request = provider.AuthorizationRequest("gkh-web-kiosk", "http://localhost:3000/auth/callback",
                                            pkce.code_challenge(victims_verifier), pkce.METHOD_S256)
    code = provider.sign_in_and_issue_code(IVANOV.phone, DEMO_PASSWORD, request).code

    for attackers_guess in (pkce.new_code_verifier(), "", request.code_challenge):
        with pytest.raises(provider.InvalidGrant):
            provider.exchange_code_for_token(code, client_id="gkh-web-kiosk", client_secret="demo-esia-secret",
                                             redirect_uri=request.redirect_uri, code_verifier=attackers_guess)


# --- A tab token seen before sign-in is worth nothing after it ----------------------------------------------


def test_a_tab_token_seen_before_sign_in_opens_nothing_after_it(served_app, kiosk_page):
    """The next-in-line person reads the tab's token (devtools, a shoulder) before the resident signs in."""
    kiosk_page.goto(served_app.url + "/")
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_enabled()
    seen_token = kiosk_page.evaluate("window.sessionStorage.getItem('token')")
    assert seen_token

    sign_in_to_cabinet(kiosk_page, served_app.url, IVANOV.phone)
    expect(kiosk_page.locator("#resident-name")).to_have_text(IVANOV.fio)
    assert kiosk_page.evaluate("window.sessionStorage.getItem('token')") != seen_token
    kiosk_page.goto("about:blank")  # the resident's socket closes (off to the gateway's page, say)

    async def attack() -> ScriptedTab:
        tab = ScriptedTab(served_app.url, token=seen_token, origin=served_app.url)
        try:
            await tab.connect("/cabinet")
            await tab.send(handler(CabinetState, "open_page"))
            return tab
        finally:
            await tab.close()

    tab = run(attack)
    assert IVANOV.fio.split()[0] not in tab.text and "145-267-389" not in tab.text
    assert tab.delta_value(SessionState.get_full_name(), "resident_name") in (None, "")
    assert any(event["payload"]["path"] == "/" for event in tab.events("_redirect"))
    kiosk_page.go_back()  # the resident's own tab, on its new token, is still signed in
    expect(kiosk_page.locator("#resident-name")).to_have_text(IVANOV.fio)
