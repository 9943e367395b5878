"""An in-memory YooKassa-shaped gateway behind ``httpx.MockTransport``, with injectable faults.

Just enough of the API v3 for the client and the payment services: create
with ``Idempotence-Key`` (same key + same body replays, another body → 400),
get, cancel, the methods' commissions (``rates``: a card 1 % at least 10 ₽ and a free wallet,
like the sandbox's demo settings; ``None`` answers 503); a payment keeps the commission its body
states. The test "pays" or "declines" with helper methods. Its payments
carry ``"test": true`` like a test shop's, or ``false`` with ``FakeGateway(test_mode=False)``. Faults are
consumed one per matching request:

* ``"lost_response"`` — the payment is created, then the answer is lost (ReadTimeout);
* ``"500_after_commit"`` — created, then a 500 answer;
* ``"connect_error"`` — nothing reaches the gateway;
* ``"timeout"`` — nothing created, ReadTimeout.
"""

from __future__ import annotations

import base64
import json
import uuid

import httpx

SHOP_ID = "100500"
SECRET = "test_secret_key"
BASE_URL = "http://gateway.test/sandbox-gateway/api/v3"
PAGE_HOST = "pay.gateway.test"
DEMO_RATES = {
    "bank_card": {"percent": "1.00", "min": {"value": "10.00", "currency": "RUB"}},
    "yoo_money": {"percent": "0.00", "min": {"value": "0.00", "currency": "RUB"}},
}
"""Where the fake gateway's payment pages are; tests allow it with GKH_GATEWAY_PAGE_HOSTS."""


class FakeGateway:
    def __init__(self, *, test_mode: bool = True, page_url: str | None = None,
                 rates: dict[str, dict] | None = DEMO_RATES) -> None:
        self.rates = rates
        """``payment_methods`` items by type; None: the gateway cannot say (503)."""
        self.page_url = page_url
        """The ``confirmation_url`` every payment gets (default: a page on PAGE_HOST); a compromised
        gateway's ``javascript:`` in the attack tests."""
        self.test_mode = test_mode
        """Every payment answers ``"test": true`` (a test shop, like the sandbox) unless False (a live shop)."""
        self.payments: dict[str, dict] = {}
        self.keys: dict[str, tuple[str, str]] = {}
        self.faults: list[tuple[str, str]] = []
        self.requests: list[httpx.Request] = []
        self.create_keys: list[str] = []

    # --- test controls ---------------------------------------------------------------------------
    def fail_next(self, op: str, mode: str) -> None:
        """``op``: "create" | "get" | "cancel"."""
        self.faults.append((op, mode))

    def pay(self, payment_id: str, *, brand: str = "Visa", last4: str = "4242") -> None:
        payment = self.payments[payment_id]
        payment["status"] = "succeeded"
        payment["paid"] = True
        payment["payment_method"] = {"type": "bank_card", "id": payment_id,
                                     "card": {"card_type": brand, "last4": last4, "first6": "424242"}}

    def decline(self, payment_id: str, reason: str = "insufficient_funds") -> None:
        payment = self.payments[payment_id]
        payment["status"] = "canceled"
        payment["cancellation_details"] = {"party": "payment_network", "reason": reason}

    def only_payment(self) -> dict:
        assert len(self.payments) == 1, self.payments
        return next(iter(self.payments.values()))

    def notification(self, payment_id: str, status: str | None = None) -> dict:
        payment = json.loads(json.dumps(self.payments[payment_id]))
        if status is not None:
            payment["status"] = status
        return {"type": "notification", "event": f"payment.{payment['status']}", "object": payment}

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # --- the API ---------------------------------------------------------------------------------
    def _fault(self, op: str) -> str | None:
        for index, (fault_op, mode) in enumerate(self.faults):
            if fault_op == op:
                del self.faults[index]
                return mode
        return None

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        expected = "Basic " + base64.b64encode(f"{SHOP_ID}:{SECRET}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return httpx.Response(401, json={"type": "error", "code": "invalid_credentials"})
        path = request.url.path.removeprefix("/sandbox-gateway/api/v3")
        parts = path.strip("/").split("/")
        if request.method == "GET" and parts == ["payment_methods"]:
            return self._payment_methods()
        if request.method == "POST" and parts == ["payments"]:
            return self._create(request)
        if request.method == "GET" and len(parts) == 2 and parts[0] == "payments":
            return self._with_fault("get", request, lambda: self._get(parts[1]))
        if request.method == "POST" and len(parts) == 3 and parts[2] == "cancel":
            return self._with_fault("cancel", request, lambda: self._cancel(parts[1]))
        return httpx.Response(404, json={"type": "error", "code": "not_found"})

    def _with_fault(self, op, request, action) -> httpx.Response:
        mode = self._fault(op)
        if mode == "connect_error":
            raise httpx.ConnectError("refused", request=request)
        if mode == "timeout":
            raise httpx.ReadTimeout("slow", request=request)
        response = action()
        if mode == "lost_response":
            raise httpx.ReadTimeout("answer lost", request=request)
        if mode == "500_after_commit":
            return httpx.Response(500, json={"type": "error", "code": "internal_server_error"})
        return response

    def _create(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("Idempotence-Key")
        if not key:
            return httpx.Response(400, json={"type": "error", "code": "invalid_request",
                                             "description": "Idempotence-Key header is missing"})
        self.create_keys.append(key)
        return self._with_fault("create", request, lambda: self._create_once(key, request.content))

    def _create_once(self, key: str, content: bytes) -> httpx.Response:
        body = json.loads(content)
        digest = json.dumps(body, sort_keys=True)
        if key in self.keys:
            seen_digest, payment_id = self.keys[key]
            if seen_digest != digest:
                return httpx.Response(400, json={"type": "error", "code": "invalid_request",
                                                 "description": "Idempotence key duplicated"})
            return httpx.Response(200, json=self.payments[payment_id], headers={"Idempotent-Replayed": "true"})
        if "." not in body["amount"]["value"]:
            return httpx.Response(400, json={"type": "error", "code": "invalid_request"})
        payment_id = _new_payment_id()
        self.payments[payment_id] = {
            "id": payment_id, "status": "pending", "paid": False, "amount": body["amount"],
            "description": body.get("description"), "metadata": body.get("metadata", {}),
            "confirmation": {"type": "redirect", "return_url": body["confirmation"]["return_url"],
                             "confirmation_url": self.page_url or f"https://{PAGE_HOST}/pay/{payment_id}"},
            "created_at": "2026-11-25T12:00:00.000Z", "test": self.test_mode,
        }
        if "commission" in body:  # the sandbox's dialect; YooKassa's payment has no such field
            self.payments[payment_id]["commission"] = body["commission"]
        self.keys[key] = (digest, payment_id)
        return httpx.Response(200, json=self.payments[payment_id])

    def _payment_methods(self) -> httpx.Response:
        if self.rates is None:
            return httpx.Response(503, json={"type": "error", "code": "internal_server_error"})
        items = [{"type": kind, "commission": commission} for kind, commission in self.rates.items()]
        return httpx.Response(200, json={"type": "list", "items": items})

    def _get(self, payment_id: str) -> httpx.Response:
        if payment_id not in self.payments:
            return httpx.Response(404, json={"type": "error", "code": "not_found"})
        return httpx.Response(200, json=self.payments[payment_id])

    def _cancel(self, payment_id: str) -> httpx.Response:
        payment = self.payments.get(payment_id)
        if payment is None:
            return httpx.Response(404, json={"type": "error", "code": "not_found"})
        if payment["status"] == "pending":
            payment["status"] = "canceled"
            payment["cancellation_details"] = {"party": "merchant", "reason": "canceled_by_merchant"}
        elif payment["status"] == "succeeded":
            return httpx.Response(400, json={"type": "error", "code": "invalid_request",
                                             "description": "payment already succeeded"})
        return httpx.Response(200, json=payment)


def _new_payment_id() -> str:
    """Random hex in groups of 8: never a run of 13+ digits that the card-number checks would take for a PAN."""
    digits = uuid.uuid4().hex
    return "_".join((digits[:8], digits[8:16], digits[16:24]))


def http_gateway(fake: FakeGateway, **kwargs):
    from gkh_web.services.payments.gateway_client import HttpGateway

    return HttpGateway(BASE_URL, SHOP_ID, SECRET, transport=fake.transport(), **kwargs)
