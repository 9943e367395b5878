"""Database operations of the sandbox: payments, idempotence keys, wallets, webhook log.

Every state change is one conditional UPDATE (``WHERE status/page_state = …``)
so a double click, a second tab or a retried request can never apply an
outcome twice: the loser simply sees ``rowcount == 0``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from gkh_web.sandbox_gateway.db import get_engine, idempotence, payments, wallets, webhook_deliveries

FINAL_STATUSES = ("succeeded", "canceled")
OPEN_STATUSES = ("pending", "waiting_for_capture")


def token_hash(token: str) -> str:
    """Only the hash of a page token is stored: a leaked database opens no payment page."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- Idempotence ------------------------------------------------------------------


@dataclass(frozen=True)
class KeyState:
    """What ``claim_key`` found: ``claimed`` (go ahead), ``replay``, ``conflict`` or ``in_flight``."""

    kind: str
    status_code: int | None = None
    response: dict[str, Any] | None = None


def claim_key(key: str, request_hash: str, ttl_seconds: int) -> KeyState:
    """Reserve the key for this request, or tell why the request must not run again."""
    now = time.time()
    with get_engine().begin() as conn:
        conn.execute(idempotence.delete().where(
            idempotence.c.key == key, idempotence.c.created_at < now - ttl_seconds))
        row = conn.execute(sa.select(idempotence).where(idempotence.c.key == key)).first()
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(idempotence.insert().values(key=key, request_hash=request_hash, created_at=now))
            except sa.exc.IntegrityError:
                return KeyState("in_flight")
            return KeyState("claimed")
    if row.request_hash != request_hash:
        return KeyState("conflict")
    if row.response_json is None:
        return KeyState("in_flight")
    return KeyState("replay", row.status_code, json.loads(row.response_json))


def store_response(key: str, status_code: int, response: dict[str, Any]) -> None:
    """Remember the answer so a retry with the same key gets exactly the same one."""
    with get_engine().begin() as conn:
        conn.execute(idempotence.update().where(idempotence.c.key == key).values(
            status_code=status_code, response_json=json.dumps(response, ensure_ascii=False)))


def release_key(key: str) -> None:
    """Forget a key whose request was refused (4xx): nothing was created, the key is free."""
    with get_engine().begin() as conn:
        conn.execute(idempotence.delete().where(idempotence.c.key == key))


# --- Payments ------------------------------------------------------------------------


def create_payment(values: dict[str, Any], page_ttl_seconds: int) -> tuple[sa.Row, str]:
    """Insert a pending payment; return the row and the one-time page token (shown once)."""
    token = secrets.token_urlsafe(24)
    now = time.time()
    row = dict(values, id="sbx_" + secrets.token_hex(12), status="pending", created_at=now,
               page_token_hash=token_hash(token), page_expires_at=now + page_ttl_seconds, page_state="open")
    with get_engine().begin() as conn:
        conn.execute(payments.insert().values(**row))
    created = get_payment(row["id"])
    assert created is not None, "inserted just above"
    return created, token


def get_payment(payment_id: str) -> sa.Row | None:
    with get_engine().connect() as conn:
        return conn.execute(sa.select(payments).where(payments.c.id == payment_id)).first()


def payment_by_token(token: str) -> sa.Row | None:
    with get_engine().connect() as conn:
        return conn.execute(sa.select(payments).where(payments.c.page_token_hash == token_hash(token))).first()


def move_page(payment_id: str, from_states: tuple[str, ...], to_state: str, **values: Any) -> bool:
    """Advance the hosted page of a pending payment; False if someone else got there first."""
    with get_engine().begin() as conn:
        result = conn.execute(payments.update().where(
            payments.c.id == payment_id, payments.c.status == "pending",
            payments.c.page_state.in_(from_states), payments.c.page_expires_at > time.time(),
        ).values(page_state=to_state, **values))
    return result.rowcount == 1


def set_status(payment_id: str, status: str, *, from_statuses: tuple[str, ...] = OPEN_STATUSES,
               reason: str | None = None, party: str | None = None) -> bool:
    """Move a non-final payment to ``status``; False if it was already final (nothing changes)."""
    values: dict[str, Any] = {"status": status, "page_state": "done"}
    if status == "succeeded":
        values["paid_at"] = time.time()
    if status == "canceled":
        values.update(cancellation_reason=reason, cancellation_party=party)
    with get_engine().begin() as conn:
        result = conn.execute(payments.update().where(
            payments.c.id == payment_id, payments.c.status.in_(from_statuses)).values(**values))
    return result.rowcount == 1


# --- Wallets -------------------------------------------------------------------------


def wallet_balance(phone: str) -> int | None:
    with get_engine().connect() as conn:
        return conn.execute(sa.select(wallets.c.balance_kopecks).where(wallets.c.phone == phone)).scalar()


def register_wallet(phone: str, balance_kopecks: int) -> bool:
    """Open a wallet with a starting balance; False if the phone already has one."""
    try:
        with get_engine().begin() as conn:
            conn.execute(wallets.insert().values(phone=phone, balance_kopecks=balance_kopecks))
    except sa.exc.IntegrityError:
        return False
    return True


def debit_wallet(phone: str, kopecks: int) -> bool:
    """Take money only if enough is there, in one statement (no read-then-write race)."""
    with get_engine().begin() as conn:
        result = conn.execute(wallets.update().where(
            wallets.c.phone == phone, wallets.c.balance_kopecks >= kopecks,
        ).values(balance_kopecks=wallets.c.balance_kopecks - kopecks))
    return result.rowcount == 1


# --- Webhook log ------------------------------------------------------------------------


def new_delivery(payment_id: str, event: str) -> int:
    with get_engine().begin() as conn:
        result = conn.execute(webhook_deliveries.insert().values(
            payment_id=payment_id, event=event, attempts=0, created_at=time.time()))
        key = result.inserted_primary_key
        assert key is not None, "an INSERT of one row has its primary key"
        return key[0]


def record_attempt(delivery_id: int, status_code: int | None, error: str | None) -> None:
    delivered = status_code is not None and 200 <= status_code < 300
    with get_engine().begin() as conn:
        conn.execute(webhook_deliveries.update().where(webhook_deliveries.c.id == delivery_id).values(
            attempts=webhook_deliveries.c.attempts + 1, last_status_code=status_code,
            last_error=(error or "")[:200] or None, delivered_at=time.time() if delivered else None))


def deliveries_for(payment_id: str) -> list[sa.Row]:
    with get_engine().connect() as conn:
        return list(conn.execute(sa.select(webhook_deliveries).where(
            webhook_deliveries.c.payment_id == payment_id).order_by(webhook_deliveries.c.id)))
