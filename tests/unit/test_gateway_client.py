"""The YooKassa-shaped HTTP client: request shape, idempotency replay and error mapping (httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
import pytest

from gkh_web.services.payments import gateway_client as gc
from gkh_web.services.payments.gateway_client import (
    GatewayRejected,
    GatewayUnavailable,
    HttpGateway,
    kopecks_to_value,
    value_to_kopecks,
)
from tests.fake_gateway import BASE_URL, SECRET, SHOP_ID, FakeGateway, http_gateway

META = {"payment_id": "abc"}


def gateway_answering(handler, **kwargs) -> HttpGateway:
    return HttpGateway(BASE_URL, SHOP_ID, SECRET, transport=httpx.MockTransport(handler), **kwargs)


async def create(gateway, key="k1", amount=122221, commission=1235):
    return await gateway.create(key, amount, "Оплата ЖКУ", "http://app.test/pay/return", "card", META,
                                commission_kopecks=commission)


@pytest.mark.parametrize(("kopecks", "value"), [(1, "0.01"), (100, "1.00"), (123456, "1234.56"),
                                                 (10_000_000_00, "10000000.00"), (99, "0.99")])
def test_amount_travels_as_a_string_from_integer_kopecks(kopecks, value):
    assert kopecks_to_value(kopecks) == value
    assert value_to_kopecks(value) == kopecks


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "100"])
def test_amount_must_be_positive_integer_kopecks(bad):
    with pytest.raises(ValueError):
        kopecks_to_value(bad)


@pytest.mark.parametrize("bad", [12.34, "12.3", "12,34", "-1.00", "1e3", "12.345", None])
def test_gateway_amount_must_be_an_exact_string(bad):
    with pytest.raises(ValueError):
        value_to_kopecks(bad)


async def test_create_sends_basic_auth_key_and_yookassa_body():
    fake = FakeGateway()
    payment = await create(http_gateway(fake))

    request = fake.requests[0]
    assert request.method == "POST" and request.url.path == "/sandbox-gateway/api/v3/payments"
    assert request.headers["Idempotence-Key"] == "k1"
    assert request.headers["Authorization"].startswith("Basic ")
    body = json.loads(request.content)
    assert body == {
        "amount": {"value": "1234.56", "currency": "RUB"}, "commission": {"value": "12.35", "currency": "RUB"},
        "capture": True,
        "confirmation": {"type": "redirect", "return_url": "http://app.test/pay/return"},
        "description": "Оплата ЖКУ", "metadata": META, "payment_method_data": {"type": "bank_card"},
    }
    assert payment.status == "pending" and payment.amount_kopecks == 123456
    assert payment.commission_kopecks == 1235
    assert payment.confirmation_url.endswith(payment.id)
    assert payment.metadata == META


async def test_wallet_and_any_method():
    fake = FakeGateway()
    gateway = http_gateway(fake)
    await gateway.create("k1", 100, "x", "http://r", "wallet", META, commission_kopecks=0)
    await gateway.create("k2", 100, "x", "http://r", None, META, commission_kopecks=0)
    assert json.loads(fake.requests[0].content)["payment_method_data"] == {"type": "yoo_money"}
    assert json.loads(fake.requests[0].content)["commission"] == {"value": "0.00", "currency": "RUB"}
    assert "payment_method_data" not in json.loads(fake.requests[1].content)


async def test_replay_with_the_same_key_returns_the_same_payment():
    fake = FakeGateway()
    gateway = http_gateway(fake)
    first = await create(gateway)
    again = await gateway.find_by_idempotency_key("k1", 122221, "Оплата ЖКУ", "http://app.test/pay/return",
                                                  "card", META, commission_kopecks=1235)
    assert again.id == first.id and len(fake.payments) == 1
    with pytest.raises(GatewayRejected) as error:
        await create(gateway, amount=122222)
    assert error.value.status_code == 400 and "duplicated" in error.value.description


async def test_get_and_cancel():
    fake = FakeGateway()
    gateway = http_gateway(fake)
    created = await create(gateway)
    fake.pay(created.id, last4="1111", brand="MasterCard")
    read = await gateway.get(created.id)
    assert (read.status, read.last4, read.card_brand) == ("succeeded", "1111", "MasterCard")
    other = await create(gateway, key="k2")
    canceled = await gateway.cancel(other.id, "k2-cancel")
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "canceled_by_merchant")
    assert fake.requests[-1].headers["Idempotence-Key"] == "k2-cancel"
    with pytest.raises(GatewayRejected) as error:
        await gateway.get("unknown1")
    assert error.value.status_code == 404


@pytest.mark.parametrize("exception", [httpx.ReadTimeout, httpx.ConnectTimeout, httpx.ConnectError,
                                       httpx.RemoteProtocolError, httpx.ReadError])
async def test_transport_failures_are_unavailable(exception):
    def handler(request):
        raise exception("boom", request=request)

    with pytest.raises(GatewayUnavailable):
        await create(gateway_answering(handler))


@pytest.mark.parametrize("status", [500, 502, 503, 504, 202, 409, 429])
async def test_server_errors_and_in_progress_are_unavailable(status):
    with pytest.raises(GatewayUnavailable):
        await create(gateway_answering(lambda request: httpx.Response(status, json={"type": "error"})))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_rejected(status):
    def handler(request):
        return httpx.Response(status, json={"type": "error", "code": "invalid_request",
                                                               "description": "bad"})
    with pytest.raises(GatewayRejected) as error:
        await create(gateway_answering(handler))
    assert (error.value.status_code, error.value.code) == (status, "invalid_request")


async def test_rejection_without_json_body():
    with pytest.raises(GatewayRejected):
        await create(gateway_answering(lambda request: httpx.Response(400, text="<html>bad</html>")))


@pytest.mark.parametrize("content", [
    b"not json", b"[]", b'{"id": "x"}',
    b'{"id": "x", "status": "paid", "amount": {"value": "1.00", "currency": "RUB"}}',
    b'{"id": "x", "status": "pending", "amount": {"value": 1.0, "currency": "RUB"}}',
    b'{"id": "x", "status": "pending", "amount": {"value": "1.00", "currency": "USD"}}',
    b'{"id": "", "status": "pending", "amount": {"value": "1.00", "currency": "RUB"}}',
])
async def test_malformed_answers_are_unavailable(content):
    with pytest.raises(GatewayUnavailable):
        await create(gateway_answering(lambda request: httpx.Response(200, content=content)))


PAYMENT = {"id": "p1", "status": "succeeded", "amount": {"value": "10.00", "currency": "RUB"}}


@pytest.mark.parametrize(("field", "test"), [
    ({"test": True}, True), ({"test": False}, False), ({}, False),
    ({"test": "true"}, False), ({"test": 1}, False), ({"test": None}, False),
])
def test_only_a_json_true_marks_a_test_payment(field, test):
    assert gc.parse_payment({**PAYMENT, **field}).test is test
    assert gc.parse_payment(json.loads(json.dumps({**PAYMENT, **field}))).test is test


async def test_the_test_mark_comes_through_the_client():
    test_shop, live_shop = FakeGateway(), FakeGateway(test_mode=False)
    assert (await create(http_gateway(test_shop))).test is True
    assert (await create(http_gateway(live_shop))).test is False


async def test_overall_timeout_bounds_a_stalled_gateway():
    async def handler(request):
        await asyncio.sleep(5)
        return httpx.Response(200, json={})

    gateway = gateway_answering(handler, overall_timeout_seconds=0.05)
    with pytest.raises(GatewayUnavailable, match="no answer"):
        await create(gateway)


def test_timeouts_are_explicit_and_secret_not_in_repr():
    gateway = HttpGateway(BASE_URL, SHOP_ID, SECRET)
    assert gateway._timeout.connect == gc.CONNECT_TIMEOUT_SECONDS and gateway._timeout.read is not None
    assert SECRET not in repr(gateway)


async def test_bad_idempotency_key_is_refused_before_sending():
    fake = FakeGateway()
    with pytest.raises(ValueError):
        await create(http_gateway(fake), key="bad key <>")
    assert fake.requests == []


def test_no_float_in_payment_code():
    root = Path(__file__).resolve().parents[2] / "gkh_web"
    paths = [*sorted((root / "services" / "payments").glob("*.py")), root / "domain" / "payment_states.py"]
    assert len(paths) > 8, paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bfloat\(|\bDecimal\(", text), path


# --- The methods' commissions -------------------------------------------------------------------


async def test_payment_methods_are_read_into_rates():
    from gkh_web.domain.commission import CommissionRate

    fake = FakeGateway()
    rates = await http_gateway(fake).payment_methods()
    assert rates == {"card": CommissionRate(100, 1000), "wallet": CommissionRate(0, 0)}
    request = fake.requests[0]
    assert (request.method, request.url.path) == ("GET", "/sandbox-gateway/api/v3/payment_methods")
    assert request.headers["Authorization"].startswith("Basic ")


@pytest.mark.parametrize("items", [
    [],  # no method at all
    [{"type": "bank_card", "commission": {"percent": "1.00"}}],  # no wallet
    [{"type": "bank_card", "commission": {"percent": 1.0}}, {"type": "yoo_money", "commission": {"percent": "0"}}],
    [{"type": "bank_card", "commission": {"percent": "1.005"}}, {"type": "yoo_money", "commission": {"percent": "0"}}],
    [{"type": "bank_card", "commission": {"percent": "-1"}}, {"type": "yoo_money", "commission": {"percent": "0"}}],
    [{"type": "bank_card", "commission": {"percent": "101"}}, {"type": "yoo_money", "commission": {"percent": "0"}}],
    [{"type": "bank_card", "commission": {"percent": "1", "min": {"value": "10", "currency": "RUB"}}},
     {"type": "yoo_money", "commission": {"percent": "0"}}],
    [{"type": "bank_card"}, {"type": "yoo_money", "commission": {"percent": "0"}}],
    "not a list",
])
async def test_unusable_payment_methods_are_unavailable(items):
    gateway = gateway_answering(lambda request: httpx.Response(200, json={"type": "list", "items": items}))
    with pytest.raises(GatewayUnavailable):
        await gateway.payment_methods()


async def test_payment_methods_refused_or_down():
    with pytest.raises(GatewayRejected):
        await gateway_answering(lambda request: httpx.Response(401, json={"code": "x"})).payment_methods()
    with pytest.raises(GatewayUnavailable):
        await http_gateway(FakeGateway(rates=None)).payment_methods()


async def test_method_rates_are_cached_and_a_failure_is_not():
    from gkh_web.services.payments import commission

    commission.forget_rates()
    fake = FakeGateway(rates=None)
    gateway = http_gateway(fake)
    assert await commission.method_rates(gateway) is None  # unknown: the page names no figure
    fake.rates = dict(FakeGateway().rates)
    first = await commission.method_rates(gateway)
    second = await commission.method_rates(gateway)
    assert first == second and first is not None
    assert [r.url.path for r in fake.requests].count("/sandbox-gateway/api/v3/payment_methods") == 2
    commission.forget_rates()


async def test_method_rates_time_out_like_every_call():
    from gkh_web.services.payments import commission

    commission.forget_rates()

    async def slow(request):
        await asyncio.sleep(5)
        return httpx.Response(200, json={})

    gateway = HttpGateway(BASE_URL, SHOP_ID, SECRET, transport=httpx.MockTransport(slow),
                          overall_timeout_seconds=0.05)
    assert await commission.method_rates(gateway) is None


def test_method_charge_texts():
    from gkh_web.domain.commission import FREE, CommissionRate
    from gkh_web.services.payments.commission import method_charge

    card = method_charge("card", 123456, CommissionRate(100, 1000))
    assert (card.commission_kopecks, card.charged_kopecks) == (1235, 124691)
    assert card.commission_text == "12,35\u00a0₽ (1\u00a0%, не менее 10,00\u00a0₽)"
    assert card.charged_text == "1\u00a0246,91\u00a0₽"
    wallet = method_charge("wallet", 123456, FREE)
    assert (wallet.commission_text, wallet.charged_kopecks) == ("0,00\u00a0₽ — без комиссии", 123456)
    tiny = method_charge("card", 1, CommissionRate(25))  # 0,0025 коп.: the figure is zero, so it may say so
    assert tiny.commission_text.endswith("без комиссии") and tiny.charged_kopecks == 1


async def test_a_payment_states_its_commission_when_the_gateway_does():
    fake = FakeGateway()
    payment = await create(http_gateway(fake))
    assert payment.commission_kopecks == 1235
    del fake.payments[payment.id]["commission"]
    assert (await http_gateway(fake).get(payment.id)).commission_kopecks is None
    fake.payments[payment.id]["commission"] = {"value": "12.3", "currency": "RUB"}
    with pytest.raises(GatewayUnavailable):
        await http_gateway(fake).get(payment.id)
