"""The YooKassa-shaped JSON of a payment, used by the API and by webhooks alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from gkh_web.sandbox_gateway.amounts import format_amount_value
from gkh_web.sandbox_gateway.cards import SCENARIOS
from gkh_web.sandbox_gateway.config import PAGE_PREFIX


def iso(unix: float | None) -> str | None:  # ok-float: unix time
    """``2026-11-25T15:16:13.123Z`` like YooKassa."""
    if unix is None:
        return None
    moment = datetime.fromtimestamp(unix, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _reported_kopecks(row: sa.Row) -> int:
    scenario = SCENARIOS.get(row.scenario or "")
    skew = scenario.amount_skew_kopecks if scenario and row.status == "succeeded" else 0
    return row.amount_kopecks + skew


def _payment_method(row: sa.Row) -> dict[str, Any] | None:
    if row.method_type == "bank_card":
        return {"type": "bank_card", "card": {"card_type": row.card_brand, "last4": row.card_last4}}
    if row.method_type == "wallet":
        return {"type": "wallet", "account_number": "•••" + (row.wallet_phone or "")[-4:]}
    return None


def payment_object(row: sa.Row, page_token: str | None = None) -> dict[str, Any]:
    """The payment as the API and webhooks show it; the page link only right after creation."""
    obj: dict[str, Any] = {
        "id": row.id,
        "status": row.status,
        "paid": row.status in ("succeeded", "waiting_for_capture"),
        "amount": {"value": format_amount_value(_reported_kopecks(row)), "currency": row.currency},
        "commission": {"value": format_amount_value(row.commission_kopecks), "currency": row.currency},
        "description": row.description,
        "metadata": json.loads(row.metadata_json),
        "created_at": iso(row.created_at),
        "test": True,
    }
    if page_token is not None:
        obj["confirmation"] = {"type": "redirect", "return_url": row.return_url,
                               "confirmation_url": f"{PAGE_PREFIX}/{page_token}"}
    method = _payment_method(row)
    if method:
        obj["payment_method"] = method
    if row.paid_at is not None:
        obj["captured_at"] = iso(row.paid_at)
    if row.status == "canceled":
        obj["cancellation_details"] = {"party": row.cancellation_party, "reason": row.cancellation_reason}
    return obj
