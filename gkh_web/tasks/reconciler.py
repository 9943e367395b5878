"""The reconciler as a lifespan task: at start-up and then every minute, finish payments whose
gateway answer, webhook or return was lost (``payments.reconcile`` does the work).

Every backend worker starts this task; a round runs only in the worker holding the
``payment-reconciler`` lease (``services.leases``), so the gateway is asked once per
interval whatever the number of workers.
"""

import asyncio
import logging

from gkh_web.db.engine import session_scope
from gkh_web.db.models import utc_now
from gkh_web.db.threads import in_transaction
from gkh_web.observability import correlation, metrics
from gkh_web.services import leases, payments
from gkh_web.services.payments.gateway_factory import current_gateway
from gkh_web.settings import get_settings

log = logging.getLogger(__name__)
JOB = "payment-reconciler"
START_DELAY_SECONDS = 5
"""Let the server start listening first: the sandbox gateway lives on the same port."""


async def reconcile_if_leader(interval_seconds: int, holder: str | None = None) -> payments.ReconcileReport | None:
    """One round, if this worker holds (or takes) the lease; None when another worker has it.

    The lease lasts two intervals: the holder's next round (one interval plus the time the
    round itself took) always renews it before it runs out, however busy the machine, and a
    surviving worker takes over within two intervals after the holder dies.
    """
    lease_seconds = 2 * interval_seconds
    holder = holder or leases.this_process()
    if not await in_transaction(
        lambda s: leases.try_acquire(s, JOB, now=utc_now(), seconds=lease_seconds, holder=holder)
    ):
        return None
    report = await payments.reconcile(session_scope, current_gateway(), now=utc_now(),
                                      stale_after_seconds=get_settings().reconcile_stale_after_seconds)
    # a round that found nothing to check is the usual minute: DEBUG (the metrics count every round)
    log.log(logging.INFO if report.checked else logging.DEBUG, "reconciler round by %s: %s", holder, report)
    return report


async def _round(interval: int) -> None:
    """One attempt, with a correlation id of its own; counted (``gkh_reconciler_rounds_total``) when this
    worker held the lease and ran it, done or failed."""
    with correlation.unit_of_work("reconciler"):
        try:
            report = await reconcile_if_leader(interval)
        except Exception:  # a failed round must not stop the next one
            log.exception("payment reconciliation round failed")
            metrics.reconciler_round("failed")
            return
        if report is not None:
            metrics.reconciler_round("done")


async def reconcile_payments_forever() -> None:
    interval = get_settings().reconcile_interval_seconds
    await asyncio.sleep(START_DELAY_SECONDS)
    try:
        while True:
            await _round(interval)
            await asyncio.sleep(interval)
    finally:  # a worker shutting down hands the lease over at once, not after it runs out
        try:
            await in_transaction(lambda s: leases.release(s, JOB, now=utc_now()))
        except Exception:
            log.warning("could not release the reconciler lease; it runs out by itself")
