"""Screenshots of every page at kiosk (1024×768) and phone (390×844) size, for the README.

Usage: .venv/bin/python scripts/screenshots.py      (or `make screenshots`)
Serves the production build on a fresh demo database (as the browser tests do), walks
through the pages as a resident and writes docs/screenshots/<page>-<width>x<height>.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from playwright.sync_api import Page, expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_UNLINKED_ACCOUNTS
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.flows import accept_agreement_if_asked, open_esia_login, sign_in
from tests.browser.server import serve_app

SIZES = ((1024, 768), (390, 844))
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
LOGIN = {login.key: login for login in DEMO_LOGINS}


def _settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def _shot(page: Page, name: str) -> None:
    _settle(page)
    width = page.viewport_size["width"]
    height = page.viewport_size["height"]
    path = OUT / f"{name}-{width}x{height}.png"
    page.screenshot(path=str(path))
    print(path)


def _newest_payment(database_url: str) -> str:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("select public_id from payment order by id desc limit 1")).scalar_one()
    finally:
        engine.dispose()


def _tour(page: Page, url: str, database_url: str, newcomer: str, index: int) -> None:
    """``newcomer``: a demo resident who has not accepted the agreement yet on this database."""
    page.goto(url + "/")
    _shot(page, "start")
    open_esia_login(page, url)
    _shot(page, "esia-login")
    sign_in(page, url, LOGIN[newcomer].phone)
    if page.url.endswith("/agreement"):
        _shot(page, "agreement")
    accept_agreement_if_asked(page)
    page.goto(url + "/cabinet")
    expect(page.get_by_role("heading", name="Личный кабинет")).to_be_visible()
    page.get_by_role("button", name="Выйти").click()
    sign_in(page, url, LOGIN["ivanov"].phone)
    accept_agreement_if_asked(page)
    expect(page.locator(".linked-account")).to_have_count(3)
    _shot(page, "cabinet")
    page.get_by_role("button", name="Подключить лицевой счёт").click()
    page.locator("#link-house").fill("лесная 12")
    expect(page.locator(".house-suggestion").first).to_be_visible()
    _shot(page, "link-dialog")
    page.keyboard.press("Escape")
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    expect(page.locator(".payable-account")).to_have_count(3)
    _shot(page, "pay")
    page.locator(".payable-account").nth(1).locator(".documents-toggle").click()
    document = page.locator(".payable-account").nth(1).locator(".payment-document").first
    document.locator(".services-toggle").click()
    expect(document.locator(".document-services")).to_be_visible()
    document.scroll_into_view_if_needed()
    _shot(page, "pay-services")
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    _shot(page, "pay-confirmation")
    page.goto(url + "/pay/other")
    page.locator("#other-identifier").fill(DEMO_UNLINKED_ACCOUNTS[index].izhku)
    page.get_by_role("button", name="Найти").click()
    expect(page.locator(".other-account")).to_have_count(1)
    _shot(page, "pay-other")
    page.get_by_role("link", name="Перейти к оплате").click()
    page.locator("#pay-next").click()
    page.get_by_role("button", name="Оплатить").click()
    expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()
    expect(page.locator("#card-charged")).to_be_visible()
    _shot(page, "pay-method")
    page.locator("#pay-card").click()
    _card(page, "4000 0000 0000 9995")  # the sandbox declines it: insufficient funds
    _shot(page, "gateway-card")
    page.get_by_role("button", name="Оплатить").click()
    expect(page.locator("#payment-not-charged")).to_be_visible(timeout=15_000)
    _shot(page, "pay-declined")
    _method_page_of(page, url, index)
    page.locator("#pay-card").click()
    _card(page, "2202 4743 0132 2987")
    # The resident leaves the gateway's page unpaid and comes back: «Ожидает оплаты», «Продолжить оплату».
    page.goto(url + "/pay/result?payment=" + _newest_payment(database_url))
    expect(page.locator("#payment-continue")).to_be_visible(timeout=15_000)
    _shot(page, "pay-pending")
    page.goto(url + "/payments")
    expect(page.locator(".history-open").first).to_be_visible()
    _shot(page, "payments-pending")
    page.locator(".history-open").first.click()
    page.locator("#payment-continue").click()
    _card(page, "2202 4743 0132 2987")
    page.get_by_role("button", name="Оплатить").click()
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    _shot(page, "pay-result")
    page.get_by_role("button", name="Выйти").click()


def _card(page: Page, number: str) -> None:
    page.locator("#card_number").fill(number)
    page.locator("#expiry").fill("12/30")
    page.locator("#cvc").fill("123")


def _method_page_of(page: Page, url: str, index: int) -> None:
    """«Оплатить по другому лицевому счёту» for the demo's unlinked account ``index``, up to the method picker."""
    page.goto(url + "/pay/other")
    page.locator("#other-identifier").fill(DEMO_UNLINKED_ACCOUNTS[index].izhku)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name="Перейти к оплате").click()
    page.locator("#pay-next").click()
    page.get_by_role("button", name="Оплатить").click()
    expect(page.locator("#card-charged")).to_be_visible()


def _refused_sign_in(page: Page, url: str) -> None:
    """The demo ЕСИА facing a link that would send the code elsewhere: an error, no form, no redirect."""
    page.goto(url + "/esia/login?" + urlencode({
        "client_id": "gkh-web-kiosk", "redirect_uri": "https://evil.example/auth/callback", "state": "x",
        "code_challenge": "A" * 43, "code_challenge_method": "S256", "response_type": "code"}))
    expect(page.locator("#esia-request-error")).to_be_visible()
    _shot(page, "esia-refused")


def _idle_prompts(page: Page, url: str) -> None:
    """«Вы ещё здесь?» in the cabinet and on the sandbox gateway's page (idle shortened for the picture)."""
    page.clock.install()  # the app's guard runs on Reflex's own timers: the page's clock is moved on
    page.add_init_script("window.gkhKioskConfig = {idleSeconds: 3, countdownSeconds: 60};")  # the sandbox page's
    sign_in(page, url, LOGIN["sidorov"].phone)
    accept_agreement_if_asked(page)
    page.clock.fast_forward(121_000)
    expect(page.get_by_role("alertdialog")).to_be_visible(timeout=10_000)
    _shot(page, "kiosk-idle")
    page.get_by_role("button", name="Я здесь").click()
    page.goto(url + "/pay/other")
    page.locator("#other-identifier").fill(DEMO_UNLINKED_ACCOUNTS[2].izhku)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name="Перейти к оплате").click()
    page.locator("#pay-next").click()
    page.get_by_role("button", name="Оплатить").click()
    page.locator("#pay-card").click()
    expect(page.locator("#card_number")).to_be_visible()
    expect(page.get_by_text("Вы ещё здесь?")).to_be_visible(timeout=10_000)
    _shot(page, "gateway-idle")
    page.get_by_role("button", name="Выйти").click()  # the session ends and the payment is cancelled
    expect(page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, serve_app(Path(workdir)) as app, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for index, ((width, height), newcomer) in enumerate(zip(SIZES, ("kuznetsova", "petrova"), strict=True)):
            context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
            _tour(context.new_page(), app.url, app.database_url, newcomer, index)
            _refused_sign_in(context.new_page(), app.url)
            context.close()
            context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
            _idle_prompts(context.new_page(), app.url)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
