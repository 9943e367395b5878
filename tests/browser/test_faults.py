"""Faults while residents pay, on real processes: the production build with two backend workers,
its own PostgreSQL cluster and Redis (restarted by the tests), and a proxy in front of the payment
gateway that the tests switch off, slow down or freeze.

Each case checks what the resident sees and what the databases hold: exactly the payments that
were made, each in its true final state — succeeded only where the gateway took the money, none
twice, none left open. One served app is shared (one build); the cases run in file order and each
pays documents no other case touches.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import psutil
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from gkh_web.services.data.demo_data import DEMO_ACCOUNT_TO_LINK, DEMO_LOGINS, DEMO_UNLINKED_ACCOUNTS
from tests.browser.conftest import open_page
from tests.browser.flows import open_amount_list, pay_other_account_to_method_picker, sign_in_to_cabinet
from tests.browser.private_services import (
    GatewayProxy,
    PrivatePostgres,
    PrivateRedis,
    live_children,
    missing_private_services,
    pid_of_client,
)
from tests.browser.server import ServedApp, _serve

pytestmark = pytest.mark.browser
LOGIN = {login.key: login for login in DEMO_LOGINS}
GATEWAY_TIMEOUT_S = 3
RECONCILE_EVERY_S = 2
SETTLE_S = 40
"""Longest wait for the reconciler to finish a payment (a few rounds, a Redis lock expiry)."""
PROCESSING = re.compile("^(Платёж обрабатывается|Ожидает оплаты)$")
"""An unfinished payment's one name, on the result page and in «Мои платежи» (submitted, then awaiting)."""


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> Iterator[tuple[ServedApp, PrivatePostgres, PrivateRedis, GatewayProxy]]:
    if not (os.environ.get("GKH_TEST_POSTGRES_URL") and os.environ.get("GKH_TEST_REDIS_URL")):
        pytest.skip("GKH_TEST_POSTGRES_URL / GKH_TEST_REDIS_URL не заданы: тесты отказов пропущены")
    if reason := missing_private_services():
        pytest.skip(reason)
    with ExitStack() as stack:
        postgres = PrivatePostgres()
        stack.callback(postgres.stop)
        postgres.start()
        redis = PrivateRedis()
        stack.callback(redis.stop)
        redis.start()
        proxy = GatewayProxy()
        stack.callback(proxy.down)
        proxy.up()
        # serve_app(postgres_url=…) drops its databases at the end through a connection that a
        # restart has cut; the private cluster is thrown away whole, so its databases are made here.
        database_url, sandbox_url = _create_databases(postgres.url, "gkh", "sandbox")
        app = stack.enter_context(_serve(
            tmp_path_factory.mktemp("faults"), database_url, sandbox_url,
            {
                "GKH_GATEWAY_URL": proxy.base_url(),
                "GKH_GATEWAY_TIMEOUT_SECONDS": str(GATEWAY_TIMEOUT_S),
                "GKH_RECONCILE_INTERVAL_SECONDS": str(RECONCILE_EVERY_S),
                "GKH_RECONCILE_STALE_AFTER_SECONDS": "3",
            },
            redis.url, 2, 1,  # two Granian workers sharing the tabs' state in Redis, one backend
        ))
        proxy.upstream_port = httpx.URL(app.url).port
        yield app, postgres, redis, proxy


def _create_databases(server_url: str, *names: str) -> list[str]:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return [sa.make_url(server_url).set(database=name).render_as_string(hide_password=False) for name in names]


# --- Steps --------------------------------------------------------------------------------------------


def _other_account_to_method(page: Page, url: str, account, payer: str = "petrova") -> None:
    pay_other_account_to_method_picker(page, url, account.izhku, LOGIN[payer].phone)


def _pay_on_gateway_page(page: Page, number: str = "4242 4242 4242 4242") -> None:
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"), timeout=15_000)
    page.locator("#card_number").fill(number)
    page.locator("#expiry").fill("12/30")
    page.locator("#cvc").fill("123")
    page.get_by_role("button", name="Оплатить").click()


def _expect_processing_then_continue(page: Page) -> None:
    """The result page says «обрабатывается», offers no retry, and — once the reconciler has learned
    the gateway's page — «Продолжить оплату», which the resident follows and pays."""
    expect(page).to_have_url(re.compile(r"/pay/result\?payment="), timeout=20_000)
    expect(page.locator("#payment-status")).to_contain_text(PROCESSING, timeout=15_000)
    expect(page.locator("#payment-retry")).to_have_count(0)
    expect(page.locator("#payment-continue")).to_be_visible(timeout=SETTLE_S * 1000)
    page.locator("#payment-continue").click()
    _pay_on_gateway_page(page)
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=20_000)


def _no_technical_text(page: Page) -> None:
    text = page.locator("body").inner_text()
    assert not re.search(r"error|exception|traceback|undefined", text, re.IGNORECASE), text[:500]


# --- The databases -----------------------------------------------------------------------------------


def _rows(url: str, sql: str, **params) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def _payments_of_account(app: ServedApp, account_number: str) -> list[tuple]:
    """(status, gateway id, idempotency key, amount charged (sum + commission), open items) of every
    payment touching the account."""
    return _rows(app.database_url, """
        select p.status, p.gateway_payment_id, p.idempotency_key, p.amount_kopecks + p.commission_kopecks,
               (select count(*) from payment_item o where o.payment_id = p.id and o.open is not null)
        from payment p
        where p.id in (select i.payment_id from payment_item i
                       join personal_account a on a.id = i.personal_account_id where a.number = :number)
        order by p.id""", number=account_number)


def _payments_of_resident(app: ServedApp, login_key: str) -> list[tuple]:
    return _rows(app.database_url, """
        select p.status, p.gateway_payment_id, p.idempotency_key, p.amount_kopecks + p.commission_kopecks,
               (select count(*) from payment_item o where o.payment_id = p.id and o.open is not null)
        from payment p join resident r on r.id = p.resident_id where r.snils = :snils order by p.id""",
                 snils=LOGIN[login_key].snils)


def _documents_sum(app: ServedApp, idempotency_key: str) -> int:
    """What the payment credits to its documents: its sum without the commission."""
    [(kopecks,)] = _rows(app.database_url, "select amount_kopecks from payment where idempotency_key = :key",
                         key=idempotency_key)
    return kopecks


def _at_gateway(app: ServedApp, idempotency_key: str) -> list[tuple]:
    """(id, status, amount) of the gateway's payments made with this key (the sandbox's own database)."""
    url = app.env["GKH_SANDBOX_DATABASE_URL"]
    engine = sa.create_engine(url)
    try:
        created = sa.inspect(engine).has_table("sandbox_payment")  # the sandbox makes its tables on first use
    finally:
        engine.dispose()
    if not created:
        return []
    return _rows(url, "select id, status, amount_kopecks from sandbox_payment where idempotence_key = :key",
                 key=idempotency_key)


def _assert_one_paid_payment(app: ServedApp, rows: list[tuple]) -> None:
    """Exactly one payment; succeeded here and at the gateway, same id and amount, nothing left open."""
    assert len(rows) == 1, rows
    status, gateway_id, key, amount, open_items = rows[0]
    assert (status, open_items) == ("succeeded", 0), rows
    assert _at_gateway(app, key) == [(gateway_id, "succeeded", amount)]


def _paid_kopecks(app: ServedApp, account_number: str) -> int:
    return _rows(app.database_url, """
        select coalesce(sum(d.paid_kopecks), 0) from payment_document d
        join personal_account a on a.id = d.personal_account_id where a.number = :number""",
                 number=account_number)[0][0]


def _events_by(app: ServedApp, idempotency_key: str) -> list[tuple]:
    return _rows(app.database_url, """
        select e.to_status, e.source from payment_event e join payment p on p.id = e.payment_id
        where p.idempotency_key = :key order by e.id""", key=idempotency_key)


# --- 1. The gateway down or slow ------------------------------------------------------------------------


def test_gateway_down_at_pay_ends_in_one_payment_once_it_is_back(faulty, browser, console):
    app, _postgres, _redis, proxy = faulty
    account = DEMO_UNLINKED_ACCOUNTS[0]
    paid_before = _paid_kopecks(app, account.number)
    page = open_page(browser, console)
    try:
        _other_account_to_method(page, app.url, account)
        proxy.down()  # connection refused: the create never reaches the gateway
        try:
            page.locator("#pay-card").click()
            expect(page).to_have_url(re.compile(r"/pay/result\?payment="), timeout=20_000)
            expect(page.locator("#payment-status")).to_contain_text(PROCESSING, timeout=15_000)
            expect(page.locator("#payment-retry")).to_have_count(0)
            _no_technical_text(page)
            time.sleep(3 * RECONCILE_EVERY_S)  # reconciler rounds while the gateway is down change nothing
            [(status, gateway_id, key, _amount, open_items)] = _payments_of_account(app, account.number)
            assert (status, gateway_id, open_items) == ("submitted", None, 1)
            assert _at_gateway(app, key) == []  # no money taken, nothing even created
        finally:
            proxy.up()
        _expect_processing_then_continue(page)  # the reconciler created it once with the same key
        rows = _payments_of_account(app, account.number)
        _assert_one_paid_payment(app, rows)
        assert ("awaiting_customer", "reconciler") in _events_by(app, rows[0][2])
        assert _paid_kopecks(app, account.number) == paid_before + _documents_sum(app, rows[0][2])  # not the commission
    finally:
        page.context.close()


def test_gateway_slower_than_our_timeout_shows_processing_and_is_finished(faulty, browser, console):
    app, _postgres, _redis, proxy = faulty
    account = DEMO_UNLINKED_ACCOUNTS[1]
    page = open_page(browser, console)
    try:
        _other_account_to_method(page, app.url, account)
        proxy.delay_next_create(GATEWAY_TIMEOUT_S + 4)  # the gateway creates it, after we stopped waiting
        started = time.monotonic()
        page.locator("#pay-card").click()
        expect(page).to_have_url(re.compile(r"/pay/result\?payment="), timeout=30_000)
        assert time.monotonic() - started < GATEWAY_TIMEOUT_S + 4 + 10
        expect(page.locator("#payment-status")).to_contain_text(PROCESSING, timeout=15_000)
        _no_technical_text(page)
        _expect_processing_then_continue(page)
        rows = _payments_of_account(app, account.number)
        _assert_one_paid_payment(app, rows)
        assert len(proxy.creates()) >= 2  # the late original and the reconciler's replay: one payment
    finally:
        page.context.close()


# --- 2. PostgreSQL restarted --------------------------------------------------------------------------


def test_postgres_restarted_on_the_confirmation_and_at_the_gateway(faulty, browser, console):
    app, postgres, _redis, _proxy = faulty
    account = DEMO_UNLINKED_ACCOUNTS[2]
    page = open_page(browser, console)
    try:
        sign_in_to_cabinet(page, app.url, LOGIN["petrova"].phone)
        page.get_by_role("link", name="Оплатить по другому лицевому счёту").click()
        page.locator("#other-identifier").fill(account.izhku)
        page.get_by_role("button", name="Найти").click()
        page.get_by_role("link", name="Перейти к оплате").click()
        page.locator("#pay-next").click()
        expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
        postgres.restart()  # every pooled connection of both workers is now dead
        page.get_by_role("button", name="Оплатить").click()
        expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()
        page.locator("#pay-card").click()
        expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"), timeout=15_000)
        postgres.restart()  # on the gateway's page, before the return
        _pay_on_gateway_page(page)
        expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=20_000)
        _no_technical_text(page)
        _assert_one_paid_payment(app, _payments_of_account(app, account.number))
    finally:
        page.context.close()
    postgres.restart()  # and once more between residents: the next one signs in and sees the cabinet
    page = open_page(browser, console)
    try:
        sign_in_to_cabinet(page, app.url, LOGIN["sidorov"].phone)
        expect(page.locator("#resident-name")).to_have_text(LOGIN["sidorov"].fio)
        page.goto(app.url + "/payments")
        expect(page.get_by_text("Платежей пока нет.")).to_be_visible(timeout=15_000)
    finally:
        page.context.close()


# --- 4. A backend worker killed mid-payment --------------------------------------------------------------


def test_worker_killed_while_the_gateway_create_is_in_flight(faulty, browser, console):
    app, _postgres, _redis, proxy = faulty
    page = open_page(browser, console)
    try:
        sign_in_to_cabinet(page, app.url, LOGIN["ivanov"].phone)
        page.get_by_role("link", name="Оплатить ЖКУ").click()
        open_amount_list(page)
        accounts = page.locator(".payable-account")
        expect(accounts).to_have_count(3)
        for index in (1, 2):  # pay the first account only; case 3 pays the rest
            accounts.nth(index).locator(".account-check").click()
        page.locator("#pay-next").click()
        page.get_by_role("button", name="Оплатить").click()
        expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()

        proxy.hold_next_create()
        page.locator("#pay-card").click()
        deadline = time.monotonic() + 15
        while not proxy.held and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proxy.held, "the create never reached the gateway proxy"
        [(status, _gid, _key, _amount, _open)] = _payments_of_resident(app, "ivanov")
        assert status == "submitted"  # committed before the HTTP call
        worker = pid_of_client(proxy.held[0].client_port, proxy.port)
        assert worker is not None
        supervisor = psutil.Process(worker).ppid()  # Granian's main process
        workers_before = set(live_children(supervisor))
        assert worker in workers_before and len(workers_before) == 2
        os.kill(worker, signal.SIGKILL)
        proxy.release(forward=True)  # the gateway creates the payment; its answer has nobody to go to

        # Granian starts a new worker; the server keeps serving.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            alive = set(live_children(supervisor))
            if len(alive) == 2 and worker not in alive:
                break
            time.sleep(0.2)
        assert len(alive) == 2 and worker not in alive, alive
        assert httpx.get(app.url + "/ping", timeout=10).status_code == 200

        # The killed worker's record of the tab stays in Redis, so Reflex takes the reconnecting tab
        # for a duplicate and gives it a fresh state: the tab is signed out. The resident signs in
        # again, finds the payment in «Мои платежи» and finishes it on the gateway's page.
        page.context.close()
        page = open_page(browser, console)
        sign_in_to_cabinet(page, app.url, LOGIN["ivanov"].phone)
        page.get_by_role("link", name="Мои платежи").click()  # within the app: the same websocket
        expect(page.locator(".history-payment")).to_have_count(1, timeout=30_000)
        expect(page.locator(".history-status")).to_contain_text(PROCESSING)
        page.locator(".history-open").click()
        _expect_processing_then_continue(page)
        rows = _payments_of_resident(app, "ivanov")
        _assert_one_paid_payment(app, rows)
        assert [create.path for create in proxy.creates()].count("/sandbox-gateway/api/v3/payments") >= 2
    finally:
        page.context.close()


# --- 3. Redis restarted ---------------------------------------------------------------------------------


def test_redis_restarted_while_at_the_gateway(faulty, browser, console):
    app, _postgres, redis, _proxy = faulty
    account = DEMO_ACCOUNT_TO_LINK
    page = open_page(browser, console)
    try:
        _other_account_to_method(page, app.url, account, payer="sidorov")
        page.locator("#pay-card").click()
        expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"), timeout=15_000)
        redis.restart_empty()  # every tab's state is gone
        _pay_on_gateway_page(page)
        # The tab's sign-in lived in Redis: the resident may land on the start page; the money is safe.
        expect(page).to_have_url(re.compile(r"/pay/result\?payment=|/$"), timeout=20_000)
        _no_technical_text(page)
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline and _payments_of_account(app, account.number)[0][0] != "succeeded":
            time.sleep(0.5)  # the result page, or else the reconciler, learns the outcome
        _assert_one_paid_payment(app, _payments_of_account(app, account.number))
        sign_in_to_cabinet(page, app.url, LOGIN["sidorov"].phone)
        page.goto(app.url + "/payments")
        expect(page.locator(".history-payment")).to_have_count(1, timeout=15_000)
        expect(page.locator(".history-status")).to_have_text("Оплачено")
    finally:
        page.context.close()

    # A new resident signs in and pays after the restart.
    page = open_page(browser, console)
    try:
        started = time.monotonic()
        sign_in_to_cabinet(page, app.url, LOGIN["ivanov"].phone)
        page.get_by_role("link", name="Оплатить ЖКУ").click()
        page.locator("#pay-next").click()
        page.get_by_role("button", name="Оплатить").click()
        expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()
        page.locator("#pay-card").click()
        _pay_on_gateway_page(page)
        expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=20_000)
        assert time.monotonic() - started < 60
        rows = _payments_of_resident(app, "ivanov")
        assert [row[0] for row in rows] == ["succeeded", "succeeded"] and all(row[4] == 0 for row in rows)
        for _status, gateway_id, key, amount, _open in rows:
            assert _at_gateway(app, key) == [(gateway_id, "succeeded", amount)]
    finally:
        page.context.close()
