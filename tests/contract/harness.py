"""Harnesses of the gateway contract: the same calls, the same checks, two implementations.

* ``SandboxHarness`` — ``HttpGateway`` talking HTTP to the embedded sandbox's ASGI app. Statuses are
  reached the way a payer reaches them (the sandbox's hosted card page with its test cards); the
  network's misbehaviour (a lost answer, a 500, a 429 with ``Retry-After``, a cut-off body) is injected
  by ``FaultyTransport``, which sits where a proxy would and lets everything else through untouched.
* ``YooKassaHarness`` — ``YooKassaGateway`` against a recording: ``RecordedYooKassa`` answers each
  request with the next recorded response only after checking the request is the recorded one (method,
  path, Basic auth, Idempotence-Key and the JSON body, receipt included). A recording must be used up.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gkh_web.domain.commission import CommissionRate
from gkh_web.domain.fiscal_receipt import DocumentCharge, FiscalReceipt, build_receipt
from gkh_web.sandbox_gateway.app import build_sandbox_app
from gkh_web.services.payments.gateway_client import HttpGateway
from gkh_web.services.payments.yookassa import YooKassaGateway
from tests.sandbox.conftest import API, AUTH, pay_card

RECORDINGS = Path(__file__).resolve().parent.parent / "data" / "yookassa"
KEY = "5d2c8f0e9a1b4c3d8e7f6a5b4c3d2e1f"
PUBLIC_ID = "9f1c2d3e4b5a69788796a5b4c3d2e1f0"
AMOUNT = 122221
DESCRIPTION = "Оплата ЖКУ: 77-1001027-2610, 77-1001042-2610"
RETURN_URL = f"https://gkh.example.ru/pay/result?payment={PUBLIC_ID}"


def receipt_for(amount: int) -> FiscalReceipt:
    """Two documents, 1000,00 ₽ and the rest: the receipt of the stored payment, sent with its create."""
    return build_receipt(
        [DocumentCharge("ЖКУ за октябрь 2026, ПД № 77-1001027-2610, л/с 1001027", 100000),
         DocumentCharge("ЖКУ за октябрь 2026, ПД № 77-1001042-2610, л/с 1001042", amount - 100000)],
        commission_kopecks=0, charged_kopecks=amount, email="ivanov@example.com",
    )

CARDS = {"succeeded": "4242424242424242", "waiting_for_capture": "4000009900000053", "canceled": "4000000000009995"}
"""The sandbox's test cards that take a payment to each status (``pending``: nobody pays)."""


def create_arguments(amount: int = AMOUNT) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """What the app sends for one stored payment: our persisted key, a redirect back to our public URL."""
    return ((KEY, amount, DESCRIPTION, RETURN_URL, "card", {"payment_id": PUBLIC_ID}),
            {"commission_kopecks": 0, "receipt": receipt_for(amount)})


class FaultyTransport(httpx.AsyncBaseTransport):
    """In front of the sandbox: records every request and misbehaves once per queued fault.

    ``lost`` — the sandbox does it, the answer comes too late (sleeps past the caller's time limit);
    ``500`` — the sandbox does it, a 500 comes back instead; ``429:N`` — refused before the sandbox
    with ``Retry-After: N``; ``cut`` — the sandbox's answer cut off mid-JSON.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.faults: list[str] = []
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        fault = self.faults.pop(0) if self.faults else ""
        if fault.startswith("429:"):
            return httpx.Response(429, headers={"Retry-After": fault[4:]},
                                  json={"type": "error", "code": "too_many_requests"})
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        if fault == "lost":
            await asyncio.sleep(1.0)
        if fault == "500":
            return httpx.Response(500, json={"type": "error", "code": "internal_server_error"})
        if fault == "cut":
            return httpx.Response(200, content=body[: len(body) // 2], headers={"Content-Type": "application/json"})
        return httpx.Response(response.status_code, headers=response.headers, content=body)


@dataclass
class RecordedYooKassa:
    """An ``httpx.MockTransport`` handler that replays a recording and checks each request against it."""

    recording: dict[str, Any]
    requests: list[httpx.Request] = field(default_factory=list)
    used: int = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        exchanges = self.recording["exchanges"]
        assert self.used < len(exchanges), f"unrecorded request {request.method} {request.url.path}"
        expected, answer = exchanges[self.used]["request"], exchanges[self.used]["response"]
        self.used += 1
        self._check(request, expected)
        if "delay_seconds" in answer:
            await asyncio.sleep(answer["delay_seconds"])
        if "json" in answer:
            return httpx.Response(answer["status"], headers=answer["headers"], json=answer["json"])
        return httpx.Response(answer["status"], headers=answer["headers"], text=answer["text"])

    def _check(self, request: httpx.Request, expected: dict[str, Any]) -> None:
        auth = self.recording["auth"]
        basic = "Basic " + base64.b64encode(f"{auth['shop_id']}:{auth['secret_key']}".encode()).decode()
        assert (request.method, request.url.path) == (expected["method"], expected["path"])
        assert request.headers.get("Authorization") == basic
        assert request.headers.get("Idempotence-Key") == expected["idempotence_key"]
        body = json.loads(request.content) if request.content else None
        assert body == expected["body"], json.dumps(body, ensure_ascii=False)

    def used_up(self) -> bool:
        return self.used == len(self.recording["exchanges"])


class SandboxHarness:
    kind = "sandbox"

    def __init__(self, overall_timeout_seconds: float) -> None:  # ok-float: seconds
        asgi = httpx.ASGITransport(app=build_sandbox_app(webhook_transport=httpx.MockTransport(
            lambda request: httpx.Response(200))))
        self.asgi = asgi
        self.wire = FaultyTransport(asgi)
        self.gateway = HttpGateway("http://sandbox" + API, *AUTH, transport=self.wire,
                                   overall_timeout_seconds=overall_timeout_seconds)

    @property
    def requests(self) -> list[httpx.Request]:
        return self.wire.requests

    def inject(self, *faults: str) -> None:
        self.wire.faults.extend(faults)

    async def drive(self, confirmation_url: str | None, status: str) -> None:
        """Take the payment to ``status`` as a payer would: the hosted card page with the status's test card."""
        if status == "pending":
            return
        assert confirmation_url
        async with httpx.AsyncClient(transport=self.asgi, base_url="http://sandbox") as browser:
            await pay_card(browser, {"confirmation": {"confirmation_url": confirmation_url}}, CARDS[status])

    def used_up(self) -> bool:
        return True


class YooKassaHarness:
    kind = "yookassa"

    def __init__(self, recording: str, overall_timeout_seconds: float,  # ok-float: seconds
                 rates: dict[str, CommissionRate] | None = None) -> None:
        data = json.loads((RECORDINGS / f"{recording}.json").read_text())
        self.fake = RecordedYooKassa(data)
        self.gateway = YooKassaGateway(
            "https://api.yookassa.ru/v3", data["auth"]["shop_id"], data["auth"]["secret_key"],
            rates=rates or {"card": CommissionRate(0), "wallet": CommissionRate(0)},
            transport=httpx.MockTransport(self.fake), overall_timeout_seconds=overall_timeout_seconds,
        )

    @property
    def requests(self) -> list[httpx.Request]:
        return self.fake.requests

    def inject(self, *faults: str) -> None:
        """The recording already holds the misbehaviour."""

    async def drive(self, confirmation_url: str | None, status: str) -> None:
        """The recording's next answer already is the payment in ``status``."""

    def used_up(self) -> bool:
        return self.fake.used_up()
