"""Nothing left on the kiosk, and the ГОСТ QR code of a payment document (issue 13 §2–§3), in Chromium.

The app is served as a kiosk (``GKH_KIOSK=1``, with a printer). The QR codes are read from what the
browser drew — an element's screenshot through zbarimg — not from the page's data.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from gkh_web.db.engine import create_engine_for
from gkh_web.domain.qr import parse_gost_56042_payload
from gkh_web.domain.receipt_link import sign_receipt_token
from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_UNLINKED_ACCOUNTS
from gkh_web.services.payments.document_sheet import document_sheet
from tests.browser.flows import open_amount_list, open_documents, pay_other_account_to_method_picker, sign_in_to_cabinet
from tests.browser.server import ServedApp, serve_app
from tests.db.test_payments import resident
from tests.qr_decode import decode_qr
from tests.served import KIOSK, PHONE

pytestmark = pytest.mark.browser
LOGIN = {login.key: login for login in DEMO_LOGINS}
LINK_KEY = "a-receipt-link-key-for-the-browser-tests"


@pytest.fixture(scope="module")
def kiosk_app(tmp_path_factory) -> Iterator[ServedApp]:
    env = {"GKH_KIOSK": "1", "GKH_KIOSK_PRINTER": "1", "GKH_RECEIPT_LINK_SECRET": LINK_KEY}
    with serve_app(Path(tmp_path_factory.mktemp("kiosk")), extra_env=env) as app:
        yield app


@pytest.fixture
def kiosk(browser) -> Iterator[Page]:
    context = browser.new_context(viewport=KIOSK, locale="ru-RU")
    yield context.new_page()
    context.close()


def _paid(page: Page, app: ServedApp, account: int) -> None:
    """Petrova pays one of the demo's unlinked accounts (each test its own: paying empties it) by МИР card."""
    pay_other_account_to_method_picker(page, app.url, DEMO_UNLINKED_ACCOUNTS[account].izhku, LOGIN["petrova"].phone)
    page.locator("#pay-card").click()
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    page.locator("#card_number").fill("2202 4743 0132 2987")
    page.locator("#expiry").fill("12/30")
    page.locator("#cvc").fill("123")
    page.get_by_role("button", name="Оплатить").click()
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)


def test_the_kiosk_offers_no_file_but_a_qr_code_the_phone_opens(kiosk_app, kiosk, browser):
    _paid(kiosk, kiosk_app, 0)
    expect(kiosk.locator("#receipt-download")).to_have_count(0)
    expect(kiosk.get_by_role("heading", name="Квитанция на телефоне")).to_be_visible()
    expect(kiosk.get_by_role("img", name=re.compile("QR-код"))).to_be_visible()
    number = kiosk.locator("#receipt-number").inner_text()
    total = kiosk.locator("#receipt-total").inner_text()
    link = decode_qr(kiosk.locator("#receipt-qr").screenshot())
    assert re.fullmatch(re.escape(kiosk_app.url) + r"/receipt/[0-9a-f]{32}\.\d{10}\.[\w-]{22}", link), link

    phone = browser.new_context(viewport=PHONE, locale="ru-RU")  # the resident's phone: nobody signed in there
    try:
        page = phone.new_page()
        page.goto(link)
        expect(page.locator("#receipt-title")).to_have_text("Квитанция об оплате ЖКУ")
        expect(page.locator("#receipt-number")).to_have_text(number)
        expect(page.locator("#receipt-total")).to_have_text(total)
        expect(page.locator(".receipt-item")).to_have_count(1)
        expect(page.locator("#receipt-method")).to_contain_text("МИР •••• 2987")
        assert "2202474301322987" not in page.content().replace(" ", "")
        with page.expect_download() as download:
            page.locator("#receipt-pdf").click()
        assert download.value.path().read_bytes().startswith(b"%PDF")
        assert phone.cookies() == []  # opened without signing in, and nothing kept

        public_id, expiry, signature = link.rsplit("/", 1)[1].split(".")
        flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
        page.goto(f"{kiosk_app.url}/receipt/{public_id}.{expiry}.{flipped}")
        expect(page.locator("#receipt-refused")).to_contain_text("Ссылка на квитанцию неверна")
        expect(page.locator("#receipt-number")).to_have_count(0)
        expired = sign_receipt_token(public_id, int(time.time()) - 1, LINK_KEY)  # what a link is 15 minutes later
        page.goto(f"{kiosk_app.url}/receipt/{expired}")
        expect(page.locator("#receipt-refused")).to_contain_text("Срок действия ссылки на квитанцию истёк")
        assert httpx.get(f"{kiosk_app.url}/receipt/{expired}/pdf").status_code == 410
    finally:
        phone.close()


def test_printing_leaves_only_the_receipt(kiosk_app, kiosk):
    _paid(kiosk, kiosk_app, 2)
    expect(kiosk.locator("#receipt-print")).to_be_visible()
    kiosk.emulate_media(media="print")
    expect(kiosk.locator("header")).to_be_hidden()
    expect(kiosk.locator("#receipt-print")).to_be_hidden()
    expect(kiosk.locator("#receipt-qr")).to_be_hidden()  # a 15-minute link is no use on paper
    expect(kiosk.locator("#receipt-total")).to_be_visible()
    expect(kiosk.locator(".receipt-recipient")).to_be_visible()


def test_the_document_qr_code_reads_back_to_its_payload(kiosk_app, kiosk):
    page = kiosk
    sign_in_to_cabinet(page, kiosk_app.url, LOGIN["ivanov"].phone)
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    open_amount_list(page)
    account = page.locator(".payable-account").first
    open_documents(account)
    row = account.locator(".payment-document").filter(has=page.locator(".document-amount")).first  # one to pay
    document_id = int(row.get_attribute("data-document-id"))
    row.locator(".services-toggle").click()
    row.locator(".document-sheet-open").click()
    expect(page).to_have_url(re.compile(r"/pay/document\?ref=[\w-]{20,}$"))
    assert str(document_id) not in page.url.split("ref=")[1]
    expect(page.locator("#document-qr svg")).to_be_visible()

    engine = create_engine_for(kiosk_app.database_url)
    try:
        with Session(engine) as session:
            sheet = document_sheet(session, document_id, resident_id=resident(session, "ivanov"))
    finally:
        engine.dispose()
    payload = decode_qr(page.locator("#document-qr").screenshot())
    assert payload == sheet.qr_payload
    assert parse_gost_56042_payload(payload)["Sum"] == str(sheet.due_kopecks)
    expect(page.locator("#document-ipd")).to_have_text(sheet.ipd)
    expect(page.locator("#document-due")).to_have_text(sheet.due_text)
    expect(page.locator(".services-table tbody tr")).to_have_count(len(sheet.services.lines))

    address = page.url
    page.emulate_media(media="print")
    expect(page.locator("#document-print")).to_be_hidden()
    expect(page.locator("#document-qr")).to_be_visible()  # the paper keeps its code
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    sign_in_to_cabinet(page, kiosk_app.url, LOGIN["sidorov"].phone)  # the next resident at the kiosk
    page.goto(address)
    expect(page.locator("#document-gone")).to_be_visible()
    expect(page.locator("#document-ipd")).to_have_count(0)


def test_someone_elses_account_offers_no_document_view(kiosk_app, kiosk):
    page = kiosk
    sign_in_to_cabinet(page, kiosk_app.url, LOGIN["sidorov"].phone)
    page.get_by_role("link", name="Оплатить по другому лицевому счёту").click()
    page.locator("#other-identifier").fill(DEMO_UNLINKED_ACCOUNTS[1].izhku)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name="Перейти к оплате").click()
    open_amount_list(page)
    open_documents(page.locator(".payable-account").first)
    expect(page.locator(".payment-document").first).to_be_visible()
    expect(page.locator(".services-toggle")).to_have_count(0)
    expect(page.locator(".document-sheet-open")).to_have_count(0)
