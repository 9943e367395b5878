"""One contract, two gateways: the embedded sandbox over HTTP and the YooKassa adapter over recordings.

What the app relies on, whichever gateway it talks to: the create goes with our persisted key and a
redirect back to our public URL; the same key replays the same payment and another body under it is an
``IdempotencyConflict``; every status reads back and maps to ours; an authorised payment can be
cancelled and a succeeded one cannot; a timeout, a 5xx, a 429 and a cut-off answer never pass for an
answer (``GatewayUnavailable``: outcome unknown), and the same key afterwards recovers the payment.
"""

from __future__ import annotations

import json

import pytest

from gkh_web.domain import payment_states as ps
from gkh_web.domain.commission import CommissionRate
from gkh_web.sandbox_gateway import webhooks
from gkh_web.services.payments import gateway_pages
from gkh_web.services.payments.gateway_client import GatewayRejected, GatewayUnavailable, IdempotencyConflict
from gkh_web.settings import get_settings
from tests.contract.harness import (
    AMOUNT,
    KEY,
    PUBLIC_ID,
    RETURN_URL,
    SandboxHarness,
    YooKassaHarness,
    create_arguments,
)

TIME_LIMIT = 5.0  # ok-float: seconds


@pytest.fixture(params=["sandbox", "yookassa"])
async def contract(request, sandbox_env, monkeypatch):
    """``contract(recording, time_limit)`` → a harness; the recording names the YooKassa scenario."""
    opened = []
    monkeypatch.setenv("GKH_GATEWAY", request.param)
    get_settings.cache_clear()

    def open_(recording: str, time_limit: float = TIME_LIMIT):  # ok-float: seconds
        harness = (SandboxHarness(time_limit) if request.param == "sandbox"
                   else YooKassaHarness(recording, time_limit))
        opened.append(harness)
        return harness

    yield open_
    await webhooks.wait_for_deliveries()
    for harness in opened:
        assert harness.used_up(), "a recorded exchange was never asked for"


async def create(harness, amount: int = AMOUNT):
    args, kwargs = create_arguments(amount)
    return await harness.gateway.create(*args, **kwargs)


async def test_create_goes_with_our_key_and_a_redirect_to_our_public_url(contract):
    harness = contract("create")
    payment = await create(harness)
    assert (payment.status, payment.amount_kopecks, payment.metadata) == ("pending", AMOUNT, {"payment_id": PUBLIC_ID})
    assert gateway_pages.browser_address(payment.confirmation_url)  # a page the app will send the payer to
    [sent] = harness.requests
    assert sent.headers["Idempotence-Key"] == KEY
    body = json.loads(sent.content)
    assert body["confirmation"] == {"type": "redirect", "return_url": RETURN_URL}
    assert (body["capture"], body["amount"]) == (True, {"value": "1222.21", "currency": "RUB"})


async def test_the_same_key_replays_the_same_payment(contract):
    harness = contract("replay")
    first, again = await create(harness), await create(harness)
    assert again.id == first.id and again.status == first.status
    assert [r.headers["Idempotence-Key"] for r in harness.requests] == [KEY, KEY]


async def test_the_same_key_with_another_body_is_a_conflict(contract):
    harness = contract("conflict")
    await create(harness)
    with pytest.raises(IdempotencyConflict) as conflict:
        await create(harness, amount=AMOUNT + 1)
    assert conflict.value.status_code == 400 and "duplicated" in conflict.value.description


@pytest.mark.parametrize(("status", "reason", "ours"), [
    ("pending", None, ps.AWAITING_CUSTOMER),
    ("waiting_for_capture", None, ps.AWAITING_CUSTOMER),
    ("succeeded", None, ps.SUCCEEDED),
    ("canceled", "insufficient_funds", ps.FAILED),
])
async def test_every_status_reads_back_and_maps_to_ours(contract, status, reason, ours):
    harness = contract(f"status_{status}")
    created = await create(harness)
    await harness.drive(created.confirmation_url, status)
    read = await harness.gateway.get(created.id)
    assert (read.id, read.status, read.cancellation_reason, read.amount_kopecks) == (created.id, status, reason, AMOUNT)
    assert ps.status_from_gateway(read.status, read.cancellation_reason) == ours
    if status in ("succeeded", "waiting_for_capture"):
        assert read.last4 and read.card_brand  # the card as «MasterCard •••• 4444», never its number
    assert harness.requests[-1].method == "GET" and "Idempotence-Key" not in harness.requests[-1].headers


async def test_an_authorised_payment_is_cancelled_with_its_own_key(contract):
    harness = contract("cancel")
    created = await create(harness)
    await harness.drive(created.confirmation_url, "waiting_for_capture")
    canceled = await harness.gateway.cancel(created.id, f"{KEY}-cancel")
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "canceled_by_merchant")
    assert harness.requests[-1].headers["Idempotence-Key"] == f"{KEY}-cancel"
    assert ps.status_from_gateway(canceled.status, canceled.cancellation_reason) == ps.CANCELED


async def test_a_succeeded_payment_cannot_be_cancelled(contract):
    harness = contract("cancel_refused")
    created = await create(harness)
    await harness.drive(created.confirmation_url, "succeeded")
    with pytest.raises(GatewayRejected) as refused:
        await harness.gateway.cancel(created.id, f"{KEY}-cancel")
    assert refused.value.status_code == 400 and not isinstance(refused.value, IdempotencyConflict)


async def test_a_timeout_is_an_unknown_outcome_and_the_same_key_recovers_the_payment(contract):
    harness = contract("timeout", time_limit=0.3)
    harness.inject("lost")
    with pytest.raises(GatewayUnavailable):
        await create(harness)
    args, kwargs = create_arguments()
    found = await harness.gateway.find_by_idempotency_key(*args, **kwargs)
    assert found.status == "pending" and found.amount_kopecks == AMOUNT
    assert [r.headers["Idempotence-Key"] for r in harness.requests] == [KEY, KEY]


async def test_a_5xx_is_an_unknown_outcome_and_the_same_key_recovers_the_payment(contract):
    harness = contract("server_error")
    harness.inject("500")
    with pytest.raises(GatewayUnavailable) as unknown:
        await create(harness)
    assert not isinstance(unknown.value, GatewayRejected)
    again = await create(harness)
    assert again.status == "pending" and [r.headers["Idempotence-Key"] for r in harness.requests] == [KEY, KEY]


async def test_a_429_with_a_short_retry_after_is_waited_out_with_the_same_request(contract):
    harness = contract("too_many_requests")
    harness.inject("429:1")
    payment = await create(harness)
    assert payment.status == "pending"
    first, second = harness.requests
    assert first.headers["Idempotence-Key"] == second.headers["Idempotence-Key"] == KEY
    assert first.content == second.content


async def test_a_429_with_a_long_retry_after_leaves_the_outcome_open(contract):
    harness = contract("too_many_requests_long")
    harness.inject("429:120")
    with pytest.raises(GatewayUnavailable) as later:
        await create(harness)
    assert later.value.retry_after_seconds == 120 and len(harness.requests) == 1


async def test_a_malformed_answer_is_never_taken_for_one(contract):
    harness = contract("malformed")
    created = await create(harness)
    harness.inject("cut")
    with pytest.raises(GatewayUnavailable, match="unusable answer"):
        await harness.gateway.get(created.id)


async def test_each_method_has_a_declared_commission(contract):
    harness = contract("create")
    await create(harness)  # the recording's one exchange
    asked = len(harness.requests)
    rates = await harness.gateway.payment_methods()
    assert set(rates) == {"card", "wallet"} and all(isinstance(rate, CommissionRate) for rate in rates.values())
    # the sandbox says it over HTTP; YooKassa has no such endpoint: the shop's settings, no request at all
    assert len(harness.requests) == asked + (1 if harness.kind == "sandbox" else 0)


# --- YooKassa only ---------------------------------------------------------------------------------------------


async def test_yookassa_create_carries_the_receipt_and_no_commission_field(sandbox_env):
    """The recording's body is what the adapter must send: the 54-ФЗ receipt of both documents, no
    ``commission`` (YooKassa has none; ours is inside ``amount``). The fake compares it field by field."""
    harness = YooKassaHarness("create", TIME_LIMIT)
    await create(harness)
    body = json.loads(harness.requests[0].content)
    assert "commission" not in body
    items = body["receipt"]["items"]
    assert sum(int(item["amount"]["value"].replace(".", "")) for item in items) == AMOUNT
    assert {(i["payment_mode"], i["payment_subject"], i["vat_code"], i["quantity"]) for i in items} == {
        ("full_payment", "service", 1, 1)}
    assert body["receipt"]["customer"] == {"email": "ivanov@example.com"}
    assert harness.used_up()


async def test_yookassa_a_request_that_is_not_the_recorded_one_fails_the_test(sandbox_env):
    """The fake does not just answer: another key (a fresh uuid, as the official SDK would send) is caught."""
    harness = YooKassaHarness("create", TIME_LIMIT)
    args, kwargs = create_arguments()
    with pytest.raises(AssertionError):
        await harness.gateway.create("0" * 32, *args[1:], **kwargs)
