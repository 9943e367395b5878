"""Attacks on ``POST /payments/webhook``: the gateway's notifications, as someone else would send them.

A notification is a hint and nothing more: it may make the app ask the gateway sooner, never tell it what
happened. The attacks: a body too big to hold (declared, chunked, or lying about its size), a sender
outside the gateway's networks, a correctly signed body that lies about the payment (so the signature
alone is no defence: YooKassa does not even sign), a gateway that cannot be asked, an old notification
replayed, and a signature made with the wrong key.
"""

from __future__ import annotations

import time

import httpx
import pytest

from gkh_web import payment_webhook
from gkh_web.db.engine import session_scope
from gkh_web.db.models import Payment
from gkh_web.domain import payment_states as ps
from gkh_web.domain.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_webhook
from gkh_web.payment_webhook import MAX_BODY_BYTES, WEBHOOK_PATH
from gkh_web.sandbox_gateway import store, webhooks
from gkh_web.sandbox_gateway.app import build_sandbox_app
from gkh_web.sandbox_gateway.config import get_sandbox_settings
from gkh_web.services import payments as pay
from gkh_web.services.payments.gateway_client import HttpGateway
from gkh_web.settings import SANDBOX_SHOP_SECRET, SANDBOX_WEBHOOK_SECRET, get_settings
from tests.db.test_payments import RETURN_URL, new_payment, resident
from tests.fake_gateway import FakeGateway
from tests.sandbox.conftest import API, AUTH, create, pay_card
from tests.security.support import (
    LEAKED_KEY,
    body_bytes,
    outcome,
    post_notification,
    signed,
    waiting_payment,
    webhook_client,
    webhook_transport,
)

CHUNK = 64 * 1024
TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def leaked_key(monkeypatch):
    """Whatever key the app checks notifications with (the webhook key; before issue 10 the shop secret),
    the attacker has it: what is left to stop a lie is asking the gateway."""
    monkeypatch.setenv("GKH_GATEWAY_WEBHOOK_SECRET", LEAKED_KEY)
    monkeypatch.setenv("GKH_GATEWAY_SECRET", LEAKED_KEY)
    get_settings.cache_clear()


def unchanged(waiting) -> bool:
    now = outcome(waiting)
    return (now.status, now.paid_kopecks, now.open_items) == (ps.AWAITING_CUSTOMER, waiting.paid_before, 1)


class Flood:
    """A request body of ``total`` bytes that counts how much of it the server pulled."""

    def __init__(self, total: int = TEN_MB) -> None:
        self.total = total
        self.pulled = 0

    async def __aiter__(self):
        while self.pulled < self.total:
            self.pulled += CHUNK
            yield b" " * CHUNK


# --- Size: refused before it is read ----------------------------------------------------------------------


async def test_a_declared_oversized_body_is_refused_unread(demo_db):
    flood = Flood()
    async with webhook_client() as http:
        response = await http.post(WEBHOOK_PATH, content=flood, headers={"Content-Length": str(TEN_MB)})
    assert response.status_code == 413
    assert flood.pulled == 0


@pytest.mark.parametrize("declared", [None, "12", "ten"], ids=["chunked", "lying-length", "non-numeric-length"])
async def test_an_oversized_stream_is_never_read_whole(demo_db, declared):
    flood = Flood()
    headers = {"Content-Length": declared} if declared else {}
    async with webhook_client() as http:
        response = await http.post(WEBHOOK_PATH, content=flood, headers=headers)
    assert response.status_code == 413
    assert flood.pulled <= MAX_BODY_BYTES + CHUNK


# --- Sender address ---------------------------------------------------------------------------------------


@pytest.fixture
def gateway_networks(monkeypatch):
    monkeypatch.setenv("GKH_WEBHOOK_ALLOWED_NETWORKS", "185.71.76.0/27, 77.75.153.0/25, 2a02:5180::/32")
    get_settings.cache_clear()


async def _paid_and_notified_from(demo_db, monkeypatch, hops: int, peer: str, forwarded: str | None):
    """The payer paid at the gateway; a correctly signed notification of it arrives from ``peer``."""
    monkeypatch.setenv("GKH_TRUSTED_PROXIES", "10.0.0.0/24" if hops else "")
    get_settings.cache_clear()
    waiting = await waiting_payment(demo_db, monkeypatch)
    waiting.fake.pay(waiting.gateway_id)
    notification = waiting.fake.notification(waiting.gateway_id)
    body = body_bytes(notification)
    headers = signed(body) | ({"X-Forwarded-For": forwarded} if forwarded else {})
    return waiting, await post_notification(notification, headers=headers, client_address=(peer, 5000))


@pytest.mark.parametrize(("hops", "peer", "forwarded"), [
    (0, "203.0.113.9", None),
    (0, "203.0.113.9", "185.71.76.5"),  # X-Forwarded-For is the sender's own words without a proxy of ours
    (1, "10.0.0.2", "185.71.76.5, 203.0.113.9"),  # our proxy appended the real sender last
    (0, "::ffff:203.0.113.9", None),
], ids=["outside", "spoofed-forwarded-for", "spoofed-before-our-proxy", "mapped-ipv6-outside"])
async def test_a_sender_outside_the_gateway_networks_is_refused(
    demo_db, monkeypatch, leaked_key, gateway_networks, hops, peer, forwarded,
):
    waiting, response = await _paid_and_notified_from(demo_db, monkeypatch, hops, peer, forwarded)
    assert response.status_code == 403
    assert unchanged(waiting)


@pytest.mark.parametrize(("hops", "peer", "forwarded"), [
    (0, "185.71.76.5", None),
    (1, "10.0.0.2", "185.71.76.5"),
    (0, "::ffff:185.71.76.5", None),
    (0, "2a02:5180::12", None),
], ids=["direct", "through-our-proxy", "mapped-ipv6", "ipv6"])
async def test_the_gateway_itself_is_heard(demo_db, monkeypatch, gateway_networks, hops, peer, forwarded):
    waiting, response = await _paid_and_notified_from(demo_db, monkeypatch, hops, peer, forwarded)
    assert response.status_code == 200
    assert outcome(waiting).status == ps.SUCCEEDED


# --- The body is a hint: the gateway's own answer decides -------------------------------------------------


async def test_a_signed_body_claiming_success_pays_nothing_while_the_gateway_says_pending(
    demo_db, monkeypatch, leaked_key,
):
    waiting = await waiting_payment(demo_db, monkeypatch)
    forged = waiting.fake.notification(waiting.gateway_id, status="succeeded")
    forged["object"]["paid"] = True
    response = await post_notification(forged)
    assert response.status_code == 200
    assert unchanged(waiting)
    assert [request.method for request in waiting.fake.requests][-1] == "GET"  # it asked the gateway


async def test_a_signed_body_with_another_amount_changes_nothing(demo_db, monkeypatch, leaked_key):
    waiting = await waiting_payment(demo_db, monkeypatch)
    forged = waiting.fake.notification(waiting.gateway_id, status="succeeded")
    forged["object"]["amount"]["value"] = "0.01"
    response = await post_notification(forged)
    assert response.status_code == 200
    assert unchanged(waiting) and not outcome(waiting).needs_review


async def test_a_hint_naming_our_payment_but_someone_elses_gateway_payment_pays_nothing(
    demo_db, monkeypatch, leaked_key,
):
    """Our payment never learned its gateway id (the answer was lost); the attacker's own succeeded
    payment of the same amount must not be taken for it because the body's metadata says so."""
    fake = FakeGateway()
    fake.fail_next("create", "lost_response")
    waiting = await waiting_payment(demo_db, monkeypatch, fake)
    theirs = dict(fake.only_payment(), id="attackers0payment0000001", metadata={"payment_id": "someone-else"})
    fake.payments[theirs["id"]] = theirs
    fake.pay(theirs["id"])
    hint = fake.notification(theirs["id"])
    hint["object"]["metadata"] = {"payment_id": waiting.record.public_id}
    response = await post_notification(hint)
    assert response.status_code == 200
    now = outcome(waiting)
    assert now.status == ps.SUBMITTED and now.paid_kopecks == waiting.paid_before


async def test_the_gateway_down_answers_503_and_changes_nothing(demo_db, monkeypatch, leaked_key):
    waiting = await waiting_payment(demo_db, monkeypatch)
    waiting.fake.pay(waiting.gateway_id)
    notification = waiting.fake.notification(waiting.gateway_id)
    waiting.fake.fail_next("get", "connect_error")
    response = await post_notification(notification)
    assert response.status_code == 503  # the sender retries later
    assert unchanged(waiting)
    retried = await post_notification(notification)
    assert retried.status_code == 200 and outcome(waiting).status == ps.SUCCEEDED


async def test_a_notification_about_a_payment_that_is_not_ours_is_dropped(demo_db, monkeypatch, leaked_key):
    waiting = await waiting_payment(demo_db, monkeypatch)
    stranger = waiting.fake.notification(waiting.gateway_id, status="succeeded")
    stranger["object"]["id"] = "unknown123"
    stranger["object"]["metadata"] = {}
    response = await post_notification(stranger)
    assert (response.status_code, response.json()) == (200, {"result": "unknown"})
    assert unchanged(waiting)


# --- Replay ---------------------------------------------------------------------------------------------------


async def test_an_old_notification_replayed_is_refused(demo_db, monkeypatch):
    waiting = await waiting_payment(demo_db, monkeypatch)
    waiting.fake.pay(waiting.gateway_id)
    body = body_bytes(waiting.fake.notification(waiting.gateway_id))
    captured = signed(body, timestamp=int(time.time()) - 3600)
    async with webhook_client() as http:
        stale = await http.post(WEBHOOK_PATH, content=body, headers=captured)
        refreshed = await http.post(WEBHOOK_PATH, content=body,
                                    headers=captured | {TIMESTAMP_HEADER: str(int(time.time()))})
    assert (stale.status_code, refreshed.status_code) == (401, 401)
    assert unchanged(waiting)


async def test_a_pending_notification_replayed_after_success_never_downgrades_it(demo_db, monkeypatch):
    waiting = await waiting_payment(demo_db, monkeypatch)
    pending = waiting.fake.notification(waiting.gateway_id)
    waiting.fake.pay(waiting.gateway_id)
    success = waiting.fake.notification(waiting.gateway_id)
    for notification in (success, pending, success):
        assert (await post_notification(notification)).status_code == 200
    now = outcome(waiting)
    assert now.status == ps.SUCCEEDED
    assert now.paid_kopecks == waiting.paid_before + waiting.record.amount_kopecks


# --- Which key signs ------------------------------------------------------------------------------------------


async def test_a_notification_signed_with_the_shop_secret_is_refused(demo_db, monkeypatch):
    """The shop secret authenticates us to the gateway; whoever holds it must not also speak for the gateway."""
    waiting = await waiting_payment(demo_db, monkeypatch)
    waiting.fake.pay(waiting.gateway_id)
    notification = waiting.fake.notification(waiting.gateway_id)
    body = body_bytes(notification)
    response = await post_notification(notification, headers=signed(body, secret=get_settings().gateway_secret))
    assert response.status_code == 401
    assert unchanged(waiting)


async def test_the_sandboxs_own_notification_is_heard_with_the_default_keys(demo_db, sandbox_env, monkeypatch):
    """The honest path still works: the sandbox signs with the webhook key, the route checks the same key and
    asks the sandbox back over its API (both defaults, no key set anywhere)."""
    monkeypatch.delenv("GKH_GATEWAY_WEBHOOK_SECRET", raising=False)
    monkeypatch.setenv("GKH_GATEWAY_WEBHOOK_URL", "http://kiosk.test" + WEBHOOK_PATH)
    get_settings.cache_clear()
    get_sandbox_settings.cache_clear()
    sandbox = httpx.ASGITransport(app=build_sandbox_app(webhook_transport=webhook_transport()))
    gateway = HttpGateway("http://sandbox" + API, *AUTH, transport=sandbox)
    monkeypatch.setattr(payment_webhook, "current_gateway", lambda: gateway)
    with session_scope() as session:
        record = new_payment(session, resident(session, "ivanov"))
    started = await pay.start_payment(record.id, gateway, RETURN_URL, session_factory=session_scope)
    async with httpx.AsyncClient(transport=sandbox, base_url="http://sandbox") as browser:
        duplicate_webhook = "4000009900000038"
        await pay_card(browser, {"confirmation": {"confirmation_url": started.confirmation_url}}, duplicate_webhook)
    await webhooks.wait_for_deliveries()
    with session_scope() as session:
        payment = session.get(Payment, record.id)
        assert payment.status == ps.SUCCEEDED
        deliveries = store.deliveries_for(payment.gateway_payment_id)
    assert [(row.attempts, row.last_status_code) for row in deliveries] == [(1, 200), (1, 200)]


async def test_the_sandbox_signs_with_the_webhook_key_not_the_shop_secret(client, receiver):
    payment = await create(client)
    await pay_card(client, payment, "4242424242424242")
    await webhooks.wait_for_deliveries()
    [request] = receiver.requests
    timestamp, signature = request.headers[TIMESTAMP_HEADER], request.headers[SIGNATURE_HEADER]
    assert verify_webhook(request.content, timestamp, signature, SANDBOX_WEBHOOK_SECRET, now=int(timestamp))
    assert not verify_webhook(request.content, timestamp, signature, SANDBOX_SHOP_SECRET, now=int(timestamp))
