"""The kiosk's idle guard on every page of the sandbox gateway (issue 10 §4).

A resident who walks away from the card page must not leave the session to the next
person: every page carries «Вы ещё здесь?» with the kiosk's own times, and the address it
leaves for is the app's ``/session/end`` on ``GKH_PUBLIC_URL`` — never one built from the
request, so a forged Host header cannot send the kiosk anywhere else.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from gkh_web.sandbox_gateway import pages
from gkh_web.settings import get_settings
from tests.sandbox.conftest import create, page_path, pay_card, payment_body

PUBLIC_URL = "https://kiosk.example"
END_URL = PUBLIC_URL + "/session/end"
EVIL_HOST = "evil.example"
IDLE_SECONDS, COUNTDOWN_SECONDS = "77", "9"


class PageParts(HTMLParser):
    """The guard's attributes, every element id and every inline script of one page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.guard: dict[str, str | None] | None = None
        self.ids: set[str] = set()
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if attributes.get("id") == "idle-guard":
            self.guard = attributes
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


@pytest.fixture
def kiosk_settings(monkeypatch):
    monkeypatch.setenv("GKH_PUBLIC_URL", PUBLIC_URL + "/")
    monkeypatch.setenv("GKH_KIOSK_IDLE_SECONDS", IDLE_SECONDS)
    monkeypatch.setenv("GKH_KIOSK_COUNTDOWN_SECONDS", COUNTDOWN_SECONDS)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
async def evil_client(kiosk_settings, client):
    """The sandbox client, every request claiming to be for evil.example."""
    client.headers["host"] = EVIL_HOST
    return client


def assert_guarded(text: str) -> None:
    parts = PageParts(text)
    assert parts.guard is not None, "the page has no idle guard"
    assert parts.guard["data-idle"] == IDLE_SECONDS
    assert parts.guard["data-countdown"] == COUNTDOWN_SECONDS
    assert parts.guard["data-end-url"] == END_URL
    assert "hidden" in parts.guard, "the prompt must stay hidden until the resident has been idle"
    assert {"idle-countdown", "idle-here", "idle-out"} <= parts.ids
    assert "Вы ещё здесь?" in text and "Я здесь" in text and "Выйти" in text
    assert (f"Через <b id=\"idle-countdown\">{COUNTDOWN_SECONDS}</b> с сеанс завершится, "
            "и все ваши данные будут скрыты с экрана.") in text
    assert pages.IDLE_JS in parts.scripts
    assert EVIL_HOST not in text


async def _pages_of_one_card_payment(client) -> list[tuple[str, str]]:
    """(kind, html) of the choice, card, wallet, error, 3-D Secure and «gone» pages."""
    payment = await create(client)
    path = page_path(payment)
    seen = [("choose", (await client.get(path)).text),
            ("card", (await client.get(path + "?method=bank_card")).text),
            ("wallet", (await client.get(path + "?method=wallet")).text)]
    refused = await pay_card(client, payment, "4242424242424242", expiry="13/30")
    seen.append(("card error", refused.text))
    wallet_error = await client.post(path + "/wallet", data={"phone": "123", "code": "0000"})
    seen.append(("wallet error", wallet_error.text))
    challenge = await pay_card(client, payment, "4000002760003184")  # a 3-D Secure test card
    assert challenge.status_code == 303
    seen.append(("3-D Secure", (await client.get(path)).text))
    bad_code = await client.post(path + "/3ds", data={"code": "12"})
    seen.append(("3-D Secure error", bad_code.text))
    await client.post(path + "/3ds", data={"code": "123456"})
    seen.append(("gone", (await client.get(path)).text))
    return seen


async def test_every_page_kind_carries_the_guard_with_the_kiosk_settings(evil_client):
    seen = await _pages_of_one_card_payment(evil_client)
    assert [kind for kind, _ in seen] == ["choose", "card", "wallet", "card error", "wallet error",
                                           "3-D Secure", "3-D Secure error", "gone"]
    for kind, text in seen:
        assert "<!doctype html>" in text, kind
        assert_guarded(text)


async def test_wallet_registration_page_and_unknown_token_carry_the_guard(evil_client):
    payment = await create(evil_client, payment_body(payment_method_data={"type": "wallet"}))
    registered = await evil_client.post(page_path(payment) + "/wallet/register", data={"phone": "+79035558877"})
    assert "Кошелёк создан" in registered.text
    assert_guarded(registered.text)
    unknown = await evil_client.get("/sandbox-gateway/pay/no-such-token")
    assert unknown.status_code == 410
    assert_guarded(unknown.text)


async def test_forwarded_host_headers_do_not_move_the_end_address(evil_client):
    payment = await create(evil_client)
    response = await evil_client.get(page_path(payment), headers={
        "x-forwarded-host": EVIL_HOST, "x-forwarded-proto": "http", "origin": f"https://{EVIL_HOST}",
        "referer": f"https://{EVIL_HOST}/pay"})
    assert_guarded(response.text)


def test_the_end_address_follows_the_public_url(monkeypatch):
    monkeypatch.setenv("GKH_PUBLIC_URL", "https://gkh.example.ru:8443")
    get_settings.cache_clear()
    try:
        guard = PageParts(pages.gone_page()).guard
    finally:
        get_settings.cache_clear()
    assert guard["data-end-url"] == "https://gkh.example.ru:8443/session/end"


def test_the_end_address_is_escaped_in_the_attribute(monkeypatch):
    monkeypatch.setenv("GKH_PUBLIC_URL", 'https://kiosk.example/"><script>alert(1)</script>')
    get_settings.cache_clear()
    try:
        text = pages.gone_page()
    finally:
        get_settings.cache_clear()
    assert "<script>alert(1)" not in text
    assert PageParts(text).guard["data-end-url"].endswith('"><script>alert(1)</script>/session/end')


def test_scripts_are_the_same_text_whatever_the_settings(monkeypatch):
    """The times live in data attributes, so the CSP hashes of the inline scripts never change."""
    scripts = []
    for idle, url in (("120", "http://localhost:3000"), ("5", "https://other.example")):
        monkeypatch.setenv("GKH_KIOSK_IDLE_SECONDS", idle)
        monkeypatch.setenv("GKH_PUBLIC_URL", url)
        get_settings.cache_clear()
        scripts.append(PageParts(pages.gone_page()).scripts)
    get_settings.cache_clear()
    assert scripts[0] == scripts[1] == list(pages.INLINE_SCRIPTS)


def test_the_guard_script_only_watches_and_navigates():
    """No business rule in the guard: it reads its times and address from the page, nothing else."""
    script = pages.IDLE_JS
    for event in ("pointerdown", "keydown", "touchstart", "wheel"):
        assert f"'{event}'" in script
    assert "window.location.replace(g.dataset.endUrl)" in script
    assert "window.gkhKioskConfig" in script  # tests shorten the times of this page (not the app's: page.clock)
    for forbidden in ("fetch(", "XMLHttpRequest", "card_number", "submit(", "http"):
        assert forbidden not in script
