"""The receipt by e-mail, as a resident at the kiosk gets it: the address on the confirmation (changed,
checked at the field), the payment, the letter with the PDF in the embedded SMTP sink, «Мои платежи»
saying it was sent, and ``/demo/outbox`` showing it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from gkh_web.mail_sink import store
from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_UNLINKED_ACCOUNTS
from tests.browser.flows import open_amount_list, open_documents, pay_on_card_page, sign_in_to_cabinet
from tests.browser.server import ServedApp, serve_app
from tests.browser.tour import receipt_sent

pytestmark = pytest.mark.browser
LOGIN = {login.key: login for login in DEMO_LOGINS}
NEW_ADDRESS = "kvitanciya.test@example.ru"


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[ServedApp]:
    """A database of its own: other tests pay this unlinked account in full, which would leave nothing here."""
    with serve_app(Path(tmp_path_factory.mktemp("receipt_mail"))) as app:
        yield app


def _partial_payment_to_confirmation(page: Page, url: str) -> None:
    """One rouble of each document of an unlinked account: the account stays payable for the other tests."""
    sign_in_to_cabinet(page, url, LOGIN["sidorov"].phone)
    page.get_by_role("link", name="Оплатить по другому лицевому счёту").click()
    page.locator("#other-identifier").fill(DEMO_UNLINKED_ACCOUNTS[2].izhku)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name="Перейти к оплате").click()
    open_amount_list(page)
    account = page.locator(".payable-account").first
    open_documents(account)
    for field in account.locator(".document-amount input").all():
        field.fill("1,00")
    expect(page.locator("#pay-next")).to_be_enabled()
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()


def test_paying_on_the_kiosk_sends_the_receipt_with_the_pdf_to_the_sink(own_app, kiosk_page):
    page, url = kiosk_page, own_app.url
    _partial_payment_to_confirmation(page, url)
    expect(page.locator("#receipt-email")).to_have_value(LOGIN["sidorov"].email.lower())
    expect(page.locator("#receipt-email-line")).to_have_text(
        f"Квитанция будет отправлена на {LOGIN['sidorov'].email.lower()}")

    page.locator("#receipt-email").fill("ivanov@@example")  # a mistake: the message at the field, no step on
    page.locator("#confirm-pay").click()
    expect(page.locator("#receipt-email-error")).to_be_visible()
    expect(page.locator("#receipt-email-line")).to_have_count(0)
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()

    page.locator("#receipt-email").fill(NEW_ADDRESS)
    page.locator("#confirm-pay").click()
    expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()
    page.locator("#pay-card").click()
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    pay_on_card_page(page, "2202 4743 0132 2987")
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    number = page.locator("#receipt-number").inner_text()
    expect(page.locator("#receipt-mail-status")).to_contain_text(NEW_ADDRESS)

    receipt_sent(page, url)
    expect(page.locator(".history-mail").first).to_have_text(f"Квитанция отправлена на {NEW_ADDRESS}")

    # The letter in the sink: the subject, the address, the PDF of this payment, no card number.
    letters = [letter for letter in store.letters(Path(own_app.env["GKH_SMTP_SINK_DIR"]))
               if letter.subject == f"Квитанция об оплате ЖКУ № {number}"]
    assert len(letters) == 1, [letter.subject for letter in store.letters(Path(own_app.env["GKH_SMTP_SINK_DIR"]))]
    (letter,) = letters
    assert letter.to == NEW_ADDRESS and "МИР •••• 2987" in letter.text and "2202 4743" not in letter.text
    assert [attachment.filename for attachment in letter.attachments] == [f"kvitanciya-{number}.pdf"]

    # …and on /demo/outbox: the list, the letter, its PDF.
    page.goto(url + "/demo/outbox")
    row = page.locator(".outbox-letter").filter(has_text=number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(NEW_ADDRESS)
    expect(row).to_contain_text(f"kvitanciya-{number}.pdf")
    row.locator("a").click()
    expect(page.locator("#letter-subject")).to_have_text(f"Квитанция об оплате ЖКУ №\u00a0{number}")
    expect(page.locator("#letter-to")).to_have_text(NEW_ADDRESS)
    expect(page.locator("#letter-text")).to_contain_text(f"Платёж {number}")
    with page.expect_download() as download_info:
        page.locator("#letter-attachments a").first.click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and "Квитанция об оплате" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
