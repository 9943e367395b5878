"""``POST /payments/webhook``: only signed, fresh notifications are heard, and then only as hints.

The route asks the gateway (here ``tests.fake_gateway``) about the payment the
notification names; the attacks on it live in ``tests/security/test_webhooks.py``.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from starlette.applications import Starlette

from gkh_web import payment_webhook
from gkh_web.db.engine import session_scope
from gkh_web.domain import payment_states as ps
from gkh_web.domain.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_webhook
from gkh_web.payment_webhook import MAX_BODY_BYTES, WEBHOOK_PATH, sender_address, sender_allowed, webhook_routes
from gkh_web.services import payments as pay
from gkh_web.settings import get_settings
from tests.db.test_payments import RETURN_URL, T0, new_payment, resident, status
from tests.fake_gateway import FakeGateway, http_gateway


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=Starlette(routes=webhook_routes())),
                             base_url="http://kiosk.test")


@pytest.fixture
def fake(monkeypatch) -> FakeGateway:
    """The gateway the route asks."""
    gateway = FakeGateway()
    monkeypatch.setattr(payment_webhook, "current_gateway", lambda: http_gateway(gateway))
    return gateway


@pytest.fixture
async def awaiting_payment(demo_db, fake):
    """(the payment, its gateway id): the payer is on the gateway's page."""
    with session_scope() as session:
        record = new_payment(session, resident(session, "ivanov"))
    await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=session_scope, now=T0)
    return record, fake.only_payment()["id"]


def _headers(body: bytes, *, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
    moment = int(time.time()) if timestamp is None else timestamp
    return {TIMESTAMP_HEADER: str(moment),
            SIGNATURE_HEADER: sign_webhook(body, moment, secret or get_settings().gateway_webhook_secret)}


async def test_a_signed_notification_finishes_the_payment(awaiting_payment, fake):
    record, gid = awaiting_payment
    fake.pay(gid)
    body = json.dumps(fake.notification(gid)).encode()
    async with _client() as client:
        response = await client.post(WEBHOOK_PATH, content=body, headers=_headers(body))
        again = await client.post(WEBHOOK_PATH, content=body, headers=_headers(body))
    assert (response.status_code, response.json()) == (200, {"result": "applied"})
    assert (again.status_code, again.json()) == (200, {"result": "ignored"})
    with session_scope() as session:
        assert status(session, record.id) == ps.SUCCEEDED


@pytest.mark.parametrize("case", ["missing", "wrong_secret", "shop_secret", "stale", "tampered"])
async def test_unsigned_or_stale_notifications_change_nothing(awaiting_payment, fake, case):
    record, gid = awaiting_payment
    fake.pay(gid)
    body = json.dumps(fake.notification(gid)).encode()
    headers = {
        "missing": {},
        "wrong_secret": _headers(body, secret="not-the-secret"),
        "shop_secret": _headers(body, secret=get_settings().gateway_secret),
        "stale": _headers(body, timestamp=int(time.time()) - 3600),
        "tampered": _headers(body),
    }[case]
    sent = body.replace(b"succeeded", b"succeeded ") if case == "tampered" else body
    async with _client() as client:
        response = await client.post(WEBHOOK_PATH, content=sent, headers=headers)
    assert response.status_code == 401
    with session_scope() as session:
        assert status(session, record.id) == ps.AWAITING_CUSTOMER


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b'"text"'])
async def test_a_signed_body_that_is_no_json_object_is_malformed(demo_db, fake, content):
    async with _client() as client:
        response = await client.post(WEBHOOK_PATH, content=content, headers=_headers(content))
    assert response.status_code == 400 and fake.requests == []


async def test_a_body_at_the_limit_is_read_and_one_byte_more_is_not(demo_db, fake):
    notification = json.dumps({"object": {"id": "nosuchpayment"}}).encode()
    exact = notification + b" " * (MAX_BODY_BYTES - len(notification))
    async with _client() as client:
        heard = await client.post(WEBHOOK_PATH, content=exact, headers=_headers(exact))
        refused = await client.post(WEBHOOK_PATH, content=exact + b" ", headers=_headers(exact + b" "))
    assert (heard.status_code, heard.json()) == (200, {"result": "unknown"})
    assert refused.status_code == 413


async def test_a_chunked_notification_within_the_limit_is_heard(awaiting_payment, fake):
    record, gid = awaiting_payment
    fake.pay(gid)
    body = json.dumps(fake.notification(gid)).encode()

    async def chunks():
        for start in range(0, len(body), 100):
            yield body[start:start + 100]

    async with _client() as client:
        response = await client.post(WEBHOOK_PATH, content=chunks(), headers=_headers(body))
    assert (response.status_code, response.json()) == (200, {"result": "applied"})
    with session_scope() as session:
        assert status(session, record.id) == ps.SUCCEEDED


class _Request:
    def __init__(self, peer: str, forwarded: str | None = None) -> None:
        self.client = type("Client", (), {"host": peer})()
        self.headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}


@pytest.mark.parametrize(("proxies", "peer", "forwarded", "expected"), [
    ((), "10.0.0.2", "185.71.76.5", "10.0.0.2"),  # no proxy of ours: the header is never read
    (("10.0.0.0/24",), "203.0.113.9", "185.71.76.5", "203.0.113.9"),  # not our proxy: its header is its word
    (("10.0.0.0/24",), "10.0.0.2", "185.71.76.5", "185.71.76.5"),
    (("10.0.0.0/24",), "10.0.0.2", "1.1.1.1, 185.71.76.5", "185.71.76.5"),
    (("10.0.0.0/24",), "10.0.0.2", "1.1.1.1, 185.71.76.5, 10.0.0.9", "185.71.76.5"),  # two proxies of ours
    (("10.0.0.0/24",), "10.0.0.2", "", "10.0.0.2"),  # our proxy wrote nothing: the peer
    (("10.0.0.0/24",), "10.0.0.2", "10.0.0.7", "10.0.0.7"),  # only our own addresses: the first one
])
def test_sender_address_reads_forwarded_for_only_from_our_proxies(proxies, peer, forwarded, expected):
    assert sender_address(_Request(peer, forwarded), proxies) == expected


@pytest.mark.parametrize(("address", "networks", "allowed"), [
    ("203.0.113.9", (), True),
    ("185.71.76.31", ("185.71.76.0/27",), True),
    ("185.71.76.32", ("185.71.76.0/27",), False),
    ("77.75.156.11", ("77.75.156.11",), True),
    ("2a02:5180::1", ("185.71.76.0/27", "2a02:5180::/32"), True),
    ("::ffff:185.71.76.5", ("185.71.76.0/27",), True),
    ("not-an-address", ("185.71.76.0/27",), False),
    ("185.71.76.5", ("garbage",), False),  # a malformed setting narrows the list, never opens it
])
def test_sender_allowed(address, networks, allowed):
    assert sender_allowed(address, networks) is allowed
