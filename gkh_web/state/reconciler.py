"""The reconciler as a lifespan task: at start-up and then every minute, finish payments whose
gateway answer, webhook or return was lost (``payments.reconcile`` does the work)."""

import asyncio
import logging

from gkh_web.db.engine import session_scope
from gkh_web.db.models import utc_now
from gkh_web.services import payments
from gkh_web.state.gateway import current_gateway

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60
STALE_AFTER_SECONDS = 60


async def reconcile_payments_forever() -> None:
    await asyncio.sleep(5)  # let the server start listening: the sandbox gateway lives on the same port
    while True:
        try:
            await payments.reconcile(session_scope, current_gateway(), now=utc_now(),
                                     stale_after_seconds=STALE_AFTER_SECONDS)
        except Exception:  # a failed round must not stop the next one
            log.exception("payment reconciliation round failed")
        await asyncio.sleep(INTERVAL_SECONDS)
