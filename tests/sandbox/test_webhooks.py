"""Webhook signatures (sign/verify) and background delivery to a fake receiver."""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json

import httpx
import pytest

from gkh_web.domain import webhook_signature as signing
from gkh_web.domain.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_webhook, verify_webhook
from gkh_web.sandbox_gateway import store, webhooks
from tests.sandbox.conftest import create, page_path, pay_card

SECRET = "sandbox-secret"
WEBHOOK_SECRET = "sandbox-webhook-secret"
"""The notifications' key: apart from the shop's API secret (GKH_GATEWAY_WEBHOOK_SECRET)."""
BODY = b'{"type":"notification","event":"payment.succeeded"}'
NOW = 1_790_000_000


def test_sign_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign_webhook(BODY, NOW, SECRET) == expected


def test_verify_accepts_a_fresh_correct_signature():
    assert verify_webhook(BODY, str(NOW), sign_webhook(BODY, NOW, SECRET), SECRET, now=NOW + 10)


@pytest.mark.parametrize(("timestamp", "signature"), [(None, "x"), (str(NOW), None), ("", ""), ("abc", "x")])
def test_verify_rejects_missing_headers(timestamp, signature):
    assert not verify_webhook(BODY, timestamp, signature, SECRET, now=NOW)


def test_verify_rejects_wrong_secret_and_altered_body():
    signature = sign_webhook(BODY, NOW, SECRET)
    assert not verify_webhook(BODY, str(NOW), signature, "other-secret", now=NOW)
    assert not verify_webhook(BODY + b" ", str(NOW), signature, SECRET, now=NOW)
    assert not verify_webhook(BODY, str(NOW), "0" * 64, SECRET, now=NOW)


@pytest.mark.parametrize("offset", [301, -301, 86_400])
def test_verify_rejects_stale_or_future_timestamp(offset):
    signature = sign_webhook(BODY, NOW, SECRET)
    assert not verify_webhook(BODY, str(NOW), signature, SECRET, now=NOW + offset)


def test_replayed_body_with_another_timestamp_is_rejected():
    old_signature = sign_webhook(BODY, NOW, SECRET)
    later = NOW + 1000
    assert not verify_webhook(BODY, str(later), old_signature, SECRET, now=later)


def test_verify_uses_compare_digest():
    assert "hmac.compare_digest" in inspect.getsource(signing.verify_webhook)


async def _pay_and_wait(client, number: str) -> dict:
    payment = await create(client)
    assert (await pay_card(client, payment, number)).status_code == 303
    await webhooks.wait_for_deliveries()
    return payment


async def test_success_sends_one_signed_notification(client, receiver):
    payment = await _pay_and_wait(client, "4242424242424242")
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert str(request.url) == "https://app.example/api/payments/webhook/sandbox"
    body = json.loads(request.content)
    assert body["type"] == "notification" and body["event"] == "payment.succeeded"
    assert body["object"]["id"] == payment["id"] and body["object"]["status"] == "succeeded"
    timestamp = request.headers[TIMESTAMP_HEADER]
    assert verify_webhook(request.content, timestamp, request.headers[SIGNATURE_HEADER], WEBHOOK_SECRET,
                          now=int(timestamp))
    assert not verify_webhook(request.content, timestamp, request.headers[SIGNATURE_HEADER], SECRET,
                              now=int(timestamp))
    delivery, = store.deliveries_for(payment["id"])
    assert delivery.attempts == 1 and delivery.delivered_at is not None


async def test_the_webhook_key_comes_from_its_own_setting(client, receiver, monkeypatch):
    monkeypatch.setenv("GKH_GATEWAY_WEBHOOK_SECRET", "configured-webhook-key")
    from gkh_web.sandbox_gateway.config import get_sandbox_settings
    get_sandbox_settings.cache_clear()
    await _pay_and_wait(client, "4242424242424242")
    request = receiver.requests[0]
    timestamp = request.headers[TIMESTAMP_HEADER]
    assert verify_webhook(request.content, timestamp, request.headers[SIGNATURE_HEADER], "configured-webhook-key",
                          now=int(timestamp))


async def test_decline_sends_payment_canceled(client, receiver):
    await _pay_and_wait(client, "4000000000000002")
    body = json.loads(receiver.requests[0].content)
    assert body["event"] == "payment.canceled"
    assert body["object"]["cancellation_details"]["reason"] == "general_decline"


async def test_duplicate_webhook_card_sends_twice(client, receiver):
    payment = await _pay_and_wait(client, "4000009900000038")
    assert receiver.events() == ["payment.succeeded", "payment.succeeded"]
    assert len(store.deliveries_for(payment["id"])) == 2


async def test_no_webhook_card_sends_none(client, receiver):
    payment = await _pay_and_wait(client, "4000009900000020")
    assert receiver.requests == []
    assert store.deliveries_for(payment["id"]) == []


async def test_failed_delivery_is_recorded_not_raised(client, receiver):
    receiver.status_code = 500
    payment = await _pay_and_wait(client, "4242424242424242")
    delivery, = store.deliveries_for(payment["id"])
    assert delivery.attempts == 3 and delivery.delivered_at is None and delivery.last_status_code == 500
    assert len(receiver.requests) == 3


async def test_unreachable_receiver_is_recorded(client):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    webhooks.use_transport(httpx.MockTransport(refuse))
    payment = await _pay_and_wait(client, "4242424242424242")
    delivery, = store.deliveries_for(payment["id"])
    assert delivery.delivered_at is None and "ConnectError" in delivery.last_error


async def test_no_webhook_url_means_no_delivery(client, receiver, monkeypatch):
    monkeypatch.delenv("GKH_GATEWAY_WEBHOOK_URL")
    from gkh_web.sandbox_gateway.config import get_sandbox_settings
    get_sandbox_settings.cache_clear()
    await _pay_and_wait(client, "4242424242424242")
    assert receiver.requests == []


async def test_page_answers_before_a_slow_receiver(client, receiver):
    import asyncio

    release = asyncio.Event()

    async def slow_app(scope, receive, send):
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    webhooks.use_transport(httpx.ASGITransport(app=slow_app))
    payment = await create(client)
    response = await asyncio.wait_for(pay_card(client, payment, "4242424242424242"), timeout=2)
    assert response.status_code == 303
    release.set()
    await webhooks.wait_for_deliveries()
    delivery, = store.deliveries_for(payment["id"])
    assert delivery.delivered_at is not None


async def test_wallet_payment_sends_webhook(client, receiver):
    payment = await create(client)
    await client.post(page_path(payment) + "/wallet/register", data={"phone": "+79005556677"})
    await client.post(page_path(payment) + "/wallet", data={"phone": "+79005556677", "code": "0000"})
    await webhooks.wait_for_deliveries()
    assert receiver.events() == ["payment.succeeded"]
