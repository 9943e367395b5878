"""Paying through the sandbox gateway, as a resident at the kiosk."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from gkh_web.services.demo_data import DEMO_LOGINS, DEMO_UNLINKED_ACCOUNTS
from tests.browser.flows import sign_in_to_cabinet

pytestmark = pytest.mark.browser
LOGIN = {login.key: login for login in DEMO_LOGINS}


def _to_method_picker(page: Page, base_url: str, account) -> None:
    """Pay another (unlinked) account, so other tests keep their demo amounts."""
    sign_in_to_cabinet(page, base_url, LOGIN["petrova"].phone)
    page.get_by_role("link", name="Оплатить по другому лицевому счёту").click()
    page.locator("#other-identifier").fill(account.izhku)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name="Перейти к оплате").click()
    expect(page.locator(".payable-account")).to_have_count(1)
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    page.get_by_role("button", name="Оплатить").click()
    expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()


def _card_page(page: Page, number: str) -> None:
    page.locator("#pay-card").click()
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    page.locator("#card_number").fill(number)
    page.locator("#expiry").fill("12/30")
    page.locator("#cvc").fill("123")
    page.get_by_role("button", name="Оплатить").click()


def test_a_decline_then_a_retry_by_card_pays_once(served_app, kiosk_page):
    page = kiosk_page
    account = DEMO_UNLINKED_ACCOUNTS[2]
    _to_method_picker(page, served_app.url, account)
    _card_page(page, "4000000000009995")  # sandbox: insufficient funds
    expect(page).to_have_url(re.compile(r"/pay/result\?payment="), timeout=15_000)
    expect(page.locator("#payment-status")).to_contain_text("недостаточно", timeout=15_000)
    page.get_by_role("link", name="Попробовать снова").click()
    page.goto(served_app.url + "/pay/other")
    page.locator("#other-identifier").fill(account.izhku)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name="Перейти к оплате").click()
    expect(page.locator(".payable-account")).to_have_count(1)
    page.locator("#pay-next").click()
    page.get_by_role("button", name="Оплатить").click()
    _card_page(page, "4242 4242 4242 4242")
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    expect(page.locator(".receipt-item")).to_have_count(1)
    expect(page.locator("#receipt-card")).to_contain_text("4242")
    # The document is paid: the same account now has nothing to pay.
    page.goto(served_app.url + "/pay/other")
    page.locator("#other-identifier").fill(account.izhku)
    page.get_by_role("button", name="Найти").click()
    expect(page.locator(".other-due")).to_have_text("0,00\u00a0₽")
    page.goto(served_app.url + "/payments")
    expect(page.locator(".history-payment")).to_have_count(2)
    expect(page.locator(".history-status").first).to_have_text("Оплачено")
