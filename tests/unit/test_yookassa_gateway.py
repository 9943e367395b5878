"""``GKH_GATEWAY=yookassa`` picks the YooKassa adapter with the shop's settings; its create body and receipt."""

from __future__ import annotations

import json

import httpx
import pytest

from gkh_web.domain.commission import CommissionRate
from gkh_web.domain.fiscal_receipt import DocumentCharge, build_receipt
from gkh_web.services.payments.gateway_client import GatewayUnavailable, HttpGateway
from gkh_web.services.payments.gateway_factory import current_gateway
from gkh_web.services.payments.yookassa import YooKassaGateway, receipt_json
from gkh_web.settings import get_settings


@pytest.fixture
def env(monkeypatch):
    def set_(**values: str):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield set_
    get_settings.cache_clear()


async def test_the_setting_picks_yookassa_with_the_shops_commissions(env):
    env(GKH_GATEWAY="yookassa", GKH_GATEWAY_SHOP_ID="506751", GKH_GATEWAY_SECRET="live_key-never-shown",
        GKH_YOOKASSA_COMMISSION_CARD="1,5% min 1000")
    gateway = current_gateway()
    assert isinstance(gateway, YooKassaGateway)
    assert (gateway.name, gateway.base_url) == ("yookassa", "https://api.yookassa.ru/v3")
    assert await gateway.payment_methods() == {"card": CommissionRate(150, 1000), "wallet": CommissionRate(0)}
    assert "live_key" not in repr(gateway)


def test_the_sandbox_stays_the_default(env, monkeypatch):
    monkeypatch.delenv("GKH_GATEWAY", raising=False)
    env(GKH_GATEWAY_URL="http://gateway.test/sandbox-gateway/api/v3")
    gateway = current_gateway()
    assert type(gateway) is HttpGateway and gateway.name == "sandbox"


def _receipt(email: str | None = None, phone: str | None = None, commission: int = 0):
    return build_receipt([DocumentCharge("ЖКУ за октябрь 2026, ПД № 1, л/с 1001027", 100)],
                         commission_kopecks=commission, charged_kopecks=100 + commission, email=email, phone=phone)


def test_the_receipt_json_with_a_phone_and_a_commission_line():
    assert receipt_json(_receipt(phone="+79035550101", commission=1000)) == {
        "customer": {"phone": "79035550101"},
        "items": [
            {"description": "ЖКУ за октябрь 2026, ПД № 1, л/с 1001027", "quantity": 1,
             "amount": {"value": "1.00", "currency": "RUB"}, "vat_code": 1, "payment_mode": "full_payment",
             "payment_subject": "service"},
            {"description": "Комиссия за приём платежа", "quantity": 1,
             "amount": {"value": "10.00", "currency": "RUB"}, "vat_code": 1, "payment_mode": "full_payment",
             "payment_subject": "service"},
        ]}


@pytest.mark.parametrize(("receipts", "has_receipt"), [(True, True), (False, False)])
async def test_receipts_off_sends_none(receipts, has_receipt):
    bodies = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(500)

    gateway = YooKassaGateway("https://api.yookassa.ru/v3", "506751", "live_x", receipts=receipts,
                              rates={"card": CommissionRate(0), "wallet": CommissionRate(0)},
                              transport=httpx.MockTransport(answer))
    with pytest.raises(GatewayUnavailable, match="answered 500"):
        await gateway.create("k1", 100, "Оплата ЖКУ", "https://gkh.example.ru/pay/result", None, {},
                             commission_kopecks=0, receipt=_receipt(email="a@b.ru"))
    assert ("receipt" in bodies[0]) is has_receipt and "commission" not in bodies[0]
    assert "payment_method_data" not in bodies[0]  # no method: YooKassa's page offers them all


async def test_a_receipt_that_does_not_add_up_is_never_sent():
    gateway = YooKassaGateway("https://api.yookassa.ru/v3", "506751", "live_x",
                              rates={"card": CommissionRate(0), "wallet": CommissionRate(0)},
                              transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    with pytest.raises(ValueError, match="does not add up"):
        await gateway.create("k1", 99, "Оплата ЖКУ", "https://gkh.example.ru/pay/result", "card", {},
                             commission_kopecks=0, receipt=_receipt(email="a@b.ru"))


def test_a_rate_for_each_method_is_required():
    with pytest.raises(ValueError, match="commission rate"):
        YooKassaGateway("https://api.yookassa.ru/v3", "506751", "live_x", rates={"card": CommissionRate(0)})
