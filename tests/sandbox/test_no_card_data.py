"""Card numbers and CVC never reach the sandbox database or the logs (design §7 invariant 7)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from gkh_web.sandbox_gateway import webhooks
from gkh_web.sandbox_gateway.db import get_engine, metadata
from tests.sandbox.conftest import create, page_path, pay_card

CARDS = ["4242424242424242", "4000009900000038", "5555555555554477", "4111111111111111", "4000000000000002"]
CVC = "987"


def _all_text_in_database() -> str:
    chunks = []
    with get_engine().connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                chunks.extend(str(value) for value in row)
    return "\n".join(chunks)


async def _pay_with_every_card(client):
    for number in CARDS:
        payment = await create(client)
        await pay_card(client, payment, number, cvc=CVC)
        if number == "5555555555554477":
            await client.post(page_path(payment) + "/3ds", data={"code": "123456"})
    await webhooks.wait_for_deliveries()


def _leaks(text: str) -> list[str]:
    forms = (form for number in CARDS
             for form in (number, " ".join(number[i:i + 4] for i in range(0, 16, 4)), number[:12]))
    return [form for form in forms if form in text]


async def test_no_card_number_in_database(client):
    await _pay_with_every_card(client)
    text = _all_text_in_database()
    assert "4242" in text  # the last 4 digits are kept — proves the scan sees the rows
    assert _leaks(text) == []


async def test_no_card_number_or_cvc_in_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    await _pay_with_every_card(client)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sandbox payment" in logged  # the outcome is logged, proves capture works
    assert _leaks(logged) == []
    assert f"cvc={CVC}" not in logged and f"'{CVC}'" not in logged


async def test_no_card_number_in_webhooks(client, receiver):
    await _pay_with_every_card(client)
    assert receiver.requests
    assert _leaks("\n".join(r.content.decode() for r in receiver.requests)) == []


def test_sandbox_tables_are_kept_apart_from_the_app():
    from sqlmodel import SQLModel

    import gkh_web.db.models  # noqa: F401 — registers the app's tables

    names = {"sandbox_payment", "sandbox_idempotence", "sandbox_wallet", "sandbox_webhook_delivery"}
    assert names == set(metadata.tables)
    assert not names & set(SQLModel.metadata.tables)


def test_database_url_comes_from_its_own_setting(sandbox_env):
    assert str(get_engine().url).endswith(str(sandbox_env / "sandbox.db"))
