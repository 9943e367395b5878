"""The payment gateway as the app sees it: a protocol and its YooKassa-shaped HTTP client.

The embedded sandbox (``/sandbox-gateway/api/v3``) and a real YooKassa shop
answer the same REST calls, so one client serves both:

* ``POST /payments`` with ``Idempotence-Key`` creates a payment; the same key
  with the same body replays the original answer (that is how a lost answer
  is recovered: ``find_by_idempotency_key`` sends the create again);
* ``GET /payments/{id}`` reads it; ``POST /payments/{id}/cancel`` cancels it;
* ``GET /payment_methods`` tells each method's commission (a rate and a minimum).

A payment's ``amount`` is what the payer is charged: the documents' sum plus the
method's commission, which the body states as ``commission`` so that the gateway
can recompute it and refuse a payment that disagrees with its own rate.

Errors come in two kinds, and the difference matters for money:

* ``GatewayUnavailable`` — timeout, refused connection, 5xx, 202, an answer
  we cannot parse: **the outcome is unknown**, the payment may exist; retry
  later with the same key, never assume "no money taken";
* ``GatewayRejected`` — a 4xx (except 409 "in progress" and 429): the gateway
  definitely did not do it. ``IdempotencyConflict`` is the 400 «Idempotence key
  duplicated»: the key was used with another body — a bug of ours, never a
  reason to send a fresh key.

A 429 with a short ``Retry-After`` (at most ``INLINE_RETRY_SECONDS``) is waited out
and the same request — same key, same body — sent once more within the call's
time limit; a longer one is ``GatewayUnavailable`` carrying ``retry_after_seconds``.

Amounts travel as ``"1234.56"`` strings built from integer kopecks with
``divmod``; no float is involved anywhere. Credentials travel only in the
Basic auth header, which is never logged.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from gkh_web.domain.commission import CommissionRate, RateError, parse_percent
from gkh_web.domain.fiscal_receipt import FiscalReceipt
from gkh_web.domain.payment_states import GATEWAY_STATUSES
from gkh_web.observability import metrics
from gkh_web.services.tls import client_tls_context

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 3.0
READ_TIMEOUT_SECONDS = 15.0
OVERALL_TIMEOUT_SECONDS = 25.0
METHOD_TYPES = {"card": "bank_card", "wallet": "yoo_money"}
"""Our method → YooKassa ``payment_method_data.type``; no method lets the gateway page offer all."""
_VALUE = re.compile(r"^(\d{1,12})\.(\d{2})$")
_KEY = re.compile(r"^[A-Za-z0-9_:-]{1,64}$")
INLINE_RETRY_SECONDS = 2
"""The longest ``Retry-After`` of a 429 that one call waits out itself (longer: the reconciler's next round)."""


class GatewayError(Exception):
    """Base class; ``str()`` is for the log, never shown to residents."""


class GatewayUnavailable(GatewayError):
    """No usable answer: the request may or may not have had its effect."""

    def __init__(self, message: str, *, retry_after_seconds: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
        """The gateway's ``Retry-After`` (a 429), when it said one."""


class GatewayRejected(GatewayError):
    """The gateway answered 4xx: it did not (and will not) do what was asked."""

    def __init__(self, status_code: int, code: str = "", description: str = "") -> None:
        super().__init__(f"gateway rejected the request: {status_code} {code} {description}".strip())
        self.status_code = status_code
        self.code = code
        self.description = description


class IdempotencyConflict(GatewayRejected):
    """400 «Idempotence key duplicated»: this key already went with another body (what was created then stands)."""


@dataclass(frozen=True)
class GatewayPayment:
    """The gateway's view of one payment (only what the app needs; never the card number)."""

    id: str
    status: str
    """pending | waiting_for_capture | succeeded | canceled."""
    amount_kopecks: int
    """What the payer is charged: the documents' sum plus the commission."""
    confirmation_url: str | None = None
    cancellation_reason: str | None = None
    card_brand: str | None = None
    last4: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    test: bool = False
    """The gateway marks it ``"test": true``: a test shop's payment, no real money (never paid in production)."""
    commission_kopecks: int | None = None
    """The commission the gateway says it charged; None when it does not say."""


class PaymentGateway(Protocol):
    """What ``services.payments`` needs from a gateway."""

    name: str
    base_url: str

    async def create(
        self,
        idempotency_key: str,
        amount_kopecks: int,
        description: str,
        return_url: str,
        method: str | None,
        metadata: Mapping[str, str],
        *,
        commission_kopecks: int,
        receipt: FiscalReceipt | None = None,
    ) -> GatewayPayment: ...

    async def get(self, gateway_payment_id: str) -> GatewayPayment: ...

    async def payment_methods(self) -> dict[str, CommissionRate]: ...

    async def find_by_idempotency_key(
        self,
        idempotency_key: str,
        amount_kopecks: int,
        description: str,
        return_url: str,
        method: str | None,
        metadata: Mapping[str, str],
        *,
        commission_kopecks: int,
        receipt: FiscalReceipt | None = None,
    ) -> GatewayPayment: ...

    async def cancel(self, gateway_payment_id: str, idempotency_key: str) -> GatewayPayment: ...


def kopecks_to_value(kopecks: int) -> str:
    """12345 → "123.45" (integer arithmetic only)."""
    if not isinstance(kopecks, int) or isinstance(kopecks, bool) or kopecks <= 0:
        raise ValueError("amount must be a positive integer number of kopecks")
    rubles, rest = divmod(kopecks, 100)
    return f"{rubles}.{rest:02d}"


def commission_value(kopecks: int) -> str:
    """Like ``kopecks_to_value``, but a commission may be zero: 0 → "0.00"."""
    if kopecks == 0 and not isinstance(kopecks, bool):
        return "0.00"
    return kopecks_to_value(kopecks)


def value_to_kopecks(value: object) -> int:
    """ "123.45" → 12345; anything else (numbers, more digits, negatives) is ValueError."""
    if not isinstance(value, str):
        raise ValueError("amount value must be a string")
    match = _VALUE.match(value)
    if match is None:
        raise ValueError(f"unusable amount value {value!r}")
    return int(match.group(1)) * 100 + int(match.group(2))


def create_body(
    amount_kopecks: int,
    description: str,
    return_url: str,
    method: str | None,
    metadata: Mapping[str, str],
    commission_kopecks: int,
) -> dict[str, Any]:
    """The JSON of ``POST /payments`` (one-stage: ``capture: true``): ``amount`` charged = sum + commission."""
    body: dict[str, Any] = {
        "amount": {"value": kopecks_to_value(amount_kopecks + commission_kopecks), "currency": "RUB"},
        "commission": {"value": commission_value(commission_kopecks), "currency": "RUB"},
        "capture": True,
        "confirmation": {"type": "redirect", "return_url": return_url},
        "description": description[:128],
        "metadata": dict(metadata),
    }
    if method is not None:
        body["payment_method_data"] = {"type": METHOD_TYPES[method]}
    return body


def parse_payment(payload: object) -> GatewayPayment:
    """A payment object of the gateway's answer; ValueError for anything we cannot rely on."""
    if not isinstance(payload, dict):
        raise ValueError("payment is not a JSON object")
    payment_id, status = payload.get("id"), payload.get("status")
    if not isinstance(payment_id, str) or not payment_id or len(payment_id) > 64:
        raise ValueError("payment without a usable id")
    if status not in GATEWAY_STATUSES:
        raise ValueError(f"unknown payment status {status!r}")
    amount = payload.get("amount")
    if not isinstance(amount, dict) or amount.get("currency") != "RUB":
        raise ValueError("payment without a RUB amount")
    kopecks = value_to_kopecks(amount.get("value"))
    confirmation = payload.get("confirmation")
    url = confirmation.get("confirmation_url") if isinstance(confirmation, dict) else None
    details = payload.get("cancellation_details")
    reason = details.get("reason") if isinstance(details, dict) else None
    method = payload.get("payment_method")
    card = method.get("card") if isinstance(method, dict) else None
    brand = last4 = None
    if isinstance(card, dict):
        brand = card.get("card_type") if isinstance(card.get("card_type"), str) else None
        last4 = card.get("last4") if isinstance(card.get("last4"), str) and len(card["last4"]) == 4 else None
    metadata = payload.get("metadata")
    commission = payload.get("commission")
    return GatewayPayment(
        id=payment_id,
        status=status,
        amount_kopecks=kopecks,
        confirmation_url=url if isinstance(url, str) else None,
        cancellation_reason=reason if isinstance(reason, str) else None,
        card_brand=brand[:30] if brand else None,
        last4=last4 if last4 and last4.isdigit() else None,
        metadata={str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else {},
        test=payload.get("test") is True,  # only a JSON true: "true", 1 or a missing field are not
        commission_kopecks=_commission_of(commission) if commission is not None else None,
    )


def _commission_of(commission: object) -> int:
    if not isinstance(commission, dict) or commission.get("currency") != "RUB":
        raise ValueError("commission without a RUB amount")
    return 0 if commission.get("value") == "0.00" else value_to_kopecks(commission.get("value"))


def parse_payment_methods(payload: object) -> dict[str, CommissionRate]:
    """Our methods' rates from ``GET /payment_methods``; ValueError unless both card and wallet are there."""
    items = payload.get("items") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        raise ValueError("payment methods without items")
    types = {kind: method for method, kind in METHOD_TYPES.items()}
    rates: dict[str, CommissionRate] = {}
    for item in items:
        kind = item.get("type") if isinstance(item, dict) else None
        method = types.get(kind) if isinstance(kind, str) else None
        if method is not None:
            rates[method] = _rate_of(item.get("commission"))
    if set(rates) != set(METHOD_TYPES):
        raise ValueError(f"payment methods without a rate for {sorted(set(METHOD_TYPES) - set(rates))}")
    return rates


def _rate_of(commission: object) -> CommissionRate:
    if not isinstance(commission, dict):
        raise ValueError("a method without its commission")
    minimum, percent = commission.get("min", {"value": "0.00", "currency": "RUB"}), commission.get("percent")
    if not isinstance(percent, str):
        raise ValueError("a commission's percent must be a string like \"1.00\"")
    try:
        return CommissionRate(parse_percent(percent), _commission_of(minimum))
    except RateError as error:
        raise ValueError(str(error)) from None


class HttpGateway:
    """``PaymentGateway`` over HTTP (httpx), YooKassa API v3 shape.

    ``base_url`` ends with ``/api/v3`` (e.g. ``http://localhost:8000/sandbox-gateway/api/v3``).
    Every phase has an explicit ``httpx.Timeout`` and each call an overall
    ``asyncio.timeout``; ``transport`` lets tests plug in ``httpx.MockTransport``.
    """

    def __init__(
        self,
        base_url: str,
        shop_id: str,
        secret_key: str,
        *,
        name: str = "sandbox",
        read_timeout_seconds: float = READ_TIMEOUT_SECONDS,  # ok-float: seconds
        connect_timeout_seconds: float = CONNECT_TIMEOUT_SECONDS,  # ok-float: seconds
        overall_timeout_seconds: float = OVERALL_TIMEOUT_SECONDS,  # ok-float: seconds
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self._base_url = base_url.rstrip("/")
        self.base_url = self._base_url
        """Where this gateway is (caches of what it declares are kept per gateway)."""
        self._auth = httpx.BasicAuth(shop_id, secret_key)
        self._timeout = httpx.Timeout(read_timeout_seconds, connect=connect_timeout_seconds)
        self._overall = overall_timeout_seconds
        self._transport = transport

    def __repr__(self) -> str:  # never show the secret
        return f"HttpGateway(name={self.name!r}, base_url={self._base_url!r})"

    async def create(
        self,
        idempotency_key: str,
        amount_kopecks: int,
        description: str,
        return_url: str,
        method: str | None,
        metadata: Mapping[str, str],
        *,
        commission_kopecks: int,
        receipt: FiscalReceipt | None = None,
    ) -> GatewayPayment:
        body = create_body(amount_kopecks, description, return_url, method, metadata, commission_kopecks)
        return await self._call("POST", "/payments", self._in_dialect(body, receipt), idempotency_key)

    def _in_dialect(self, body: dict[str, Any], receipt: FiscalReceipt | None) -> dict[str, Any]:
        """The create body as this gateway wants it. The sandbox's dialect is ``create_body`` itself: the
        commission stated, no fiscal receipt (the sandbox makes none)."""
        return body

    async def find_by_idempotency_key(
        self,
        idempotency_key: str,
        amount_kopecks: int,
        description: str,
        return_url: str,
        method: str | None,
        metadata: Mapping[str, str],
        *,
        commission_kopecks: int,
        receipt: FiscalReceipt | None = None,
    ) -> GatewayPayment:
        """Send the same create again with the same key: the gateway replays the original (or creates it once)."""
        return await self.create(idempotency_key, amount_kopecks, description, return_url, method, metadata,
                                 commission_kopecks=commission_kopecks, receipt=receipt)

    async def get(self, gateway_payment_id: str) -> GatewayPayment:
        return await self._call("GET", f"/payments/{_path_id(gateway_payment_id)}", None, None)

    async def cancel(self, gateway_payment_id: str, idempotency_key: str) -> GatewayPayment:
        return await self._call("POST", f"/payments/{_path_id(gateway_payment_id)}/cancel", {}, idempotency_key)

    async def payment_methods(self) -> dict[str, CommissionRate]:
        """Each of our methods' commission as the gateway declares it (same errors as every call)."""
        what = "GET /payment_methods"
        response = await self._send("GET", "/payment_methods", None, None)
        _refuse_errors(response, what)
        try:
            return parse_payment_methods(response.json())
        except ValueError as problem:
            raise GatewayUnavailable(f"{what}: unusable answer ({problem})") from None

    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None, idempotency_key: str | None
    ) -> GatewayPayment:
        response = await self._send(method, path, body, idempotency_key)
        return _payment_from(response, f"{method} {path}")

    async def _send(
        self, method: str, path: str, body: dict[str, Any] | None, idempotency_key: str | None
    ) -> httpx.Response:
        """One request with the timeouts; any transport trouble is GatewayUnavailable."""
        headers = {}
        if idempotency_key is not None:
            if not _KEY.match(idempotency_key):
                raise ValueError("unusable idempotency key")
            headers["Idempotence-Key"] = idempotency_key
        with metrics.GATEWAY.call(operation_of(method, path)) as outcome:
            try:
                async with asyncio.timeout(self._overall):
                    async with httpx.AsyncClient(
                        base_url=self._base_url,
                        auth=self._auth,
                        timeout=self._timeout,
                        transport=self._transport,
                        trust_env=False,
                        verify=client_tls_context(),
                    ) as client:
                        response = await client.request(method, self._base_url + path, json=body, headers=headers)
                        wait = _short_retry_after(response)
                        if wait is not None:  # too many requests, «come back in a second»: the same request again
                            await asyncio.sleep(wait)
                            response = await client.request(method, self._base_url + path, json=body,
                                                            headers=headers)
            except TimeoutError:
                log.warning("gateway %s %s: no answer within %s s", method, operation_of(method, path), self._overall)
                raise GatewayUnavailable(f"{method} {path}: no answer within {self._overall} s") from None
            except httpx.HTTPError as error:
                log.warning("gateway %s %s: %s", method, operation_of(method, path), error.__class__.__name__)
                raise GatewayUnavailable(f"{method} {path}: {error.__class__.__name__}") from None
            outcome["outcome"] = outcome_of(response.status_code)
        return response


def operation_of(method: str, path: str) -> str:
    """The metric label of one API call: ``create``, ``get``, ``cancel`` or ``payment_methods``
    (never the payment's id, which would make a label per payment)."""
    if path.endswith("/cancel"):
        return "cancel"
    if path.startswith("/payments/"):
        return "get"
    return "create" if path == "/payments" else path.strip("/").replace("/", "_")


def outcome_of(status: int) -> str:
    """``ok`` (200), ``rejected`` (a 4xx the gateway means) or ``error`` (the outcome is unknown: see the module)."""
    if status == 200:
        return "ok"
    return "rejected" if 400 <= status < 500 and status not in (409, 429) else "error"


def retry_after_seconds(response: httpx.Response) -> int | None:
    """A 429's ``Retry-After`` in whole seconds (the delta form; an HTTP date or garbage is None)."""
    value = response.headers.get("retry-after", "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else None


def _short_retry_after(response: httpx.Response) -> int | None:
    wait = retry_after_seconds(response) if response.status_code == 429 else None
    return wait if wait is not None and wait <= INLINE_RETRY_SECONDS else None


def _path_id(gateway_payment_id: str) -> str:
    if not re.match(r"^[A-Za-z0-9_-]{1,64}$", gateway_payment_id):
        raise ValueError("unusable gateway payment id")
    return gateway_payment_id


def _payment_from(response: httpx.Response, what: str) -> GatewayPayment:
    _refuse_errors(response, what)
    try:
        return parse_payment(response.json())
    except ValueError as problem:
        raise GatewayUnavailable(f"{what}: unusable answer ({problem})") from None


def _refuse_errors(response: httpx.Response, what: str) -> None:
    """Raise for anything but a 200: GatewayRejected for a 4xx it means, GatewayUnavailable otherwise."""
    status = response.status_code
    if status in (409, 429):  # the same key still in progress / too many requests: try again later
        raise GatewayUnavailable(f"{what}: answered {status}", retry_after_seconds=retry_after_seconds(response))
    if 400 <= status < 500:
        code = description = ""
        try:
            payload = response.json()
            if isinstance(payload, dict):
                code, description = str(payload.get("code", "")), str(payload.get("description", ""))[:200]
        except ValueError:
            pass
        if status == 400 and "idempotence key duplicated" in description.lower():  # YooKassa's and the sandbox's
            raise IdempotencyConflict(status, code, description)
        raise GatewayRejected(status, code, description)
    if status != 200:
        raise GatewayUnavailable(f"{what}: answered {status}")
