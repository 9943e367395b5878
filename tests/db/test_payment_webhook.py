"""``POST /payments/webhook``: only signed, fresh notifications are applied."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from starlette.applications import Starlette

from gkh_web.db.engine import session_scope
from gkh_web.domain import payment_states as ps
from gkh_web.payment_webhook import WEBHOOK_PATH, webhook_routes
from gkh_web.sandbox_gateway.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_webhook
from gkh_web.services import payments as pay
from gkh_web.settings import get_settings
from tests.db.test_payments import new_payment, resident, status


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=Starlette(routes=webhook_routes())),
                             base_url="http://kiosk.test")


def _succeeded_body(gateway_payment_id: str, record: pay.PaymentRecord) -> bytes:
    return json.dumps({"type": "notification", "event": "payment.succeeded", "object": {
        "id": gateway_payment_id, "status": "succeeded", "paid": True,
        "amount": {"value": f"{record.amount_kopecks // 100}.{record.amount_kopecks % 100:02d}", "currency": "RUB"},
        "metadata": {"payment_id": record.public_id}}}).encode()


@pytest.fixture
def awaiting_payment(demo_db):
    with session_scope() as session:
        record = new_payment(session, resident(session, "ivanov"))
        pay.transition(session, record.id, ps.SUBMITTED, source="app")
        pay.transition(session, record.id, ps.AWAITING_CUSTOMER, source="gateway", gateway_payment_id="sbx_hook_1")
        session.commit()
    return record


def _headers(body: bytes, *, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
    moment = int(time.time()) if timestamp is None else timestamp
    return {TIMESTAMP_HEADER: str(moment),
            SIGNATURE_HEADER: sign_webhook(body, moment, secret or get_settings().gateway_secret)}


async def test_a_signed_notification_finishes_the_payment(awaiting_payment):
    body = _succeeded_body("sbx_hook_1", awaiting_payment)
    async with _client() as client:
        response = await client.post(WEBHOOK_PATH, content=body, headers=_headers(body))
        again = await client.post(WEBHOOK_PATH, content=body, headers=_headers(body))
    assert response.status_code == 200 and again.status_code == 200
    with session_scope() as session:
        assert status(session, awaiting_payment.id) == ps.SUCCEEDED


@pytest.mark.parametrize("case", ["missing", "wrong_secret", "stale", "tampered"])
async def test_unsigned_or_stale_notifications_change_nothing(awaiting_payment, case):
    body = _succeeded_body("sbx_hook_1", awaiting_payment)
    headers = {
        "missing": {},
        "wrong_secret": _headers(body, secret="not-the-secret"),
        "stale": _headers(body, timestamp=int(time.time()) - 3600),
        "tampered": _headers(body),
    }[case]
    sent = body.replace(b"succeeded", b"succeeded ") if case == "tampered" else body
    async with _client() as client:
        response = await client.post(WEBHOOK_PATH, content=sent, headers=headers)
    assert response.status_code == 401
    with session_scope() as session:
        assert status(session, awaiting_payment.id) == ps.AWAITING_CUSTOMER
