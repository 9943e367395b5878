"""The whole flow with the keyboard alone (issue 12 §4): Tab to move, Enter or Space to act, typing
into fields. Nothing is clicked; every step checks that focus is visible on what it is about to press."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from gkh_web.services.data.demo_data import DEMO_LOGINS
from tests.browser.server import ServedApp, serve_app
from tests.served import KIOSK, open_page

pytestmark = pytest.mark.browser
IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")
PASSWORD = "Demo-2026!"
MAX_TABS = 80
SHOWS_FOCUS = """() => {
  // The focused element or its field's frame (Radix draws a text field's ring on its root) shows a ring.
  for (let e = document.activeElement, up = 0; e && up < 3; e = e.parentElement, up++) {
    for (const pseudo of [null, '::before']) {  // Radix draws a checkbox's ring on ::before
      const s = getComputedStyle(e, pseudo);
      if ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none') return true;
    }
  }
  return false;
}"""


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[ServedApp]:
    """A database of its own: this walk pays Иванов's documents, which other tests count on."""
    with serve_app(Path(tmp_path_factory.mktemp("keyboard"))) as app:
        yield app


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until ``selector`` has focus (and shows it), as a keyboard user would."""
    target = page.locator(selector).first
    expect(target).to_be_visible()
    for _ in range(MAX_TABS):
        if target.evaluate("e => e === document.activeElement || e.contains(document.activeElement)"):
            outline = page.evaluate(SHOWS_FOCUS)
            assert outline, f"{selector} has focus but does not show it"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {selector}")


def test_sign_in_pay_and_leave_with_the_keyboard_alone(own_app, browser, console):
    page = open_page(browser, console, KIOSK)
    try:
        page.goto(own_app.url + "/")
        tab_to(page, "#sign-in")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/esia/login\?"))
        tab_to(page, "#esia-login")
        page.keyboard.type(IVANOV.phone)
        tab_to(page, "#esia-password")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/(agreement|cabinet)$"), timeout=15_000)
        if page.url.endswith("/agreement"):
            tab_to(page, "#agreement-accept")
            page.keyboard.press("Space")
            tab_to(page, "#agreement-continue")
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Личный кабинет")).to_be_visible(timeout=15_000)

        tab_to(page, "#pay-link")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Оплата жилищно-коммунальных услуг")).to_be_visible()
        tab_to(page, "#amount-list-toggle")  # «Разверните список «Сумма к оплате»»
        page.keyboard.press("Enter")
        expect(page.locator(".payable-account").first).to_be_visible()
        tab_to(page, ".payable-account >> nth=0 >> .documents-toggle")
        page.keyboard.press("Enter")
        expect(page.locator(".payable-account").first.locator(".payment-document").first).to_be_visible()
        total = page.locator("#payment-total").inner_text()
        tab_to(page, ".payable-account >> nth=0 >> .document-check:not([disabled])")
        page.keyboard.press("Space")  # untick one document: the total moves
        expect(page.locator("#payment-total")).not_to_have_text(total)
        tab_to(page, "#pay-next")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
        tab_to(page, "#confirm-pay")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()
        tab_to(page, "#pay-card")
        page.keyboard.press("Enter")

        expect(page.locator("#card_number")).to_be_visible(timeout=15_000)  # the gateway's own page
        tab_to(page, "#card_number")
        page.keyboard.type("2202 4743 0132 2987")
        tab_to(page, "#expiry")
        page.keyboard.type("12/30")
        tab_to(page, "#cvc")
        page.keyboard.type("123")
        page.keyboard.press("Enter")
        expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)

        tab_to(page, "#sign-out")
        page.keyboard.press("Enter")
        expect(page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    finally:
        page.context.close()
