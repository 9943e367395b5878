"""The sandbox's commission: declared per method, published, stated by each payment, charged exactly.

The rates here are the demo defaults of ``sandbox_gateway.config``: a card 1 %, at least 10 ₽;
the wallet without commission.
"""

from __future__ import annotations

import uuid

import pytest

from gkh_web.sandbox_gateway import store
from gkh_web.sandbox_gateway.config import get_sandbox_settings
from tests.sandbox.conftest import API, AUTH, create, page_path, pay_card, payment_body, status_of

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def demo_rates(sandbox_env, monkeypatch):
    monkeypatch.delenv("GKH_SANDBOX_COMMISSION_CARD")
    monkeypatch.delenv("GKH_SANDBOX_COMMISSION_WALLET")
    get_sandbox_settings.cache_clear()


def charged(total: str, commission: str, method: str | None) -> dict:
    body = payment_body(total, commission={"value": commission, "currency": "RUB"})
    if method:
        body["payment_method_data"] = {"type": method}
    return body


async def _refused(client, body: dict) -> dict:
    response = await client.post(f"{API}/payments", json=body, auth=AUTH,
                                 headers={"Idempotence-Key": str(uuid.uuid4())})
    assert response.status_code == 400, response.text
    return response.json()


async def test_the_rates_are_published_to_the_shop_only(client):
    assert (await client.get(f"{API}/payment_methods")).status_code == 401
    response = await client.get(f"{API}/payment_methods", auth=AUTH)
    assert response.status_code == 200
    assert response.json()["items"] == [
        {"type": "bank_card", "commission": {"percent": "1.00", "min": {"value": "10.00", "currency": "RUB"}}},
        {"type": "yoo_money", "commission": {"percent": "0.00", "min": {"value": "0.00", "currency": "RUB"}}},
    ]


async def test_the_rates_are_settings(client, monkeypatch):
    monkeypatch.setenv("GKH_SANDBOX_COMMISSION_CARD", "1,5% min 2500")
    monkeypatch.setenv("GKH_SANDBOX_COMMISSION_WALLET", "0.5%")
    get_sandbox_settings.cache_clear()
    items = (await client.get(f"{API}/payment_methods", auth=AUTH)).json()["items"]
    assert [item["commission"]["percent"] for item in items] == ["1.50", "0.50"]
    assert items[0]["commission"]["min"]["value"] == "25.00"


async def test_a_card_payment_carries_its_commission(client):
    # 1 234,56 ₽ to the providers + 1 % = 12,35 ₽ → 1 246,91 ₽ charged
    payment = await create(client, charged("1246.91", "12.35", "bank_card"))
    assert payment["amount"]["value"] == "1246.91" and payment["commission"]["value"] == "12.35"
    page = (await client.get(page_path(payment))).text
    assert f"1{NBSP}234,56{NBSP}₽" in page and f"12,35{NBSP}₽" in page
    assert f"Итого к списанию: <span id=\"sum-total\">1{NBSP}246,91{NBSP}₽" in page
    assert (await pay_card(client, payment, "4242424242424242")).status_code == 303
    result = await status_of(client, payment["id"])
    assert (result["status"], result["amount"]["value"], result["commission"]["value"]) == (
        "succeeded", "1246.91", "12.35")


async def test_the_minimum_applies_to_a_small_card_payment(client):
    payment = await create(client, charged("110.00", "10.00", "bank_card"))  # 1 % of 100 ₽ is 1 ₽ < 10 ₽
    assert payment["commission"]["value"] == "10.00"


@pytest.mark.parametrize(("total", "commission", "method"), [
    ("1234.56", "0.00", "bank_card"),  # the card's commission left out
    ("1245.56", "11.00", "bank_card"),  # a commission the rate does not give (12,35 ₽ on 1 234,56 ₽)
    ("1246.91", "12.35", "yoo_money"),  # the wallet is free: a commission on it is refused too
    ("1246.91", "12.34", None),  # no method fits this commission
    ("10.00", "10.00", "bank_card"),  # nothing left for the providers
    ("10.00", "10.01", "bank_card"),
])
async def test_a_commission_that_disagrees_with_the_rate_is_refused(client, total, commission, method):
    refused = await _refused(client, charged(total, commission, method))
    assert refused["parameter"] == "commission.value"


@pytest.mark.parametrize("commission", [{"value": "1.5", "currency": "RUB"}, {"value": "-1.00", "currency": "RUB"},
                                        {"value": 12.35, "currency": "RUB"}, {"value": "12.35", "currency": "USD"},
                                        "12.35"])
async def test_a_malformed_commission_is_refused(client, commission):
    body = payment_body("1246.91", commission=commission, payment_method_data={"type": "bank_card"})
    assert (await _refused(client, body))["parameter"].startswith("commission")


async def test_without_a_method_the_page_offers_only_what_charges_the_stated_commission(client):
    free = await create(client, charged("1234.56", "0.00", None))
    page = (await client.get(page_path(free))).text
    assert "?method=wallet" in page and "?method=bank_card" not in page
    refused = await pay_card(client, free, "4242424242424242")
    assert refused.status_code == 422 and "Этот способ оплаты недоступен" in refused.text
    assert (await status_of(client, free["id"]))["status"] == "pending"
    with_card = await create(client, charged("1246.91", "12.35", None))
    page = (await client.get(page_path(with_card))).text
    assert "?method=bank_card" in page and "?method=wallet" not in page


async def test_the_wallet_is_charged_the_total_and_shows_no_commission(client):
    payment = await create(client, charged("1234.56", "0.00", "yoo_money"))
    page = (await client.get(page_path(payment))).text
    assert "без комиссии" in page
    wallet = page_path(payment) + "/wallet"
    await client.post(wallet + "/register", data={"phone": "+79001234567"})
    assert (await client.post(wallet, data={"phone": "+79001234567", "code": "0000"})).status_code == 303
    assert store.wallet_balance("+79001234567") == 100_000_00 - 1234_56


async def test_a_wallet_with_a_commission_is_debited_the_sum_plus_commission(client, monkeypatch):
    monkeypatch.setenv("GKH_SANDBOX_COMMISSION_WALLET", "0.5%")
    get_sandbox_settings.cache_clear()
    payment = await create(client, charged("1240.73", "6.17", "yoo_money"))  # 0,5 % of 1 234,56 = 6,1728
    page = (await client.get(page_path(payment))).text
    assert "без комиссии" not in page and f"6,17{NBSP}₽" in page
    wallet = page_path(payment) + "/wallet"
    await client.post(wallet + "/register", data={"phone": "+79001234567"})
    await client.post(wallet, data={"phone": "+79001234567", "code": "0000"})
    assert store.wallet_balance("+79001234567") == 100_000_00 - 1240_73


async def test_an_old_sandbox_database_gets_the_commission_column(sandbox_env):
    import sqlalchemy as sa

    from gkh_web.sandbox_gateway import db

    db.dispose_engines()
    url = f"sqlite:///{sandbox_env / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE sandbox_payment (id VARCHAR(40) PRIMARY KEY, "
                                   "amount_kopecks BIGINT NOT NULL)")
        connection.exec_driver_sql("INSERT INTO sandbox_payment VALUES ('sbx_old', 100)")
    engine.dispose()
    fresh = db._new_engine(url)
    with fresh.connect() as connection:
        assert connection.exec_driver_sql("SELECT commission_kopecks FROM sandbox_payment").scalar_one() == 0
    fresh.dispose()
