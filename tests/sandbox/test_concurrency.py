"""Double clicks and parallel retries: one payment, one charge."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from gkh_web.sandbox_gateway import webhooks
from gkh_web.sandbox_gateway.db import get_engine, payments
from tests.sandbox.conftest import API, AUTH, create, pay_card, payment_body, status_of


async def test_parallel_creates_with_one_key_make_one_payment(client):
    async def attempt():
        return await client.post(f"{API}/payments", json=payment_body(), auth=AUTH,
                                 headers={"Idempotence-Key": "same-key"})

    responses = await asyncio.gather(*(attempt() for _ in range(10)))
    assert {r.status_code for r in responses} <= {200, 409}
    ids = {r.json()["id"] for r in responses if r.status_code == 200}
    assert len(ids) == 1
    with get_engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(payments)).scalar() == 1
    retry = await attempt()
    assert retry.status_code == 200 and retry.json()["id"] in ids


async def test_double_click_on_slow_card_charges_once(client, receiver):
    payment = await create(client)
    first, second = await asyncio.gather(pay_card(client, payment, "4000009900000012"),
                                         pay_card(client, payment, "4000009900000012"))
    assert sorted([first.status_code, second.status_code]) == [303, 410]
    await webhooks.wait_for_deliveries()
    assert (await status_of(client, payment["id"]))["status"] == "succeeded"
    assert receiver.events() == ["payment.succeeded"]
