"""The gateway's notifications, heard as hints only: the payment they name is read back from the gateway, and
that answer is applied."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from gkh_web.db.models import (
    Payment,
    stored_id,
)
from gkh_web.services.payments.gateway_client import (
    GatewayPayment,
    GatewayRejected,
    GatewayUnavailable,
    PaymentGateway,
    value_to_kopecks,
)
from gkh_web.services.payments.status import SessionFactory, _applied_answer, _in_database

log = logging.getLogger(__name__)


_GATEWAY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class _Hint:
    """What a notification may tell us: which payment to ask the gateway about, nothing more."""

    gateway_payment_id: str
    public_id: str | None
    claimed_status: object = None
    claimed_amount: object = None
    """What the body says the payment is: never applied, only compared with the gateway's own answer (a body that
    disagrees is logged; what is applied is always the answer the API gave)."""


def _hint(body: object) -> _Hint | None:
    """``object.id`` (and ``object.metadata.payment_id``) of a notification; None if it names no payment."""
    payload = body.get("object") if isinstance(body, Mapping) else None
    if not isinstance(payload, Mapping):
        return None
    gateway_payment_id = payload.get("id")
    if not isinstance(gateway_payment_id, str) or not _GATEWAY_ID.match(gateway_payment_id):
        return None
    metadata = payload.get("metadata")
    public_id = metadata.get("payment_id") if isinstance(metadata, Mapping) else None
    return _Hint(gateway_payment_id, public_id if isinstance(public_id, str) and public_id else None,
                 payload.get("status"), payload.get("amount"))


def _disagrees(hint: _Hint, gp: GatewayPayment) -> bool:
    """The body claims another status or amount than the gateway's own answer (a forgery or a stale message)."""
    if hint.claimed_status != gp.status:
        return True
    amount = hint.claimed_amount
    value = amount.get("value") if isinstance(amount, Mapping) else None
    try:
        return value_to_kopecks(value) != gp.amount_kopecks
    except ValueError:
        return True


def _find_hinted(session: Session, hint: _Hint) -> tuple[int, str, bool] | None:
    """(payment id, public id, found by metadata) of the payment a notification names, or None.

    By the gateway id we recorded; failing that, by our public id in the
    metadata, but only for a payment whose gateway id we never learned (the
    create's answer was lost): one that knows its id is not someone else's.
    """
    payment = session.exec(select(Payment).where(Payment.gateway_payment_id == hint.gateway_payment_id)).first()
    if payment is not None:
        return stored_id(payment), payment.public_id, False
    if hint.public_id is None:
        return None
    payment = session.exec(
        select(Payment).where(Payment.public_id == hint.public_id, col(Payment.gateway_payment_id).is_(None))
    ).first()
    return (stored_id(payment), payment.public_id, True) if payment is not None else None


async def _gateway_view(gateway: PaymentGateway, gateway_payment_id: str, payment_id: int) -> GatewayPayment | str:
    """The gateway's own answer about the payment, or the outcome when there is none to act on."""
    try:
        return await gateway.get(gateway_payment_id)
    except GatewayUnavailable as error:
        log.warning("payment %s: webhook not checked, gateway unavailable: %s", payment_id, error)
        return "unavailable"
    except GatewayRejected as error:
        if error.status_code == 404:
            log.warning("webhook names gateway payment %s, which the gateway does not know", gateway_payment_id)
            return "unknown"
        log.error("payment %s: gateway refuses to show it: %s", payment_id, error)
        return "unavailable"  # our credentials or the gateway's configuration: worth a retry later


async def handle_notification(body: object, gateway: PaymentGateway, session_factory: SessionFactory) -> str:
    """Treat a verified gateway notification as a hint: ask the gateway, apply its answer; commit.

    The body only names the payment (``object.id``, ``object.metadata.payment_id``);
    its status and amount are never applied, since a correctly signed body can
    still lie (a leaked key; YooKassa signs nothing at all). What the gateway's own
    ``GET`` says goes through ``apply_gateway_payment`` like every other answer;
    no transaction is open during that call. Returns what happened:
    "malformed" (names no payment), "unknown" (not ours, or the gateway does not
    know it: answered 200 and dropped), "mismatch" (the gateway's payment does not
    carry the public id the body claimed), "unavailable" (the gateway cannot be asked: nothing changed,
    the sender should retry), "applied" or "ignored" (a duplicate or an old message).
    """
    hint = _hint(body)
    if hint is None:
        return "malformed"
    found = await _in_database(session_factory, _find_hinted, hint)
    if found is None:
        log.warning("webhook for an unknown gateway payment %s ignored", hint.gateway_payment_id)
        return "unknown"
    payment_id, public_id, by_metadata = found
    gp = await _gateway_view(gateway, hint.gateway_payment_id, payment_id)
    if isinstance(gp, str):
        return gp
    if by_metadata and gp.metadata.get("payment_id") != public_id:
        log.warning("webhook: gateway payment %s is not payment %s", gp.id, payment_id)
        return "mismatch"
    if _disagrees(hint, gp):  # stale (an earlier event arriving late) or forged: either way the API decides
        log.warning("payment %s: webhook body disagrees with the gateway (%r vs %s); the gateway's answer applies",
                    payment_id, hint.claimed_status, gp.status)
    moved = await _in_database(session_factory, _applied_answer, payment_id, gp, "webhook", None)
    return "applied" if moved else "ignored"
