"""Attacks on what a kiosk tab keeps after its resident's session ended.

Issue 10 §4: «Выйти» used to clear only the token and the name. A reconnect after the
session ended on the server (idle, expiry, revoked) sent every page state back to the
browser before any check ran — СНИЛС, phone, e-mail, accounts, payments — and the
next person at the kiosk could bring them back with «Назад», a reload or a new tab.
Each end now wipes every state of the tab on the server, and a (re)connect of a tab
whose session is over is wiped before Reflex sends its snapshot.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import timedelta

import pytest
import reflex as rx
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from reflex_base.event import Event

from gkh_web.db.engine import session_scope
from gkh_web.db.models import ResidentSession, utc_now
from gkh_web.services.data.demo_data import DEMO_LOGINS
from gkh_web.services.identity import residents
from gkh_web.state.cabinet import CabinetState
from gkh_web.state.pay import PayFiguresState, PayPageState
from gkh_web.state.pay_other import PayOtherState
from gkh_web.state.payment_history import PaymentHistoryState
from gkh_web.state.session import SessionState, TabGuard, app_state_classes
from tests.browser.conftest import BIN, PROJECT_ROOT
from tests.browser.flows import open_amount_list, sign_in_to_cabinet
from tests.security.tabs import go_to, signed_in_tab, tab

IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")
BASE = "http://localhost:3000"


# --- In the server's memory: every state of the tab goes back to its defaults -------------------------------


async def _a_busy_tab():
    """Иванов's tab after a visit: cabinet, payment page with a selection, history, a search."""
    cabinet = await signed_in_tab(CabinetState, "ivanov", f"{BASE}/cabinet")
    await cabinet.open_page()
    go_to(cabinet, f"{BASE}/pay")
    await (await cabinet.get_state(PayPageState)).open_page()
    go_to(cabinet, f"{BASE}/payments")
    await (await cabinet.get_state(PaymentHistoryState)).open_page()
    go_to(cabinet, f"{BASE}/pay/other")
    other = await cabinet.get_state(PayOtherState)
    await other.open_page()
    await other.search({"identifier": "77ОР551204-01"})
    assert cabinet.accounts and other.results and (await cabinet.get_state(PayFiguresState)).total_kopecks
    return cabinet


async def _differences_from_a_new_tab(state) -> list[str]:
    """The states (public and backend-only vars) that differ from those of a tab nobody has used."""
    fresh = tab(SessionState)
    different = []
    for cls in app_state_classes():
        mine, new = await state.get_state(cls), await fresh.get_state(cls)
        names = [name for name in cls.__fields__ if not name.startswith(("router", "rx_router"))]
        if any(getattr(mine, name) != getattr(new, name) for name in names):
            different.append(cls.__name__)
    return different


@pytest.mark.parametrize("end", ["sign_out", "idle_reset"])
async def test_ending_a_session_wipes_every_state_of_the_tab(demo_db, end):
    cabinet = await _a_busy_tab()
    await getattr(await cabinet.get_state(SessionState), end)()
    assert await _differences_from_a_new_tab(cabinet) == []


def _end_in_database(reason: str, **shift) -> None:
    """The session ends without the tab knowing: an operator's revoke, or time (idle, the absolute lifetime)."""
    with session_scope() as session:
        row = session.exec(sa.select(ResidentSession).where(ResidentSession.ended_at.is_(None))).scalars().one()
        if reason == "revoked":
            residents.end_all_sessions(session)
        else:
            row.created_at -= timedelta(**shift)
            row.last_seen_at -= timedelta(**shift)
            session.add(row)


@pytest.mark.parametrize("reason, shift", [("revoked", {}), ("idle", {"seconds": 141}),
                                           ("expired", {"minutes": 31})])
async def test_a_reconnect_after_the_session_ended_elsewhere_gets_an_empty_tab(demo_db, reason, shift):
    cabinet = await _a_busy_tab()
    _end_in_database(reason, **shift)
    root = cabinet._get_root_state()

    await TabGuard().preprocess(app=None, state=root, event=Event(name=f"{rx.State.get_full_name()}.hydrate_and_load"))

    assert await _differences_from_a_new_tab(cabinet) == []
    with session_scope() as session:
        assert session.exec(sa.select(ResidentSession.end_reason)).scalars().one() == reason


async def test_a_busy_resident_is_still_signed_out_after_the_absolute_lifetime(demo_db):
    """Activity keeps an idle timer alive, never a sign-in: 30 minutes, then the session ends."""
    cabinet = await _a_busy_tab()
    _end_in_database("expired", minutes=31)
    with session_scope() as session:  # active a second ago
        row = session.exec(sa.select(ResidentSession)).scalars().one()
        row.last_seen_at = utc_now()
        session.add(row)

    await cabinet.open_page()

    assert cabinet.accounts == [] and await _differences_from_a_new_tab(cabinet) == []


# --- In the browser: nothing of the resident after the end, on screen or in a websocket frame ---------------


def _record_frames(page: Page) -> list[str]:
    """Every websocket frame the page receives, decoded (socket.io's JSON, Cyrillic as it is)."""
    frames: list[str] = []

    def decoded(payload: str | bytes) -> str:
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        start = text.find("[")
        try:
            return json.dumps(json.loads(text[start:]), ensure_ascii=False) if start >= 0 else text
        except ValueError:
            return text

    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(decoded(payload))))
    return frames


def _personal_data_of_ivanov(page: Page) -> list[str]:
    """What must never be sent again: name, СНИЛС, phone, e-mail, and the account numbers and addresses shown."""
    numbers = re.findall(r"№\s*(\S+)", page.locator(".linked-account").all_inner_texts().__str__())
    return ["Иванов", "145-267-389", "14526738979", "+79035550101", "555-01-01", "ivanov@example.com",
            "Лесная", *numbers]


def _nothing_of_ivanov(page: Page, frames: list[str], secrets: list[str]) -> None:
    leaked = [secret for frame in frames for secret in secrets if secret in frame]
    assert leaked == [], f"sent after the end: {sorted(set(leaked))}"
    text = page.content()
    assert [secret for secret in secrets if secret in text] == []


def _check_back_forward_reload(page: Page, frames: list[str], secrets: list[str]) -> None:
    for move in (page.go_back, page.go_back, page.go_forward, page.reload):
        move()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        _nothing_of_ivanov(page, frames, secrets)


def _visit(page: Page, base_url: str) -> list[str]:
    sign_in_to_cabinet(page, base_url, IVANOV.phone)
    expect(page.locator(".linked-account")).to_have_count(3)
    secrets = _personal_data_of_ivanov(page)
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    open_amount_list(page)
    page.goto(base_url + "/cabinet")
    expect(page.locator(".linked-account")).to_have_count(3)
    return secrets


def _a_new_tab_shows_nothing(page: Page, base_url: str, secrets: list[str]) -> None:
    """A new tab of the same kiosk (same browser profile) asks for a sign-in."""
    another = page.context.new_page()
    frames = _record_frames(another)
    another.goto(base_url + "/cabinet")
    expect(another.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    _nothing_of_ivanov(another, frames, secrets)
    another.close()


def test_after_sign_out_nothing_comes_back(served_app, kiosk_page):
    secrets = _visit(kiosk_page, served_app.url)
    frames = _record_frames(kiosk_page)
    kiosk_page.locator("#sign-out").click()
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    _check_back_forward_reload(kiosk_page, frames, secrets)
    _a_new_tab_shows_nothing(kiosk_page, served_app.url, secrets)


def test_after_the_idle_reset_nothing_comes_back(served_app, kiosk_page):
    kiosk_page.clock.install()
    secrets = _visit(kiosk_page, served_app.url)
    frames = _record_frames(kiosk_page)
    kiosk_page.clock.fast_forward(121_000)
    expect(kiosk_page.get_by_role("alertdialog")).to_be_visible()
    for _ in range(22):
        kiosk_page.clock.fast_forward(1_000)
        kiosk_page.wait_for_timeout(120)
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    _check_back_forward_reload(kiosk_page, frames, secrets)
    _a_new_tab_shows_nothing(kiosk_page, served_app.url, secrets)


def test_after_the_server_ended_the_session_a_reload_brings_nothing_back(served_app, kiosk_page):
    """An operator runs `gkh sessions end-all` (the same path as an expiry the tab did not see)."""
    secrets = _visit(kiosk_page, served_app.url)
    frames = _record_frames(kiosk_page)
    subprocess.run([str(BIN / "gkh"), "sessions", "end-all"], env=served_app.env, cwd=PROJECT_ROOT, check=True,
                   capture_output=True)

    kiosk_page.reload()
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    kiosk_page.wait_for_timeout(500)
    _nothing_of_ivanov(kiosk_page, frames, secrets)
    _check_back_forward_reload(kiosk_page, frames, secrets)
    _a_new_tab_shows_nothing(kiosk_page, served_app.url, secrets)


# --- A payment left open on the gateway's page ------------------------------------------------------------------


async def test_a_payment_left_on_the_gateways_page_is_cancelled_when_the_session_ends(demo_db, monkeypatch):
    """The resident walks away from the card page: the next person's «Назад» finds a dead page, and the
    documents are free again at once instead of after the 30-minute expiry."""
    from gkh_web.services import payments
    from tests.fake_gateway import http_gateway
    from tests.security.support import outcome, waiting_payment

    waiting = await waiting_payment(demo_db, monkeypatch)
    assert outcome(waiting).status == "awaiting_customer" and outcome(waiting).open_items == 1

    moved = await payments.cancel_waiting_payments(waiting.record.resident_id, http_gateway(waiting.fake),
                                                   session_factory=lambda: session_scope(demo_db))

    assert moved == 1
    assert waiting.fake.payments[waiting.gateway_id]["status"] == "canceled"
    after = outcome(waiting)
    assert (after.status, after.open_items, after.paid_kopecks) == ("canceled", 0, waiting.paid_before)


async def test_money_taken_before_the_cancel_still_pays(demo_db, monkeypatch):
    from gkh_web.services import payments
    from tests.fake_gateway import http_gateway
    from tests.security.support import outcome, waiting_payment

    waiting = await waiting_payment(demo_db, monkeypatch)
    waiting.fake.pay(waiting.gateway_id)  # paid on the gateway's page a moment before the session ended

    await payments.cancel_waiting_payments(waiting.record.resident_id, http_gateway(waiting.fake),
                                           session_factory=lambda: session_scope(demo_db))

    after = outcome(waiting)
    assert after.status == "succeeded" and after.paid_kopecks > waiting.paid_before


def test_walking_away_from_the_gateways_page_ends_the_session_and_the_payment(served_app, kiosk_page):
    """The sandbox's card page has the same «Вы ещё здесь?»: after it, the tab is wiped, the payment cancelled."""
    from gkh_web.services.data.demo_data import DEMO_UNLINKED_ACCOUNTS
    from tests.browser.flows import pay_other_account_to_method_picker

    petrova = next(login for login in DEMO_LOGINS if login.key == "petrova")
    page = kiosk_page
    page.add_init_script("window.gkhKioskConfig = {idleSeconds: 8, countdownSeconds: 2};")
    pay_other_account_to_method_picker(page, served_app.url, DEMO_UNLINKED_ACCOUNTS[0].izhku, petrova.phone)
    page.locator("#pay-card").click()
    expect(page).to_have_url(re.compile(r"/sandbox-gateway/pay/"))
    gateway_page = page.url
    frames = _record_frames(page)

    expect(page.get_by_text("Вы ещё здесь?")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible(timeout=15_000)

    engine = sa.create_engine(served_app.database_url)
    try:
        with engine.connect() as connection:
            ended = connection.execute(sa.text(
                "SELECT end_reason FROM resident_session ORDER BY id DESC LIMIT 1")).scalar()
        assert ended == "idle"
        page.wait_for_timeout(1500)  # the cancel at the gateway runs after the reset
        with engine.connect() as connection:
            status = connection.execute(sa.text("SELECT status FROM payment ORDER BY id DESC LIMIT 1")).scalar()
        assert status == "canceled"
    finally:
        engine.dispose()
    secrets = ["Петрова", "152-384-671", petrova.email, petrova.phone]
    _check_back_forward_reload(page, frames, secrets)
    page.goto(gateway_page)  # even the page's own address: it is no longer valid
    expect(page.get_by_text("больше не действительна")).to_be_visible()
