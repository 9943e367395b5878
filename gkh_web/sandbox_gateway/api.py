"""REST API of the sandbox, shaped like YooKassa v3 (design/payments.md §2, §6.6).

``POST payments``, ``GET payments/{id}``, ``POST payments/{id}/cancel`` and
``…/capture`` under ``/sandbox-gateway/api/v3``. HTTP Basic ``shop_id:secret``;
every POST needs an ``Idempotence-Key``: a retry with the same key and body
gets the stored answer, the same key with another body is refused.

``GET payment_methods`` publishes each method's commission (the sandbox's settings). A
payment states its commission (``"commission": {"value", "currency"}``, absent = none) and its
``amount`` is what the payer is charged, the sum plus that commission. The sandbox recomputes
the commission of the sum from its own rates and refuses a payment that disagrees: nobody is
charged a commission other than the one the gateway declares.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import re
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gkh_web.domain.commission import commission_kopecks, percent_value
from gkh_web.sandbox_gateway import store, webhooks
from gkh_web.sandbox_gateway.amounts import (
    AmountError,
    format_amount_value,
    parse_amount_value,
    parse_commission_value,
)
from gkh_web.sandbox_gateway.config import API_PREFIX, get_sandbox_settings
from gkh_web.sandbox_gateway.objects import payment_object

MAX_BODY_BYTES = 64 * 1024
_KEY_RE = re.compile(r"[A-Za-z0-9\-_:]{1,64}")
METHODS = {"bank_card": "bank_card", "wallet": "wallet", "yoo_money": "wallet"}
PUBLISHED_METHODS = (("bank_card", "bank_card"), ("yoo_money", "wallet"))
"""(type in ``payment_methods``, the sandbox's own method): the types the app asks for."""


class ApiError(Exception):
    """A 4xx answer in YooKassa's error shape; nothing is created or stored."""

    def __init__(self, status: int, code: str, description: str, parameter: str | None = None) -> None:
        super().__init__(description)
        self.status, self.code, self.description, self.parameter = status, code, description, parameter

    def response(self) -> JSONResponse:
        body = {"type": "error", "id": str(uuid.uuid4()), "code": self.code, "description": self.description}
        if self.parameter:
            body["parameter"] = self.parameter
        return JSONResponse(body, status_code=self.status)


def _check_auth(request: Request) -> None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:
        shop_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        shop_id = secret = ""
    settings = get_sandbox_settings()
    ok_id = hmac.compare_digest(shop_id.encode(), settings.shop_id.encode())
    ok_secret = hmac.compare_digest(secret.encode(), settings.secret.encode())
    if scheme.lower() != "basic" or not (ok_id and ok_secret):
        raise ApiError(401, "invalid_credentials", "Authentication by given credentials failed")


def _idempotence_key(request: Request) -> str:
    key = request.headers.get("idempotence-key", "")
    if not _KEY_RE.fullmatch(key):
        raise ApiError(400, "invalid_request", "Idempotence-Key header is missing or malformed", "Idempotence-Key")
    return key


async def _json_body(request: Request, *, required: bool) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(400, "invalid_request", "Request body is too large")
    if not body.strip() and not required:
        return {}
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "invalid_request", "Request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_request", "Request body must be a JSON object")
    return data


def _request_hash(request: Request, data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.url.path}\n{canonical}".encode()).hexdigest()


def _amount_kopecks(data: dict[str, Any]) -> int:
    amount = data.get("amount")
    if not isinstance(amount, dict) or amount.get("currency") != "RUB":
        raise ApiError(400, "invalid_request", "amount must be {value, currency: RUB}", "amount")
    try:
        return parse_amount_value(amount.get("value"))
    except AmountError as error:
        raise ApiError(400, "invalid_request", str(error), "amount.value") from None


def _return_url(data: dict[str, Any]) -> str:
    confirmation = data.get("confirmation")
    url = confirmation.get("return_url") if isinstance(confirmation, dict) else None
    if not isinstance(confirmation, dict) or confirmation.get("type") != "redirect" or not isinstance(url, str):
        raise ApiError(400, "invalid_request", "confirmation must be {type: redirect, return_url}", "confirmation")
    parts = urlsplit(url)
    absolute = parts.scheme in ("http", "https") and parts.netloc
    relative = not parts.scheme and not parts.netloc and url.startswith("/") and not url.startswith("//")
    if not (absolute or relative) or len(url) > 2048:
        raise ApiError(400, "invalid_request", "return_url must be an http(s) URL", "confirmation.return_url")
    return url


def _metadata_json(data: dict[str, Any]) -> str:
    metadata = data.get("metadata") or {}
    if not isinstance(metadata, dict) or len(metadata) > 16:
        raise ApiError(400, "invalid_request", "metadata must be an object of at most 16 keys", "metadata")
    if not all(isinstance(v, (str, int, bool)) or v is None for v in metadata.values()):
        raise ApiError(400, "invalid_request", "metadata values must be scalars", "metadata")
    return json.dumps(metadata, ensure_ascii=False)


def _requested_method(data: dict[str, Any]) -> str | None:
    method_data = data.get("payment_method_data")
    if method_data is None:
        return None
    kind = method_data.get("type") if isinstance(method_data, dict) else None
    method = METHODS.get(kind) if isinstance(kind, str) else None
    if method is None:
        raise ApiError(400, "invalid_request", "payment_method_data.type must be bank_card or wallet",
                       "payment_method_data.type")
    return method


def _stated_commission(data: dict[str, Any], amount_kopecks: int) -> int:
    """The commission the payment states (none when absent); it must leave a positive sum."""
    commission = data.get("commission")
    if commission is None:
        return 0
    if not isinstance(commission, dict) or commission.get("currency") != "RUB":
        raise ApiError(400, "invalid_request", "commission must be {value, currency: RUB}", "commission")
    try:
        kopecks = parse_commission_value(commission.get("value"))
    except AmountError as error:
        raise ApiError(400, "invalid_request", str(error), "commission.value") from None
    if kopecks >= amount_kopecks:
        raise ApiError(400, "invalid_request", "commission must be less than amount", "commission.value")
    return kopecks


def methods_charging(sum_kopecks: int, commission: int, requested: str | None) -> list[str]:
    """The methods (``bank_card``, ``wallet``) whose declared rate gives exactly ``commission`` on the sum."""
    settings = get_sandbox_settings()
    candidates = [requested] if requested else [method for _, method in PUBLISHED_METHODS]
    return [method for method in candidates
            if commission_kopecks(sum_kopecks, settings.commission_rate(method)) == commission]


def _payment_values(data: dict[str, Any]) -> dict[str, Any]:
    description = data.get("description") or ""
    if not isinstance(description, str) or len(description) > 128:
        raise ApiError(400, "invalid_request", "description must be a string of at most 128 characters",
                       "description")
    amount = _amount_kopecks(data)
    commission = _stated_commission(data, amount)
    method = _requested_method(data)
    if not methods_charging(amount - commission, commission, method):
        raise ApiError(400, "invalid_request", "commission does not match the rate of the payment method",
                       "commission.value")
    return {
        "amount_kopecks": amount, "commission_kopecks": commission, "currency": "RUB",
        "description": description, "metadata_json": _metadata_json(data), "return_url": _return_url(data),
        "requested_method": method,
    }


async def _idempotent(request: Request, data: dict[str, Any], action) -> JSONResponse:
    """Run ``action()`` once per key: replay the stored answer, refuse another body or a key in flight."""
    settings = get_sandbox_settings()
    key = _idempotence_key(request)
    state = await run_in_threadpool(store.claim_key, key, _request_hash(request, data),
                                    settings.idempotence_ttl_seconds)
    if state.kind == "replay":
        assert state.status_code is not None, "a replayed answer is stored with its status code"
        return JSONResponse(state.response, status_code=state.status_code, headers={"Idempotent-Replayed": "true"})
    if state.kind == "conflict":
        raise ApiError(400, "invalid_request", "Idempotence key duplicated", "Idempotence-Key")
    if state.kind == "in_flight":
        raise ApiError(409, "idempotency_key_in_use", "A request with this Idempotence-Key is in progress")
    try:
        body = await action(key)
    except ApiError:
        await run_in_threadpool(store.release_key, key)
        raise
    await run_in_threadpool(store.store_response, key, 200, body)
    return JSONResponse(body)


def _handles_errors(handler):
    @functools.wraps(handler)
    async def wrapped(request: Request) -> JSONResponse:
        try:
            _check_auth(request)
            return await handler(request)
        except ApiError as error:
            return error.response()
    return wrapped


@_handles_errors
async def create_payment(request: Request) -> JSONResponse:
    """Create a pending payment and its one-time hosted page."""
    _idempotence_key(request)
    data = await _json_body(request, required=True)
    values = _payment_values(data)
    settings = get_sandbox_settings()

    async def action(key: str) -> dict[str, Any]:
        row, token = await run_in_threadpool(
            store.create_payment, dict(values, idempotence_key=key, request_hash=_request_hash(request, data)),
            settings.page_ttl_seconds)
        return payment_object(row, page_token=token)

    return await _idempotent(request, data, action)


async def _current(payment_id: str):
    row = await run_in_threadpool(store.get_payment, payment_id)
    if row is None:
        raise ApiError(404, "not_found", "Payment not found", "payment_id")
    return row


@_handles_errors
async def get_payment(request: Request) -> JSONResponse:
    """The payment as it is now (the app trusts this, not webhook bodies)."""
    row = await _current(request.path_params["payment_id"])
    if await run_in_threadpool(expire_if_due, row):
        webhooks.schedule(row.id, 1)
        row = await _current(row.id)
    return JSONResponse(payment_object(row))


def expire_if_due(row) -> bool:
    """A pending payment past its page deadline becomes ``canceled/expired_on_confirmation``."""
    if row.status != "pending" or row.page_expires_at > time.time():
        return False
    return store.set_status(row.id, "canceled", from_statuses=("pending",),
                            reason="expired_on_confirmation", party="yoo_money")


@_handles_errors
async def cancel_payment(request: Request) -> JSONResponse:
    """Cancel a pending or authorised payment (friendlier than YooKassa, as §6.6 says)."""
    payment_id = request.path_params["payment_id"]
    data = await _json_body(request, required=False)

    async def action(_key: str) -> dict[str, Any]:
        row = await _current(payment_id)
        changed = await run_in_threadpool(store.set_status, row.id, "canceled",
                                          reason="canceled_by_merchant", party="merchant")
        if not changed:
            raise ApiError(400, "invalid_request", f"Payment is {row.status} and cannot be canceled", "payment_id")
        webhooks.schedule(row.id, 1)
        return payment_object(await _current(row.id))

    return await _idempotent(request, data, action)


@_handles_errors
async def capture_payment(request: Request) -> JSONResponse:
    """Capture an authorised (``waiting_for_capture``) payment."""
    payment_id = request.path_params["payment_id"]
    data = await _json_body(request, required=False)

    async def action(_key: str) -> dict[str, Any]:
        row = await _current(payment_id)
        changed = await run_in_threadpool(store.set_status, row.id, "succeeded",
                                          from_statuses=("waiting_for_capture",))
        if not changed:
            raise ApiError(400, "invalid_request", f"Payment is {row.status} and cannot be captured", "payment_id")
        webhooks.schedule(row.id, 1)
        return payment_object(await _current(row.id))

    return await _idempotent(request, data, action)


@_handles_errors
async def payment_methods(request: Request) -> JSONResponse:
    """Each method's commission as this gateway charges it: a percentage string and a minimum amount."""
    settings = get_sandbox_settings()
    items = []
    for kind, method in PUBLISHED_METHODS:
        rate = settings.commission_rate(method)
        items.append({"type": kind, "commission": {
            "percent": percent_value(rate.basis_points),
            "min": {"value": format_amount_value(rate.min_kopecks), "currency": "RUB"}}})
    return JSONResponse({"type": "list", "items": items})


def api_routes() -> list[Route]:
    return [
        Route(f"{API_PREFIX}/payment_methods", payment_methods, methods=["GET"]),
        Route(f"{API_PREFIX}/payments", create_payment, methods=["POST"]),
        Route(f"{API_PREFIX}/payments/{{payment_id}}", get_payment, methods=["GET"]),
        Route(f"{API_PREFIX}/payments/{{payment_id}}/cancel", cancel_payment, methods=["POST"]),
        Route(f"{API_PREFIX}/payments/{{payment_id}}/capture", capture_payment, methods=["POST"]),
    ]
