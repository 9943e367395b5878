"""Attacks on ``POST /payments/webhook`` when the gateway is YooKassa, whose notifications carry no signature.

Only the sender's address authenticates a YooKassa notification, so the attacks go after the address:
a forged ``X-Forwarded-For`` sent straight to the app (no proxy of ours in between), a chain where the
sender writes YooKassa's address to the left of its own, a notification from anywhere at all, an empty
list of networks; and, from a genuine address, a body that claims what the API does not say. Before
issue 14 the first attack got through: with ``GKH_TRUSTED_PROXY_HOPS=1`` the route took the header's
last address from whoever connected, proxy or not.
"""

from __future__ import annotations

import pytest

from gkh_web.domain import payment_states as ps
from gkh_web.settings import get_settings
from tests.security.support import outcome, post_notification, waiting_payment

OUR_PROXY = "10.0.0.2"
YOOKASSA_SENDER = "185.71.76.5"
STRANGER = "203.0.113.9"
UNSIGNED = {"Content-Type": "application/json"}


@pytest.fixture
def yookassa(monkeypatch):
    """The app set up for YooKassa with one reverse proxy of ours (also the old «one hop» setting)."""
    monkeypatch.setenv("GKH_GATEWAY", "yookassa")
    monkeypatch.setenv("GKH_TRUSTED_PROXIES", "10.0.0.0/24")
    monkeypatch.setenv("GKH_TRUSTED_PROXY_HOPS", "1")
    monkeypatch.delenv("GKH_YOOKASSA_NOTIFY_NETWORKS", raising=False)
    get_settings.cache_clear()


async def _paid_and_notified(demo_db, monkeypatch, peer: str, forwarded: str | None = None, *, status=None):
    """The payer paid at the gateway; an unsigned notification arrives over a connection from ``peer``."""
    waiting = await waiting_payment(demo_db, monkeypatch)
    waiting.fake.pay(waiting.gateway_id)
    notification = waiting.fake.notification(waiting.gateway_id, status)
    headers = UNSIGNED | ({"X-Forwarded-For": forwarded} if forwarded else {})
    return waiting, await post_notification(notification, headers=headers, client_address=(peer, 5000))


def untouched(waiting) -> bool:
    now = outcome(waiting)
    return (now.status, now.paid_kopecks, now.open_items) == (ps.AWAITING_CUSTOMER, waiting.paid_before, 1)


@pytest.mark.parametrize(("peer", "forwarded"), [
    (STRANGER, YOOKASSA_SENDER),  # straight to the app, the header forged: no proxy of ours wrote it
    (STRANGER, f"{YOOKASSA_SENDER}, {OUR_PROXY}"),  # forged to look like it came through our proxy
    (OUR_PROXY, f"{YOOKASSA_SENDER}, {STRANGER}"),  # through our proxy: the sender is the last one it saw
    (STRANGER, None),
    (f"::ffff:{STRANGER}", None),
], ids=["forged-forwarded-for", "forged-proxy-chain", "yookassa-written-left-of-the-sender", "outside",
        "mapped-ipv6-outside"])
async def test_an_unsigned_notification_from_outside_yookassas_networks_is_refused(
    demo_db, monkeypatch, yookassa, peer, forwarded,
):
    waiting, response = await _paid_and_notified(demo_db, monkeypatch, peer, forwarded)
    assert response.status_code == 403
    assert untouched(waiting)
    assert [request.method for request in waiting.fake.requests].count("GET") == 0  # the gateway is not even asked


@pytest.mark.parametrize(("peer", "forwarded"), [
    (YOOKASSA_SENDER, None),
    (YOOKASSA_SENDER, "198.51.100.7"),  # a header from YooKassa itself means nothing: the peer is the sender
    (OUR_PROXY, YOOKASSA_SENDER),
    (OUR_PROXY, f"{STRANGER}, {YOOKASSA_SENDER}, 10.0.0.3"),  # two proxies of ours, then YooKassa
    ("2a02:5180::12", None),
], ids=["direct", "direct-with-a-header", "through-our-proxy", "through-two-proxies", "ipv6"])
async def test_yookassas_own_unsigned_notification_is_heard_and_checked_with_the_api(
    demo_db, monkeypatch, yookassa, peer, forwarded,
):
    waiting, response = await _paid_and_notified(demo_db, monkeypatch, peer, forwarded)
    assert (response.status_code, response.json()) == (200, {"result": "applied"})
    assert outcome(waiting).status == ps.SUCCEEDED
    assert waiting.fake.requests[-1].method == "GET"  # the status came from the API, not from the body


async def test_no_networks_configured_means_no_notification_is_heard(demo_db, monkeypatch, yookassa):
    monkeypatch.setenv("GKH_YOOKASSA_NOTIFY_NETWORKS", "")
    get_settings.cache_clear()
    waiting, response = await _paid_and_notified(demo_db, monkeypatch, YOOKASSA_SENDER)
    assert response.status_code == 403
    assert untouched(waiting)


async def test_a_body_that_disagrees_with_the_api_never_decides(demo_db, monkeypatch, yookassa):
    """From a genuine address (or a compromised host in YooKassa's range) the body claims «succeeded» while
    the API still says «pending»: nothing moves. Then the reverse: the body says «canceled» of a payment the API
    says is paid — the API's answer is applied, the payment succeeds, the body's word is only logged."""
    waiting = await waiting_payment(demo_db, monkeypatch)
    forged = waiting.fake.notification(waiting.gateway_id, status="succeeded")
    response = await post_notification(forged, headers=UNSIGNED, client_address=(YOOKASSA_SENDER, 5000))
    assert (response.status_code, response.json()) == (200, {"result": "ignored"})
    assert untouched(waiting)
    waiting.fake.pay(waiting.gateway_id)
    stale = waiting.fake.notification(waiting.gateway_id, status="canceled")
    response = await post_notification(stale, headers=UNSIGNED, client_address=(YOOKASSA_SENDER, 5000))
    assert (response.status_code, response.json()) == (200, {"result": "applied"})
    paid = outcome(waiting)
    assert (paid.status, paid.failure_reason) == (ps.SUCCEEDED, None)


async def test_a_body_with_another_amount_never_sets_the_amount(demo_db, monkeypatch, yookassa):
    waiting = await waiting_payment(demo_db, monkeypatch)
    forged = waiting.fake.notification(waiting.gateway_id, status="succeeded")
    forged["object"]["amount"]["value"] = "0.01"
    response = await post_notification(forged, headers=UNSIGNED, client_address=(YOOKASSA_SENDER, 5000))
    assert (response.status_code, response.json()) == (200, {"result": "ignored"})  # the API: still pending
    assert untouched(waiting)
    waiting.fake.pay(waiting.gateway_id)
    response = await post_notification(forged, headers=UNSIGNED, client_address=(YOOKASSA_SENDER, 5000))
    assert (response.status_code, response.json()) == (200, {"result": "applied"})
    paid = outcome(waiting)
    assert paid.status == ps.SUCCEEDED
    assert paid.paid_kopecks > waiting.paid_before + 1  # the document's whole sum, not the body's 0.01


async def test_a_notification_about_an_unknown_payment_changes_nothing(demo_db, monkeypatch, yookassa):
    waiting = await waiting_payment(demo_db, monkeypatch)
    stranger = waiting.fake.notification(waiting.gateway_id, status="succeeded")
    stranger["object"]["id"] = "2ab2c9a0-000f-5000-9000-1f1e0c9b9a3d"
    stranger["object"]["metadata"] = {}
    response = await post_notification(stranger, headers=UNSIGNED, client_address=(YOOKASSA_SENDER, 5000))
    assert (response.status_code, response.json()) == (200, {"result": "unknown"})
    assert untouched(waiting)


async def test_the_sandbox_keeps_its_signature(demo_db, monkeypatch):
    """Without ``GKH_GATEWAY=yookassa`` an unsigned notification is refused even from YooKassa's address."""
    monkeypatch.setenv("GKH_WEBHOOK_ALLOWED_NETWORKS", "185.71.76.0/27")
    get_settings.cache_clear()
    waiting, response = await _paid_and_notified(demo_db, monkeypatch, YOOKASSA_SENDER)
    assert response.status_code == 401
    assert untouched(waiting)
