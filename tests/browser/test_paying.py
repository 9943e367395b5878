"""Paying through the sandbox gateway, as a resident at the kiosk."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from gkh_web.domain.commission import CommissionRate, commission_kopecks
from gkh_web.domain.money import format_rubles, parse_rubles
from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_UNLINKED_ACCOUNTS
from tests.browser.flows import (
    accessibility_violation_ids,
    open_amount_list,
    open_documents,
    pay_other_account_to_method_picker,
    serious_accessibility_violations,
    sign_in_to_cabinet,
)

pytestmark = pytest.mark.browser
LOGIN = {login.key: login for login in DEMO_LOGINS}
CARD_RATE = CommissionRate(100, 1000)
"""The sandbox's demo card commission (``sandbox_gateway.config``): 1 %, at least 10 ₽."""
NBSP = "\u00a0"


def _card_charge(page: Page) -> tuple[str, str]:
    """(commission, sum + commission) of a card for the sum the method page shows, by the domain's rule."""
    amount = parse_rubles(page.locator("#method-total").inner_text())
    commission = commission_kopecks(amount, CARD_RATE)
    return format_rubles(commission), format_rubles(amount + commission)


def _one_thing_per_page(page: Page) -> None:
    """One h1, and axe finds neither a missing/extra h1 nor low contrast, nor anything serious."""
    expect(page.locator("h1")).to_have_count(1)
    assert not {"page-has-heading-one", "color-contrast"} & accessibility_violation_ids(page)
    assert serious_accessibility_violations(page) == []


def _to_method_picker(page: Page, base_url: str, account) -> None:
    """Pay another (unlinked) account, so other tests keep their demo amounts."""
    pay_other_account_to_method_picker(page, base_url, account.izhku, LOGIN["petrova"].phone)


def _card_page(page: Page, number: str) -> None:
    page.locator("#pay-card").click()
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    _card_form(page, number)


def _card_form(page: Page, number: str) -> None:
    page.locator("#card_number").fill(number)
    page.locator("#expiry").fill("12/30")
    page.locator("#cvc").fill("123")
    page.get_by_role("button", name="Оплатить").click()


def test_a_decline_then_a_retry_by_card_pays_once(served_app, kiosk_page):
    page = kiosk_page
    account = DEMO_UNLINKED_ACCOUNTS[2]
    _to_method_picker(page, served_app.url, account)
    commission, charged = _card_charge(page)
    expect(page.locator("#card-commission")).to_have_text(f"Комиссия: {commission} (1{NBSP}%, не менее 10,00{NBSP}₽)")
    expect(page.locator("#card-charged")).to_have_text(f"Итого с комиссией: {charged}")
    expect(page.locator("#wallet-commission")).to_have_text(f"Комиссия: 0,00{NBSP}₽ — без комиссии")
    page.locator("#pay-card").click()
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    expect(page.locator("#sum-commission")).to_have_text(commission)  # the gateway charges exactly that
    expect(page.locator("#sum-total")).to_have_text(charged)
    _card_form(page, "4000000000009995")  # sandbox: insufficient funds
    expect(page).to_have_url(re.compile(r"/pay/result\?payment="), timeout=15_000)
    expect(page.locator("#payment-status")).to_have_text("Платёж отклонён", timeout=15_000)
    expect(page.locator("#payment-reason")).to_have_text("Отклонено банком: недостаточно средств")
    expect(page.locator("#payment-not-charged")).to_have_text(f"Деньги не списаны — сумма {charged} осталась у вас.")
    expect(page.get_by_text("Квитанция об оплате")).to_have_count(0)
    expect(page.locator("#receipt-download")).to_have_count(0)
    _one_thing_per_page(page)
    page.get_by_role("link", name="Попробовать снова").click()
    page.goto(served_app.url + "/pay/other")
    page.locator("#other-identifier").fill(account.izhku)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name="Перейти к оплате").click()
    expect(page.locator(".payable-account")).to_have_count(1)
    page.locator("#pay-next").click()
    page.get_by_role("button", name="Оплатить").click()
    expect(page.locator("#card-charged")).to_have_text(f"Итого с комиссией: {charged}")
    _card_page(page, "4242 4242 4242 4242")
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    expect(page.get_by_role("heading", name="Квитанция об оплате")).to_be_visible()
    expect(page.locator("#receipt-commission")).to_have_text(commission)
    expect(page.locator("#receipt-total")).to_have_text(charged)
    _one_thing_per_page(page)
    expect(page.locator(".receipt-item")).to_have_count(1)
    expect(page.locator("#receipt-card")).to_contain_text("4242")
    expect(page.locator(".receipt-recipient")).to_contain_text("ИНН")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Скачать квитанцию (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert " ".join(page.locator("#receipt-total").inner_text().split()) in pdf_text.replace("\u00a0", " ")
    assert f"Комиссия: {commission}".replace(NBSP, " ") in pdf_text.replace(NBSP, " ")
    page.reload()  # a refresh of the result page shows the same outcome and pays nothing again
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    # The document is paid: the same account now has nothing to pay.
    page.goto(served_app.url + "/pay/other")
    page.locator("#other-identifier").fill(account.izhku)
    page.get_by_role("button", name="Найти").click()
    expect(page.locator(".other-due")).to_have_text("0,00\u00a0₽")
    page.get_by_role("link", name="Перейти к оплате").click()
    expect(page.locator("#no-charges-notice")).to_have_text(
        "В системе отсутствует информация о неоплаченных начислениях за ЖКУ")
    page.goto(served_app.url + "/payments")
    expect(page.locator(".history-payment")).to_have_count(2)
    expect(page.locator(".history-status").first).to_have_text("Оплачено")
    expect(page.locator(".history-charged").first).to_have_text(charged)
    expect(page.locator(".history-commission").first).to_have_text(f"в т. ч. комиссия {commission}")
    expect(page.locator(".history-status").nth(1)).to_have_text("Платёж отклонён")
    expect(page.locator(".history-reason").first).to_have_text("Отклонено банком: недостаточно средств")


def _payments_for_document_of(served_app, account_number: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(served_app.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "select count(distinct payment_item.payment_id) from payment_item "
                "join personal_account on personal_account.id = payment_item.personal_account_id "
                "where personal_account.number = :number"), {"number": account_number}).scalar_one()
    finally:
        engine.dispose()


def test_pay_by_wallet_registered_on_the_spot(served_app, kiosk_page):
    page = kiosk_page
    _to_method_picker(page, served_app.url, DEMO_UNLINKED_ACCOUNTS[1])
    total = page.locator("#method-total").inner_text()
    expect(page.locator("#wallet-charged")).to_have_text(f"Итого с комиссией: {total}")
    page.locator("#pay-wallet").click()
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    expect(page.locator("#sum-total")).to_have_text(total)
    page.locator("#phone").fill("+7 903 555-88-88")
    page.locator("#code").fill("0000")
    page.get_by_role("button", name="Оплатить").click()
    page.get_by_role("button", name=re.compile("Создать кошелёк")).click()
    if page.locator("#code").count():
        page.locator("#code").fill("0000")
        page.get_by_role("button", name="Оплатить").click()
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    expect(page.locator("#receipt-card")).to_contain_text("Виртуальный мир")
    expect(page.locator("#receipt-commission")).to_have_text(f"0,00{NBSP}₽ — без комиссии")
    expect(page.locator("#receipt-total")).to_have_text(total)


def test_triple_tap_and_a_second_kiosk_make_one_payment(served_app, browser, console):
    from gkh_web.services.data.demo_data import DEMO_ACCOUNT_TO_LINK
    from tests.browser.conftest import open_page

    first, second = open_page(browser, console), open_page(browser, console)
    try:
        _to_method_picker(first, served_app.url, DEMO_ACCOUNT_TO_LINK)
        first.locator("#pay-card").click(click_count=3)
        expect(first).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
        assert _payments_for_document_of(served_app, DEMO_ACCOUNT_TO_LINK.number) == 1
        # Another kiosk sees the document as being paid and cannot select it.
        sign_in_to_cabinet(second, served_app.url, LOGIN["sidorov"].phone)
        second.goto(served_app.url + "/pay/other")
        second.locator("#other-identifier").fill(DEMO_ACCOUNT_TO_LINK.izhku)
        second.get_by_role("button", name="Найти").click()
        second.get_by_role("link", name="Перейти к оплате").click()
        account = second.locator(".payable-account")
        expect(account).to_have_count(1)
        open_amount_list(second)
        open_documents(account)
        expect(account.locator(".document-status").first).to_have_text("Платёж в обработке")
        expect(second.locator("#pay-next")).to_be_disabled()
        assert DEMO_ACCOUNT_TO_LINK.payer.split()[0] not in second.content()
        assert _payments_for_document_of(served_app, DEMO_ACCOUNT_TO_LINK.number) == 1
        # The first kiosk pays with a card whose outcome the gateway keeps open: «обрабатывается».
        first.locator("#card_number").fill("4000 0099 0000 0046")
        first.locator("#expiry").fill("12/30")
        first.locator("#cvc").fill("123")
        first.get_by_role("button", name="Оплатить").click()
        expect(first.locator("#payment-status")).to_have_text("Ожидает оплаты", timeout=15_000)
        expect(first.locator("#payment-pending-text")).to_contain_text("нажмите «Продолжить оплату»")
        expect(first.get_by_text("повторно")).to_have_count(0)
        expect(first.get_by_role("link", name="Попробовать снова")).to_have_count(0)
        _one_thing_per_page(first)
        first.locator("#payment-history").click()  # the same name in «Мои платежи»
        expect(first.locator(".history-status").first).to_have_text("Ожидает оплаты")
    finally:
        first.context.close()
        second.context.close()


def test_no_card_number_reaches_the_server_log_or_the_databases(served_app):
    """Runs after the payments above: the PANs typed on the gateway's page are nowhere on our side."""
    import sqlalchemy as sa

    numbers = ("4000000000009995", "4242424242424242", "2202474301322987")
    log_text = served_app.log.read_text(errors="replace").replace(" ", "")
    assert not [number for number in numbers if number in log_text]
    for url in (served_app.database_url, served_app.env["GKH_SANDBOX_DATABASE_URL"]):
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                for table in sa.inspect(connection).get_table_names():
                    for row in connection.execute(sa.text(f'select * from "{table}"')):
                        text = " ".join(str(value) for value in row).replace(" ", "")
                        assert not [number for number in numbers if number in text], table
        finally:
            engine.dispose()


def test_3d_secure_with_a_wrong_code_is_declined_and_pays_nothing(served_app, kiosk_page):
    page = kiosk_page
    account = DEMO_UNLINKED_ACCOUNTS[0]
    _to_method_picker(page, served_app.url, account)
    _card_page(page, "4000 0027 6000 3184")  # sandbox: asks for a 3-D Secure code
    page.locator("#code").fill("000000")
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.locator("#payment-reason")).to_contain_text("3-D Secure", timeout=15_000)
    expect(page.get_by_role("link", name="Попробовать снова")).to_be_visible()
    page.goto(served_app.url + "/pay/other")
    page.locator("#other-identifier").fill(account.izhku)
    page.get_by_role("button", name="Найти").click()
    expect(page.locator(".other-due")).not_to_have_text("0,00\u00a0₽")
