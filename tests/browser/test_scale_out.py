"""One resident's tab served by two backend processes sharing Redis and PostgreSQL.

Runs on the scaled-out deployment of the browser suite (two backends behind
``WebsocketBalancer``): every reload opens a new websocket, and the test pins
each one to a chosen backend, so the steps of one payment alternate between
processes. The page must look as if one server had served it all.
"""

from __future__ import annotations

import re
import time

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from gkh_web.domain.money import format_rubles, parse_rubles
from gkh_web.services.data.demo_data import DEMO_LOGINS
from tests.browser.flows import open_amount_list, pay_on_card_page, sign_in_to_cabinet
from tests.browser.test_payment_page import _account_sum, _expect_total, _total

pytestmark = pytest.mark.browser
IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")


def _reload_on(page: Page, served_app, backend: int) -> None:
    """Reload the tab with its new websocket on ``backend`` and check that it went there."""
    balancer = served_app.balancer
    seen = len(balancer.websockets)
    balancer.pin_next_websocket(backend)
    page.reload()
    for _ in range(100):  # the new websocket opens once the page's scripts run
        if len(balancer.websockets) > seen:
            break
        page.wait_for_timeout(50)
    assert balancer.websockets[seen].backend == backend


def _require_two_backends(served_app) -> None:
    if served_app.balancer is None:
        pytest.skip("only on the PostgreSQL + Redis deployment with two backends")


def test_both_backends_report_postgres_and_redis_healthy(served_app):
    _require_two_backends(served_app)
    for port in served_app.balancer.backend_ports:
        health = httpx.get(f"http://127.0.0.1:{port}/_health", timeout=10).json()
        assert health == {"status": True, "db": True, "redis": True}, health


def test_the_reconciler_runs_in_one_worker_of_all_backends(served_app):
    """Three worker processes (two in the first backend, one in the second) start the reconciler;
    the lease shows one of them holding it, renewing it every round, the others never taking it."""
    _require_two_backends(served_app)
    import psutil

    workers = {child.pid for backend in served_app.backends
               for child in psutil.Process(backend.pid).children(recursive=True)} | {b.pid for b in served_app.backends}
    engine = sa.create_engine(served_app.database_url)
    seen = []
    try:
        deadline = time.monotonic() + 30  # the first round starts 5 s after a worker starts
        while len(seen) < 8 and time.monotonic() < deadline:  # then four rounds of the 2-second interval
            with engine.connect() as connection:
                row = connection.execute(sa.text(
                    "select holder, expires_at from background_lease where name = 'payment-reconciler'")).first()
            if row:
                seen.append(tuple(row))
            time.sleep(1)
    finally:
        engine.dispose()
    assert len(seen) == 8
    holders = {holder for holder, _ in seen}
    assert len(holders) == 1, holders
    assert int(holders.pop().split(":")[1]) in workers
    assert len({expires for _, expires in seen}) >= 3, "the holder renews the lease every round"


def test_one_payment_walked_across_two_backends_stays_consistent(served_app, kiosk_page):
    _require_two_backends(served_app)
    page = kiosk_page
    sign_in_to_cabinet(page, served_app.url, IVANOV.phone)
    accounts_text = page.locator(".linked-account").all_inner_texts()
    assert len(accounts_text) == 3

    for backend in (1, 0):  # the signed-in session lives in Redis, not in a process
        _reload_on(page, served_app, backend)
        expect(page.locator("#resident-name")).to_have_text(IVANOV.fio)
        expect(page.locator(".linked-account")).to_have_count(3)
        assert page.locator(".linked-account").all_inner_texts() == accounts_text

    page.get_by_role("link", name="Оплатить ЖКУ").click()  # same websocket: backend 0
    expect(page.get_by_role("heading", name="Оплата жилищно-коммунальных услуг")).to_be_visible()
    open_amount_list(page)
    total = _total(page)
    first = page.locator(".payable-account").first
    first_sum = _account_sum(first)
    first.locator(".account-check").click()
    _expect_total(page, total - first_sum)
    expect(first.locator(".account-check")).not_to_be_checked()  # the server's answer, not only pay.js
    chosen = total - first_sum

    _reload_on(page, served_app, 1)  # the selection made on backend 0, shown by backend 1
    open_amount_list(page)
    expect(page.locator(".payable-account").first.locator(".account-check")).not_to_be_checked()
    _expect_total(page, chosen)
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()

    _reload_on(page, served_app, 0)  # the step too
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    page.get_by_role("button", name="Оплатить").click()
    expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()

    served_app.balancer.pin_next_websocket(1)  # the gateway sends the payer back to /pay/result
    page.locator("#pay-card").click()
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    pay_on_card_page(page, "2202 4743 0132 2987")
    expect(page).to_have_url(re.compile(r"/pay/result\?payment="), timeout=15_000)
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    assert served_app.balancer.websockets[-1].backend == 1
    expect(page.locator("#receipt-amount")).to_contain_text(format_rubles(chosen))  # the documents' sum
    commission = parse_rubles(page.locator("#receipt-commission").inner_text())
    expect(page.locator("#receipt-total")).to_contain_text(format_rubles(chosen + commission))  # what was charged

    engine = sa.create_engine(served_app.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "select p.amount_kopecks + p.commission_kopecks, p.status from payment p "
                "join resident r on r.id = p.resident_id "
                "where r.snils = :snils"), {"snils": IVANOV.snils}).all()
    finally:
        engine.dispose()
    assert rows == [(chosen + commission, "succeeded")]
