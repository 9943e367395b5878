"""Holding other people's documents «в обработке» by starting payments and walking away.

A started payment blocks its documents until it ends (the database refuses a second
unfinished payment of a document), and an abandoned one ends only at the expiry. Anyone may
pay any account, so a signed-in person could start payment after payment on accounts found
with «Оплатить по другому лицевому счёту» and keep their owners from paying. Payment
creation is limited per resident (``payment_per_resident``), with the time to try again.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gkh_web.db.engine import session_scope
from gkh_web.db.models import Payment
from gkh_web.services.data.demo_data import DEMO_UNLINKED_ACCOUNTS
from gkh_web.settings import get_settings
from gkh_web.state import pay as pay_state
from gkh_web.state.pay import PayPageState
from gkh_web.state.pay_other import PayOtherState
from tests.fake_gateway import FakeGateway, http_gateway
from tests.security.tabs import go_to, signed_in_tab

BASE = "http://localhost:3000"


@pytest.fixture
def fake_gateway(monkeypatch) -> FakeGateway:
    fake = FakeGateway()
    monkeypatch.setattr(pay_state, "current_gateway", lambda: http_gateway(fake))
    return fake


async def _start_paying(other: PayOtherState, izhku: str) -> str:
    """Search the account, open its page, «Далее», «Оплатить», «Банковская карта»; the refusal shown, if any."""
    go_to(other, f"{BASE}/pay/other")
    await other.search({"identifier": izhku})
    [found] = other.results
    go_to(other, f"{BASE}/pay?ref={found.ref}")
    pay = await other.get_state(PayPageState)
    assert await pay.open_page() is None and pay.public_mode
    await pay.proceed()
    await pay.choose_method()
    await pay.pay_with("card")
    return pay.pay_error


def _payments() -> int:
    with session_scope() as session:
        return session.exec(sa.select(sa.func.count()).select_from(Payment)).scalar_one()


async def test_starting_payments_on_other_peoples_accounts_is_limited(demo_db, monkeypatch, fake_gateway):
    monkeypatch.setenv("GKH_RATE_LIMITS", "payment_per_resident=2/3600")
    get_settings.cache_clear()
    other = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other")
    await other.open_page()

    first = await _start_paying(other, DEMO_UNLINKED_ACCOUNTS[0].izhku)
    second = await _start_paying(other, DEMO_UNLINKED_ACCOUNTS[1].izhku)
    third = await _start_paying(other, DEMO_UNLINKED_ACCOUNTS[2].izhku)

    assert first == second == ""
    assert third.startswith("Слишком много начатых платежей. Попробуйте снова через ")
    assert _payments() == 2 and len(fake_gateway.payments) == 2


async def test_the_limit_is_per_resident_not_per_tab(demo_db, monkeypatch, fake_gateway):
    monkeypatch.setenv("GKH_RATE_LIMITS", "payment_per_resident=1/3600")
    get_settings.cache_clear()
    first_tab = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other", token="tab-1")
    await first_tab.open_page()
    assert await _start_paying(first_tab, DEMO_UNLINKED_ACCOUNTS[0].izhku) == ""

    second_tab = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other", token="tab-2", ip="192.0.2.1")
    await second_tab.open_page()
    refused = await _start_paying(second_tab, DEMO_UNLINKED_ACCOUNTS[1].izhku)
    assert refused.startswith("Слишком много начатых платежей.")

    petrova = await signed_in_tab(PayOtherState, "petrova", f"{BASE}/pay/other", token="tab-3")
    await petrova.open_page()
    assert await _start_paying(petrova, DEMO_UNLINKED_ACCOUNTS[2].izhku) == ""
    assert _payments() == 2
