"""A fresh sandbox database per test and an httpx client on the in-process ASGI app."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from gkh_web.sandbox_gateway import db, webhooks
from gkh_web.sandbox_gateway.app import build_sandbox_app
from gkh_web.sandbox_gateway.config import get_sandbox_settings

AUTH = ("sandbox-shop", "sandbox-secret")
API = "/sandbox-gateway/api/v3"
RETURN_URL = "https://kiosk.example/pay/return/abc"
WEBHOOK_URL = "https://app.example/api/payments/webhook/sandbox"


class Receiver:
    """A fake app endpoint that records every webhook (body and headers)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.status_code = 200

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status_code)

    def events(self) -> list[str]:
        return [json.loads(r.content)["event"] for r in self.requests]


@pytest.fixture
def sandbox_env(tmp_path, monkeypatch):
    monkeypatch.setenv("GKH_SANDBOX_DATABASE_URL", f"sqlite:///{tmp_path / 'sandbox.db'}")
    monkeypatch.setenv("GKH_GATEWAY_WEBHOOK_URL", WEBHOOK_URL)
    monkeypatch.setenv("GKH_SANDBOX_SLOW_SECONDS", "0.05")
    monkeypatch.setenv("GKH_SANDBOX_WEBHOOK_BACKOFF_SECONDS", "0")
    for name in ("GKH_GATEWAY_SHOP_ID", "GKH_GATEWAY_SECRET", "GKH_GATEWAY_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    # The cards, pages and webhooks are tested on payments without a commission; the commission has
    # its own tests (test_commission.py), which set the rates they check.
    monkeypatch.setenv("GKH_SANDBOX_COMMISSION_CARD", "0")
    monkeypatch.setenv("GKH_SANDBOX_COMMISSION_WALLET", "0")
    get_sandbox_settings.cache_clear()
    db.dispose_engines()
    yield tmp_path
    webhooks.use_transport(None)
    db.dispose_engines()
    get_sandbox_settings.cache_clear()


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
async def client(sandbox_env, receiver):
    app = build_sandbox_app(webhook_transport=httpx.MockTransport(receiver.handler))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as http:
        yield http
    await webhooks.wait_for_deliveries()


def payment_body(value: str = "1234.56", **extra) -> dict:
    body = {"amount": {"value": value, "currency": "RUB"}, "description": "ЖКУ за 10.2026, ЛС 1001027",
            "metadata": {"payment_id": "p-1"}, "confirmation": {"type": "redirect", "return_url": RETURN_URL}}
    body.update(extra)
    return body


async def create(client: httpx.AsyncClient, body: dict | None = None, key: str | None = None) -> dict:
    response = await client.post(f"{API}/payments", json=body or payment_body(), auth=AUTH,
                                 headers={"Idempotence-Key": key or str(uuid.uuid4())})
    assert response.status_code == 200, response.text
    return response.json()


def page_path(payment: dict) -> str:
    return payment["confirmation"]["confirmation_url"]


async def status_of(client: httpx.AsyncClient, payment_id: str) -> dict:
    response = await client.get(f"{API}/payments/{payment_id}", auth=AUTH)
    assert response.status_code == 200
    return response.json()


async def pay_card(client, payment: dict, number: str, *, expiry: str = "12/30", cvc: str = "123"):
    return await client.post(page_path(payment) + "/card",
                             data={"card_number": number, "expiry": expiry, "cvc": cvc, "holder": ""})
