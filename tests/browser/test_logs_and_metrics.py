"""Logs and metrics of the whole flow (issue 14 §2), seen from outside the served app.

With ``GKH_LOG_LEVEL=DEBUG`` a resident signs in through the demo ЕСИА by СНИЛС (after another person's
login was refused), accepts the agreement, links her account, pays it by card on the sandbox's page, gets
the result and the receipt (PDF and the letter the outbox sends). Then everything the server wrote — stdout
and stderr of ``reflex run``, the supervisor's and every worker's lines — is searched for every demo
resident's name, СНИЛС (with and without separators), phone, e-mail and the test card numbers: none may be
there. The lines must be JSON, and the lines written for events and requests must carry their correlation
id. Finally ``/metrics`` with the token shows the flow in figures.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from gkh_web.sandbox_gateway.cards import TEST_CARDS
from gkh_web.services.data.demo_data import DEMO_ACCOUNT_TO_LINK, DEMO_LOGINS
from tests.browser.flows import DEMO_PASSWORD, accept_agreement_if_asked, open_esia_login, pay_on_card_page, sign_in
from tests.browser.server import ServedApp, serve_app
from tests.browser.tour import receipt_sent
from tests.served import SERVED_ON, scaled_out_urls

pytestmark = pytest.mark.browser
LOGIN = {login.key: login for login in DEMO_LOGINS}
TOKEN = "metrics-token-for-the-browser-test-0123456789"
CARD = "2202 4743 0132 2987"
WRONG_PASSWORD = "Wrong-2026!"


@pytest.fixture(scope="module", params=SERVED_ON)
def own_app(request, tmp_path_factory) -> Iterator[ServedApp]:
    """DEBUG logs, JSON from Reflex's own output too, and the metrics page on; on SQLite with one worker,
    then on PostgreSQL + Redis with two workers, whose counts ``/metrics`` must add up."""
    env = {"GKH_LOG_LEVEL": "DEBUG", "REFLEX_LOG_JSON": "1", "GKH_METRICS_TOKEN": TOKEN,
           "GKH_RECONCILE_INTERVAL_SECONDS": "2"}  # a reconciler round every 2 s: several within the walk
    workdir = Path(tmp_path_factory.mktemp("logs_and_metrics"))
    if request.param == "sqlite":
        with serve_app(workdir, extra_env=env) as app:
            yield app
    else:
        postgres_url, redis_url = scaled_out_urls()
        with serve_app(workdir, extra_env=env, postgres_url=postgres_url, redis_url=redis_url, workers=2) as app:
            yield app


def _walk_the_whole_flow(page: Page, url: str) -> None:
    open_esia_login(page, url)  # a refused login first: another person's e-mail with a wrong password
    page.locator("#esia-login").fill(LOGIN["ivanov"].email)
    page.locator("#esia-password").fill(WRONG_PASSWORD)
    page.get_by_role("button", name="Войти", exact=True).click()
    expect(page.locator("#esia-form-error")).to_have_text("Неверный логин или пароль")
    page.goto(url + "/")
    snils = LOGIN["kuznetsova"].snils
    sign_in(page, url, f"{snils[:3]}-{snils[3:6]}-{snils[6:9]} {snils[9:]}", by_snils=True)
    accept_agreement_if_asked(page)
    page.get_by_role("button", name="Подключить лицевой счёт").click()
    page.get_by_role("dialog").get_by_role("radio", name="По ЕЛС, ИЖКУ").click()
    page.locator("#link-identifier").fill(DEMO_ACCOUNT_TO_LINK.izhku)
    page.get_by_role("button", name="Подключить", exact=True).click()
    expect(page.locator(".linked-account")).to_have_count(1)
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    expect(page.locator(".payable-account")).to_have_count(1)
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    expect(page.locator("#receipt-email")).to_have_value(LOGIN["kuznetsova"].email.lower())
    page.locator("#confirm-pay").click()
    expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()
    page.locator("#pay-card").click()
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    pay_on_card_page(page, CARD)
    expect(page.locator("#payment-status")).to_have_text("Оплата выполнена", timeout=15_000)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Скачать квитанцию (PDF)").click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    receipt_sent(page, url)  # «Мои платежи»: the outbox has sent the letter to her address


def _event_workers(app: ServedApp) -> set[int]:
    return {json.loads(line)["pid"] for line in _lines(app.log) if '"tab event done' in line}


def _open_tabs_until_both_workers_served(page: Page, app: ServedApp) -> None:
    """New tabs (new websockets) until each of the two workers has handled events: the kernel hands a
    connection to either, so the aggregation across workers is put to the test, not left to chance."""
    for _ in range(30):
        if len(_event_workers(app)) == 2:
            return
        tab = page.context.new_page()
        tab.goto(app.url + "/")
        expect(tab.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
        tab.close()


def _personal_data() -> list[str]:
    """Every way a demo resident's data or a test card could be written."""
    values: list[str] = []
    for login in DEMO_LOGINS:
        snils, phone = login.snils, login.phone
        grouped = f"{snils[:3]}-{snils[3:6]}-{snils[6:9]}"
        values += [login.fio, login.last_name, login.first_name, login.middle_name or login.first_name,
                   snils, f"{grouped} {snils[9:]}", grouped, f"{snils[:3]} {snils[3:6]} {snils[6:9]}",
                   phone, phone.removeprefix("+"), phone[2:], f"({phone[2:5]}) {phone[5:8]}-{phone[8:10]}-{phone[10:]}",
                   login.email, login.email.lower(), login.email.split("@")[0] + "@"]
    for number in TEST_CARDS:
        values += [number, " ".join(number[i:i + 4] for i in range(0, len(number), 4))]
    return [*values, DEMO_PASSWORD, WRONG_PASSWORD]  # not personal data, but never to be written either


def _lines(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]


def _metric(text: str, name: str, **labels: str) -> float:
    """The sum of every sample of ``name`` whose labels include ``labels``."""
    total = 0.0  # ok-float: a Prometheus sample value, not money
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            total += float(match.group(3))
    return total


def _scrape(app) -> str:
    return httpx.get(app.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).text


def _wait_for_a_reconciler_round(app) -> None:
    """The reconciler's first round comes 5 s after a worker starts; a quick walk can be over sooner."""
    deadline = time.monotonic() + 30
    while _metric(_scrape(app), "gkh_reconciler_rounds_total", outcome="done") < 1 and time.monotonic() < deadline:
        time.sleep(0.5)


def test_the_whole_flow_logs_no_personal_data_in_json_lines_and_shows_in_metrics(own_app, kiosk_page):
    _walk_the_whole_flow(kiosk_page, own_app.url)
    if own_app.env.get("GKH_REDIS_URL"):
        _open_tabs_until_both_workers_served(kiosk_page, own_app)
    _wait_for_a_reconciler_round(own_app)  # the assertion below still says so if it never comes
    events_logged = sum(1 for line in _lines(own_app.log) if '"tab event done' in line)
    metrics = httpx.get(own_app.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert metrics.status_code == 200
    assert httpx.get(own_app.url + f"/metrics?token={TOKEN}", timeout=10).status_code == 401

    # Nothing personal in anything the server wrote (raw, and with JSON escapes decoded).
    lines = _lines(own_app.log)
    decoded = []
    for line in lines:
        try:
            decoded.append(json.dumps(json.loads(line), ensure_ascii=False))
        except ValueError:
            decoded.append(line)
    haystack = "\n".join(lines + decoded)
    assert len(lines) > 100 and '"level": "DEBUG"' in haystack  # DEBUG was on and the flow was logged
    leaked = sorted({value for value in _personal_data() if value in haystack})
    assert not leaked, leaked

    # One event, one line: JSON objects; those written for events and requests carry their correlation id.
    records = [json.loads(line) for line in lines if line.startswith("{")]
    not_json = [line for line in lines if not line.startswith("{")]
    assert not not_json, not_json[:10]
    requests = [r for r in records if r.get("logger") == "gkh_web.observability.http_requests"]
    events = [r for r in records if r.get("logger") == "gkh_web.observability.tab_events"]
    assert requests and all(r.get("kind") == "http" and len(r.get("correlation_id", "")) == 16 for r in requests)
    assert events and all(r.get("kind") == "event" and len(r.get("correlation_id", "")) == 16 for r in events)
    assert len({r["correlation_id"] for r in events}) == len(events)  # one id per event
    payment_lines = [r for r in records if r.get("logger", "").startswith("gkh_web.services.payments")]
    assert payment_lines and all(re.fullmatch(r"[0-9a-f]{32}", r.get("payment_id", "")) for r in payment_lines)
    assert any(r.get("kind") == "event" and r.get("payment_id") for r in payment_lines)

    # The flow in figures.
    text = metrics.text
    assert _metric(text, "gkh_payments_created_total", method="card") >= 1
    assert _metric(text, "gkh_payments_finished_total", method="card", status="succeeded") >= 1
    for handler in ("session_state.finish_sign_in", "cabinet_state.open_page", "pay_page_state.open_page",
                    "pay_page_state.proceed", "pay_page_state.pay_with"):
        assert _metric(text, "gkh_event_duration_seconds_count", handler=handler) >= 1, handler
    assert _metric(text, "gkh_gateway_request_duration_seconds_count", operation="create") >= 1
    assert _metric(text, "gkh_gateway_requests_total", operation="create", outcome="ok") >= 1
    assert _metric(text, "gkh_esia_requests_total", operation="token_userinfo", outcome="ok") >= 1
    assert _metric(text, "gkh_active_sessions") >= 1
    assert _metric(text, "gkh_reconciler_rounds_total", outcome="done") >= 1
    assert _metric(text, "gkh_reconciler_last_round_timestamp_seconds") > 1.7e9
    assert _metric(text, "gkh_receipt_outbox_backlog") == 0  # her letter has gone
    assert "gkh_oldest_unfinished_payment_age_seconds" in text and "gkh_receipt_outbox_backlog" in text
    # Every worker's events are counted, whichever worker answered the scrape: each event logged its line
    # after its observation, so the sum over handlers is at least the lines written before the scrape.
    assert _metric(text, "gkh_event_duration_seconds_count") >= events_logged > 0
    assert len(_event_workers(own_app)) == (2 if own_app.env.get("GKH_REDIS_URL") else 1)
