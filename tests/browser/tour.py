"""Every page and state of the app, walked as residents walk it: one tour for the README's screenshots
(``scripts/screenshots.py``) and for the layout and accessibility checks (``tests/browser/test_layout.py``).

At each state the tour calls ``visit(page, name)``; what happens there is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_UNLINKED_ACCOUNTS
from tests.browser.flows import accept_agreement_if_asked, open_amount_list, open_documents, open_esia_login, sign_in
from tests.qr_decode import decode_qr

LOGIN = {login.key: login for login in DEMO_LOGINS}
Visit = Callable[[Page, str], None]
NEWCOMERS = ("kuznetsova", "petrova")
"""Demo residents who have not accepted the agreement on a fresh database: one per tour."""
TOUR_ENV = {"GKH_KIOSK": "1", "GKH_KIOSK_PRINTER": "1"}
"""The app as ``make run`` serves it on a kiosk (with a printer, so that «Напечатать» is seen too)."""


def newest_payment(database_url: str) -> str:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("select public_id from payment order by id desc limit 1")).scalar_one()
    finally:
        engine.dispose()


def resident_tour(page: Page, url: str, database_url: str, newcomer: str, index: int, visit: Visit) -> None:
    """``newcomer``: a demo resident who has not accepted the agreement yet on this database."""
    page.goto(url + "/")
    expect(page.locator("#start-title")).to_be_visible()
    visit(page, "start")
    open_esia_login(page, url)
    visit(page, "esia-login")
    registration(page, url, visit)
    sign_in(page, url, LOGIN[newcomer].phone)
    if page.url.endswith("/agreement"):
        visit(page, "agreement")
    accept_agreement_if_asked(page)
    page.goto(url + "/cabinet")
    expect(page.get_by_role("heading", name="Личный кабинет")).to_be_visible()
    page.get_by_role("button", name="Выйти").click()
    sign_in(page, url, LOGIN["ivanov"].phone)
    accept_agreement_if_asked(page)
    expect(page.locator(".linked-account")).to_have_count(3)
    visit(page, "cabinet")
    page.get_by_role("button", name="Подключить лицевой счёт").click()
    page.locator("#link-house").fill("лесная 12")
    expect(page.locator(".house-suggestion").first).to_be_visible()
    visit(page, "link-dialog")
    page.keyboard.press("Escape")
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    expect(page.locator("#amount-list-toggle")).to_be_visible()
    visit(page, "pay")  # as the seed finds it: «Сумма к оплате» collapsed
    open_amount_list(page)
    expect(page.locator(".payable-account")).to_have_count(3)
    visit(page, "pay-accounts")
    open_documents(page.locator(".payable-account").nth(1))
    document = page.locator(".payable-account").nth(1).locator(".payment-document").filter(
        has=page.locator(".document-amount")).first  # one still to pay: its «Платёжный документ» has a QR code
    document.locator(".services-toggle").click()
    expect(document.locator(".document-services")).to_be_visible()
    document.scroll_into_view_if_needed()
    visit(page, "pay-services")
    document.locator(".document-sheet-open").click()  # «Платёжный документ с QR-кодом»
    expect(page.locator("#document-qr svg")).to_be_visible()
    visit(page, "payment-document")
    page.locator("#document-back").click()
    expect(page.locator("#amount-list-toggle")).to_be_visible()
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    page.locator("#receipt-email-line").scroll_into_view_if_needed()  # the receipt's address, above the bar
    visit(page, "pay-confirmation")
    page.goto(url + "/pay/other")
    page.locator("#other-identifier").fill(DEMO_UNLINKED_ACCOUNTS[index].izhku)
    page.get_by_role("button", name="Найти").click()
    expect(page.locator(".other-account")).to_have_count(1)
    visit(page, "pay-other")
    page.get_by_role("link", name="Перейти к оплате").click()
    page.locator("#pay-next").click()
    page.get_by_role("button", name="Оплатить").click()
    expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()
    expect(page.locator("#card-charged")).to_be_visible()
    visit(page, "pay-method")
    page.locator("#pay-card").click()
    _card(page, "4000 0000 0000 9995")  # the sandbox declines it: insufficient funds
    visit(page, "gateway-card")
    page.get_by_role("button", name="Оплатить").click()
    expect(page.locator("#payment-not-charged")).to_be_visible(timeout=15_000)
    visit(page, "pay-declined")
    _method_page_of(page, url, index)
    page.locator("#pay-card").click()
    _card(page, "2202 4743 0132 2987")
    # The resident leaves the gateway's page unpaid and comes back: «Ожидает оплаты», «Продолжить оплату».
    page.goto(url + "/pay/result?payment=" + newest_payment(database_url))
    expect(page.locator("#payment-continue")).to_be_visible(timeout=15_000)
    visit(page, "pay-pending")
    page.goto(url + "/payments")
    expect(page.locator(".history-open").first).to_be_visible()
    visit(page, "payments-pending")
    page.locator(".history-open").first.click()
    page.locator("#payment-continue").click()
    _card(page, "2202 4743 0132 2987")
    page.get_by_role("button", name="Оплатить").click()
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    expect(page.locator("#receipt-qr svg")).to_be_visible()  # the tour's app is a kiosk: GKH_KIOSK=1
    visit(page, "pay-result")
    receipt_on_phone(page, visit)
    receipt_sent(page, url)
    visit(page, "payments-receipt")
    page.goto(url + "/demo/outbox")
    expect(page.locator(".outbox-letter").first).to_be_visible()
    visit(page, "demo-outbox")
    page.locator(".outbox-letter a").first.click()
    expect(page.locator("#letter-subject")).to_contain_text("Квитанция об оплате ЖКУ")
    visit(page, "demo-outbox-letter")
    page.goto(url + "/cabinet")
    page.get_by_role("button", name="Выйти").click()


def receipt_sent(page: Page, url: str, *, seconds: int = 30) -> None:
    """«Мои платежи» once the newest payment's receipt has left (the sender looks every second in tests)."""
    for _ in range(seconds):
        page.goto(url + "/payments")
        expect(page.locator(".history-payment").first).to_be_visible()
        if "Квитанция отправлена" in page.locator(".history-payment").first.inner_text():
            return
        page.wait_for_timeout(1000)
    expect(page.locator(".history-mail").first).to_contain_text("Квитанция отправлена")


def receipt_on_phone(page: Page, visit: Visit) -> None:
    """The resident's phone reads the kiosk's QR code and opens the link: a browser of its own, no sign-in."""
    link = decode_qr(page.locator("#receipt-qr").screenshot())
    phone = page.context.browser.new_context(viewport=page.viewport_size, locale="ru-RU")
    try:
        receipt = phone.new_page()
        receipt.goto(link)
        expect(receipt.locator("#receipt-title")).to_have_text("Квитанция об оплате ЖКУ")
        visit(receipt, "receipt-phone")
    finally:
        phone.close()


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


def registration(page: Page, url: str, visit: Visit) -> None:
    """«Зарегистрироваться» from the start page: the demo ЕСИА's form, nothing typed yet."""
    page.goto(url + "/")
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.get_by_role("heading", name="Регистрация", exact=True)).to_be_visible()
    visit(page, "esia-register")


def other_states(page: Page, url: str, visit: Visit) -> None:
    """The empty notice, the issuer's 3-D Secure step and the wallet page (each payment then declined
    or cancelled, so the account stays payable for the next tour)."""
    sign_in(page, url, LOGIN["sidorov"].phone)
    accept_agreement_if_asked(page)
    page.get_by_role("button", name="Крупный шрифт").click()
    expect(page.get_by_role("button", name="Крупный шрифт")).to_have_attribute("aria-pressed", "true")
    visit(page, "cabinet-large-text")
    page.get_by_role("button", name="Крупный шрифт").click()
    expect(page.get_by_role("button", name="Крупный шрифт")).to_have_attribute("aria-pressed", "false")
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    expect(page.locator("#no-charges-notice")).to_be_visible()
    visit(page, "pay-empty")
    _method_page_of(page, url, 2)
    page.locator("#pay-card").click()
    _card(page, "4000 0027 6000 3184")  # the issuer asks for 3-D Secure
    page.get_by_role("button", name="Оплатить").click()
    expect(page.get_by_role("heading", name="Подтверждение платежа")).to_be_visible()
    visit(page, "gateway-3ds")
    page.locator("#code").fill("000000")  # a wrong code: the payment is declined, nothing is held
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.locator("#payment-not-charged")).to_be_visible(timeout=15_000)
    _method_page_of(page, url, 2)
    page.locator("#pay-wallet").click()
    expect(page.locator("#phone")).to_be_visible()
    visit(page, "gateway-wallet")
    page.get_by_role("button", name="Отменить оплату").click()
    expect(page.locator("#payment-status")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()


def connection_lost(page: Page, url: str, visit: Visit) -> None:
    """The websocket lost (the kiosk's network gone): the Russian «Нет связи с сервером»."""
    page.goto(url + "/")
    expect(page.locator("#start-title")).to_be_visible()
    page.context.set_offline(True)
    expect(page.locator("#connection-lost")).to_be_visible(timeout=30_000)
    visit(page, "connection-lost")
    page.context.set_offline(False)
    expect(page.locator("#connection-lost")).to_have_count(0, timeout=30_000)


def refused_sign_in(page: Page, url: str, visit: Visit) -> None:
    """The demo ЕСИА facing a link that would send the code elsewhere: an error, no form, no redirect."""
    page.goto(url + "/esia/login?" + urlencode({
        "client_id": "gkh-web-kiosk", "redirect_uri": "https://evil.example/auth/callback", "state": "x",
        "code_challenge": "A" * 43, "code_challenge_method": "S256", "response_type": "code"}))
    expect(page.locator("#esia-request-error")).to_be_visible()
    visit(page, "esia-refused")


def idle_prompts(page: Page, url: str, visit: Visit) -> None:
    """«Вы ещё здесь?» in the cabinet and on the sandbox gateway's page (idle shortened for the picture)."""
    page.clock.install()  # the app's guard runs on Reflex's own timers: the page's clock is moved on
    page.add_init_script("window.gkhKioskConfig = {idleSeconds: 3, countdownSeconds: 60};")  # the sandbox page's
    sign_in(page, url, LOGIN["sidorov"].phone)
    accept_agreement_if_asked(page)
    page.clock.fast_forward(121_000)
    expect(page.get_by_role("alertdialog")).to_be_visible(timeout=10_000)
    visit(page, "kiosk-idle")
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
    visit(page, "gateway-idle")
    page.get_by_role("button", name="Выйти").click()  # the session ends and the payment is cancelled
    expect(page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
