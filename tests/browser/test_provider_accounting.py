"""«Оплачено» and «учтено» on screen (issue 13 §4): a resident pays; the cabinet, the payment page and
«Мои платежи» say the payment awaits the provider; the provider exports the notice and imports its
answer with the `gkh` commands; the same pages then say «Учтено организацией» with the provider's date."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from gkh_web.services.data.demo_data import DEMO_LOGINS
from tests.browser.flows import open_amount_list, open_documents, sign_in_to_cabinet
from tests.browser.server import BIN, ServedApp, serve_app
from tests.served import KIOSK, open_page

pytestmark = pytest.mark.browser
IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")
AWAITING = "Оплачен, ожидает учёта поставщиком"


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[ServedApp]:
    """A database of its own: one of Иванов's documents is paid here."""
    with serve_app(Path(tmp_path_factory.mktemp("accounting"))) as app:
        yield app


def _gkh(app: ServedApp, *args: str) -> str:
    done = subprocess.run([str(BIN / "gkh"), *args], env={**os.environ, "GKH_DATABASE_URL": app.database_url},
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def _pay_one_document(page: Page, base_url: str) -> tuple[str, str]:
    """Иванов pays the newest unpaid document of his first account by card, nothing else;
    returns (account number, document number)."""
    sign_in_to_cabinet(page, base_url, IVANOV.phone)
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    open_amount_list(page)
    accounts = page.locator(".payable-account")
    first = accounts.first
    number = first.locator(".account-number").inner_text().split("№")[-1].strip()
    for index in range(1, accounts.count()):
        accounts.nth(index).locator(".account-check").click()
    open_documents(first)
    rows = first.locator(".payment-document").filter(has=page.locator(".document-check:not([disabled])"))
    document = rows.first.locator(".document-number").inner_text().split("№")[-1].strip()
    for index in range(1, rows.count()):
        rows.nth(index).locator(".document-check").click()
    page.locator("#pay-next").click()
    expect(page.locator(".confirmed-item")).to_have_count(1)
    page.get_by_role("button", name="Оплатить").click()
    page.locator("#pay-card").click()
    page.locator("#card_number").fill("2202 4743 0132 2987")
    page.locator("#expiry").fill("12/30")
    page.locator("#cvc").fill("123")
    page.get_by_role("button", name="Оплатить").click()
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    return number, document


def _status_on_the_payment_page(page: Page, base_url: str, account_number: str, document_number: str):
    page.goto(base_url + "/pay")
    open_amount_list(page)
    account = page.locator(".payable-account").filter(has_text=account_number)
    open_documents(account)
    return account.locator(".payment-document").filter(has_text=document_number).locator(".document-status")


def _provider_inn(app: ServedApp, account_number: str) -> str:
    engine = sa.create_engine(app.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "select p.inn from personal_account a join provider_organisation p on p.id = a.provider_id "
                "where a.number = :number"), {"number": account_number}).scalar_one()
    finally:
        engine.dispose()


def test_paid_awaits_the_provider_then_is_accounted_on_every_page(own_app, browser, console, tmp_path):
    page = open_page(browser, console, KIOSK)
    try:
        number, document = _pay_one_document(page, own_app.url)
        expect(_status_on_the_payment_page(page, own_app.url, number, document)).to_have_text(AWAITING)
        page.goto(own_app.url + "/cabinet")
        card = page.locator(".linked-account").filter(has_text=number)
        expect(card.locator(".account-awaiting")).to_have_text("Оплата ожидает учёта поставщиком")
        page.goto(own_app.url + "/payments")
        lines = page.locator(".history-accounting")
        expect(lines.first).to_contain_text(AWAITING)
        paid = lines.count()

        inn = _provider_inn(own_app, number)
        notices_file, answers_file = tmp_path / "notices.json", tmp_path / "answers.json"
        assert "Выгружено уведомлений" in _gkh(own_app, "export", "notices", "--provider", inn, str(notices_file))
        exported = json.loads(notices_file.read_text(encoding="utf-8"))["notices"]
        assert len(exported) == paid and all(notice["account_number"] == number for notice in exported)
        answers_file.write_text(json.dumps({
            "format": "gkh.reconciliation", "version": 1, "provider_inn": inn,
            "results": [{"notice_id": notice["notice_id"], "outcome": "accounted", "date": "2026-12-03"}
                        for notice in exported]}, ensure_ascii=False), encoding="utf-8")
        assert f"Записано ответов: {paid}" in _gkh(own_app, "import", "reconciliation", str(answers_file))

        page.goto(own_app.url + "/payments")
        expect(page.locator(".history-accounting").first).to_contain_text("Учтено организацией 3 декабря 2026 г.")
        assert not any(AWAITING in text for text in page.locator(".history-accounting").all_inner_texts())
        page.goto(own_app.url + "/cabinet")
        expect(page.locator(".linked-account").filter(has_text=number).locator(".account-awaiting")).to_have_count(0)
        expect(_status_on_the_payment_page(page, own_app.url, number, document)).to_have_text(
            "Учтено организацией 3 декабря 2026 г.")
    finally:
        page.context.close()
