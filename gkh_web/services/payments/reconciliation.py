"""The reconciler's round: finish what was left open (lost answers, lost notifications, payers who walked away),
safe to run repeatedly and from several workers at once."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from gkh_web.db.models import (
    Payment,
    as_utc,
    stored_id,
    stored_key,
)
from gkh_web.domain import payment_states as ps
from gkh_web.domain.fiscal_receipt import FiscalReceipt
from gkh_web.observability import correlation
from gkh_web.services.payments.fiscal import fiscal_receipt_of
from gkh_web.services.payments.gateway_client import (
    GatewayRejected,
    GatewayUnavailable,
    IdempotencyConflict,
    PaymentGateway,
)
from gkh_web.services.payments.sending import _metadata, conflicted
from gkh_web.services.payments.status import SessionFactory, _applied_answer, _in_database, transition

log = logging.getLogger(__name__)


EXPIRE_AFTER_SECONDS = 30 * 60
"""How long the payer has on the gateway page before the reconciler cancels the payment."""


@dataclass
class ReconcileReport:
    checked: int = 0
    changed: int = 0
    unavailable: int = 0
    expired: int = 0


_Pending = tuple[int, str | None, str, int, str, str, "str | None", dict[str, str], bool, int, "FiscalReceipt | None"]
"""An open payment as the round needs it: id, gateway id, key, the create's arguments, overdue, commission,
and the receipt (only for a replay of the create: None once the gateway id is known)."""


def _open_payments(
    session: Session,
    stale_before: datetime,
    deadline: datetime,
    now: datetime,
) -> tuple[int, list[_Pending]]:
    """Expire what was never sent (committed), and list what to ask the gateway about."""
    expired = 0
    abandoned = session.exec(
        select(Payment.id).where(Payment.status == ps.CREATED, col(Payment.created_at) <= deadline)
    ).all()
    for payment_id in abandoned:
        if transition(
            session,
            stored_key(payment_id),
            ps.EXPIRED,
            source="reconciler",
            now=now,
            failure_reason="expired_on_confirmation",
            detail={"note": "never sent"},
        ):
            expired += 1
    session.commit()
    pending = [
        (
            stored_id(payment),
            payment.gateway_payment_id,
            payment.idempotency_key,
            payment.amount_kopecks,
            payment.description,
            payment.return_url or "",
            payment.method,
            _metadata(payment),
            as_utc(payment.created_at) <= deadline,
            payment.commission_kopecks,
            fiscal_receipt_of(session, payment) if payment.gateway_payment_id is None else None,
        )
        for payment in session.exec(
            select(Payment)
            .where(col(Payment.status).in_([ps.SUBMITTED, ps.AWAITING_CUSTOMER]))
            .where(col(Payment.updated_at) <= stale_before)
            .order_by(col(Payment.id))
        ).all()
    ]
    return expired, pending


def _never_created(session: Session, payment_id: int, error: GatewayRejected, now: datetime) -> bool:
    moved = transition(
        session,
        payment_id,
        ps.FAILED,
        source="reconciler",
        now=now,
        failure_reason="gateway_rejected",
        detail={"http_status": error.status_code},
    )
    session.commit()
    return moved


async def reconcile(
    session_factory: SessionFactory,
    gateway: PaymentGateway,
    *,
    now: datetime,
    stale_after_seconds: int,
    expire_after_seconds: int = EXPIRE_AFTER_SECONDS,
) -> ReconcileReport:
    """Finish what was left open: safe to run repeatedly and from several workers at once.

    * CREATED older than the payer deadline: never sent, so EXPIRED locally.
    * SUBMITTED / AWAITING_CUSTOMER not updated for ``stale_after_seconds``: ask
      the gateway — by id, or by replaying the create with the same key when
      the id was never recorded — and apply the answer.
    * Still pending after ``expire_after_seconds`` since creation: cancel at the
      gateway and apply what it says (money taken meanwhile → SUCCEEDED).
    Gateway trouble changes nothing; the next run tries again.
    """
    report = ReconcileReport()
    stale_before = now - timedelta(seconds=stale_after_seconds)
    deadline = now - timedelta(seconds=expire_after_seconds)
    report.expired, pending = await _in_database(session_factory, _open_payments, stale_before, deadline, now)
    for (payment_id, gateway_id, key, amount, description, return_url, method, metadata, overdue, commission,
         receipt) in pending:
        report.checked += 1
        correlation.bind_payment(metadata.get("payment_id", ""))  # this payment's lines, until the next one
        try:
            if gateway_id is not None:
                gp = await gateway.get(gateway_id)
            else:
                gp = await gateway.find_by_idempotency_key(key, amount, description, return_url, method, metadata,
                                                           commission_kopecks=commission, receipt=receipt)
            if overdue and ps.status_from_gateway(gp.status) == ps.AWAITING_CUSTOMER:
                try:
                    gp = await gateway.cancel(gp.id, f"{key}-cancel")
                except GatewayRejected:
                    log.info("payment %s: gateway cannot cancel it yet; polling on", payment_id)
        except GatewayUnavailable as error:
            log.warning("payment %s: gateway unavailable during reconcile: %s", payment_id, error)
            report.unavailable += 1
            continue
        except IdempotencyConflict:  # the replay is not what was first sent: the outcome stays unknown
            await _in_database(session_factory, conflicted, payment_id, now)
            report.unavailable += 1
            continue
        except GatewayRejected as error:
            if gateway_id is None:  # the gateway refuses the create itself: it never existed there
                if await _in_database(session_factory, _never_created, payment_id, error, now):
                    report.changed += 1
            else:
                log.error("payment %s: gateway refuses to show it: %s", payment_id, error)
                report.unavailable += 1
            continue
        if overdue and gp.status == "canceled" and gp.cancellation_reason == "canceled_by_merchant":
            gp = dataclasses.replace(gp, cancellation_reason="expired_on_confirmation")
        moved = await _in_database(session_factory, _applied_answer, payment_id, gp, "reconciler", now)
        if moved:
            report.changed += 1
            if gp.status == "canceled" and overdue:
                report.expired += 1
    correlation.forget_payment()
    return report
