"""«Крупный шрифт» (issue 12 §3): one switch on every page, text about 1.5 times larger and darker,
nothing breaks at 1024×768, and the next person at the kiosk starts with the ordinary size."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from gkh_web.services.data.demo_data import DEMO_LOGINS
from tests.browser.flows import accept_agreement_if_asked, open_esia_login, sign_in_to_cabinet, submit_esia_login

pytestmark = pytest.mark.browser
IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")


def _font_px(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def _fits(page: Page, main_action: str) -> None:
    """No sideways scrolling, and the page's main action on screen without scrolling."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024
    page.evaluate("() => window.scrollTo(0, 0)")
    box = page.locator(main_action).bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768, (main_action, box)


def _switch(page: Page):
    return page.get_by_role("button", name="Крупный шрифт")


def test_large_text_grows_the_text_keeps_the_layout_and_ends_with_the_session(served_app, kiosk_page):
    page = kiosk_page
    page.goto(served_app.url + "/")
    expect(_switch(page)).to_have_attribute("aria-pressed", "false")
    lead, title = _font_px(page, "main p"), _font_px(page, "#start-title")
    grey = page.locator("main .rt-Text[data-accent-color=gray]").first.evaluate("e => getComputedStyle(e).color")

    _switch(page).click()
    expect(_switch(page)).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(f"() => parseFloat(getComputedStyle(document.querySelector('main p')).fontSize) > {lead}")
    assert 1.4 <= _font_px(page, "main p") / lead <= 1.6
    assert _font_px(page, "#start-title") > title
    darker = page.locator("main .rt-Text[data-accent-color=gray]").first.evaluate("e => getComputedStyle(e).color")
    assert darker != grey  # the grey hints turn near-black
    _fits(page, "#sign-in")

    open_esia_login(page, served_app.url)  # the demo ЕСИА keeps it, and has the switch too
    expect(_switch(page)).to_have_attribute("aria-pressed", "true")
    _fits(page, "#esia-submit")
    submit_esia_login(page, IVANOV.phone)
    expect(page).to_have_url(re.compile(r"/(agreement|cabinet)$"), timeout=15_000)
    expect(_switch(page)).to_have_attribute("aria-pressed", "true")  # carried through the sign-in
    accept_agreement_if_asked(page)
    _fits(page, "#pay-link")
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    expect(page.locator("#pay-next")).to_be_visible()
    _fits(page, "#pay-next")
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    _fits(page, "#confirm-pay")

    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    expect(_switch(page)).to_have_attribute("aria-pressed", "false")
    assert _font_px(page, "main p") == lead


def test_the_switch_turns_large_text_off_again(served_app, kiosk_page):
    page = kiosk_page
    sign_in_to_cabinet(page, served_app.url, IVANOV.phone)
    size = _font_px(page, "main h1")
    _switch(page).click()
    page.wait_for_function(f"() => parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize) > {size}")
    _switch(page).click()
    expect(_switch(page)).to_have_attribute("aria-pressed", "false")
    page.wait_for_function(f"() => parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize) == {size}")
