"""The cabinet: linking and unlinking personal accounts, paying by another account."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from gkh_web.services.data.demo_data import DEMO_ACCOUNT_TO_LINK, DEMO_LOGINS, DEMO_UNLINKED_ACCOUNTS
from tests.browser.flows import serious_accessibility_violations, sign_in_to_cabinet

pytestmark = pytest.mark.browser

KUZNETSOVA = next(login for login in DEMO_LOGINS if login.key == "kuznetsova")
IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")


def _open_link_dialog(page: Page, *, by_identifier: bool = False):
    page.get_by_role("button", name="Подключить лицевой счёт").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    if by_identifier:
        dialog.get_by_role("radio", name="По ЕЛС, ИЖКУ").click()
    return dialog


def _fill_address(page: Page, *, flat: str, number: str) -> None:
    page.locator("#link-house").fill("лесная 12")
    page.locator(".house-suggestion").first.click()
    page.locator("#link-flat").fill(flat)
    page.locator("#link-account-number").fill(number)
    page.locator("#link-provider").click()
    page.get_by_role("option", name=re.compile("Рассвет")).click()


def _unlink(page: Page, number: str) -> None:
    page.get_by_role("button", name=f"Отключить лицевой счёт № {number}").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(number)
    page.get_by_role("button", name="Отключить", exact=True).click()


def test_link_by_address_then_already_linked_then_unlink_then_by_els(served_app, kiosk_page):
    page = kiosk_page
    sign_in_to_cabinet(page, served_app.url, KUZNETSOVA.phone)
    expect(page.locator(".linked-account")).to_have_count(0)
    expect(page.locator("#no-accounts")).to_be_visible()

    _open_link_dialog(page)
    _fill_address(page, flat="28", number=DEMO_ACCOUNT_TO_LINK.number)
    page.get_by_role("button", name="Подключить", exact=True).click()
    expect(page.get_by_role("dialog")).to_contain_text("Адрес не совпадает")
    page.locator("#link-flat").fill("кв. 27")
    page.locator("#link-account-number").fill("9999999")
    page.get_by_role("button", name="Подключить", exact=True).click()
    expect(page.locator("#link-account-number-error")).to_contain_text("не найден")
    page.locator("#link-account-number").fill(DEMO_ACCOUNT_TO_LINK.number)
    page.get_by_role("button", name="Подключить", exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator(".linked-account")).to_have_count(1)
    expect(page.locator(".linked-account")).to_contain_text(DEMO_ACCOUNT_TO_LINK.els)
    expect(page.locator("#total-due")).not_to_have_text("0,00\u00a0₽")

    _open_link_dialog(page, by_identifier=True)
    page.locator("#link-identifier").fill(DEMO_ACCOUNT_TO_LINK.izhku)
    page.get_by_role("button", name="Подключить", exact=True).click()
    expect(page.locator("#link-identifier-error")).to_contain_text("уже подключён")
    page.keyboard.press("Escape")

    _unlink(page, DEMO_ACCOUNT_TO_LINK.number)
    expect(page.locator(".linked-account")).to_have_count(0)

    _open_link_dialog(page, by_identifier=True)
    page.locator("#link-identifier").fill("12345")
    page.get_by_role("button", name="Подключить", exact=True).click()
    expect(page.locator("#link-identifier-error")).to_be_visible()
    # Latin look-alike letters, as people type them from a bill, are understood.
    latin = DEMO_ACCOUNT_TO_LINK.els.translate(str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY"))
    page.locator("#link-identifier").fill(latin)
    page.get_by_role("button", name="Подключить", exact=True).click()
    expect(page.locator(".linked-account")).to_have_count(1)
    _unlink(page, DEMO_ACCOUNT_TO_LINK.number)
    expect(page.locator(".linked-account")).to_have_count(0)


def test_pay_by_another_account_never_shows_the_payer(served_app, kiosk_page):
    page = kiosk_page
    sign_in_to_cabinet(page, served_app.url, IVANOV.phone)
    page.get_by_role("link", name="Оплатить по другому лицевому счёту").click()
    expect(page.get_by_role("heading", name="Оплатить по другому лицевому счёту")).to_be_visible()
    for account in DEMO_UNLINKED_ACCOUNTS:
        page.locator("#other-identifier").fill(account.izhku)
        page.get_by_role("button", name="Найти").click()
        result = page.locator(".other-account")
        expect(result).to_have_count(1)
        expect(result).to_contain_text(account.number)
        expect(result.locator(".other-due")).to_contain_text("₽")
        surname = account.payer.split()[0]
        assert surname not in page.content(), f"the payer's name {surname} must never be shown"
    page.locator("#other-identifier").fill("77ЯЯ000000-01")
    page.get_by_role("button", name="Найти").click()
    expect(page.locator("#other-identifier-error")).to_contain_text("не найден")
    expect(page.locator(".other-account")).to_have_count(0)


def test_cabinet_and_agreement_pages_have_no_serious_accessibility_violations(served_app, kiosk_page):
    sign_in_to_cabinet(kiosk_page, served_app.url, IVANOV.phone)
    expect(kiosk_page.locator(".linked-account")).to_have_count(3)
    violations = serious_accessibility_violations(kiosk_page)
    assert not violations, "\n".join(violations)
    kiosk_page.get_by_role("button", name="Подключить лицевой счёт").click()
    expect(kiosk_page.get_by_role("dialog")).to_be_visible()
    kiosk_page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    violations = serious_accessibility_violations(kiosk_page)
    assert not violations, "\n".join(violations)


def test_the_link_dialogs_buttons_are_on_screen_on_a_phone(served_app, phone_page):
    """Issue 12 §3: at 390×844 the long form scrolls inside the dialog and «Подключить» stays reachable."""
    page = phone_page
    sign_in_to_cabinet(page, served_app.url, next(login for login in DEMO_LOGINS if login.key == "sidorov").phone)
    page.get_by_role("button", name="Подключить лицевой счёт").click()
    expect(page.locator("#link-dialog")).to_be_visible()
    for button in (page.locator("#link-submit"), page.get_by_role("button", name="Отмена")):
        box = button.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Отмена").click()
    expect(page.locator("#link-dialog")).to_have_count(0)
