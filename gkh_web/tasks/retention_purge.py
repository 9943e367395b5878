"""The retention purge as a lifespan task: once a day, personal data past its retention is deleted or
cleared (``services.retention`` does the work; ``gkh purge`` is the same by hand).

Every backend worker starts this task and looks every hour whether the day's purge is due. The day is
a turn in ``background_lease`` (job ``retention-purge``): the first worker to ask after the turn came
round takes it for 24 hours with one conditional UPDATE, and no one — not even that worker — takes it
again before then (``leases.try_acquire(renew=False)``). The row so records the last run: ``holder``
ran it, ``expires_at`` − 24 h is when. A purge that fails gives the turn back, so the next hourly look
tries again; a worker shutting down keeps it (it marks the day, not a worker that is alive).
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from gkh_web.db.models import utc_now
from gkh_web.db.threads import in_thread, in_transaction
from gkh_web.observability import correlation
from gkh_web.services import leases, retention

log = logging.getLogger(__name__)
JOB = "retention-purge"
DAY_SECONDS = 24 * 3600
CHECK_INTERVAL_SECONDS = 3600
"""How often each worker asks whether the day's purge is due: the purge runs at most this late."""
START_DELAY_SECONDS = 30
"""Serving residents comes first after a start."""


async def purge_if_due(
    holder: str | None = None, now: Callable[[], datetime] = utc_now,
) -> retention.PurgeReport | None:
    """The day's purge, if its turn is free and this worker takes it; None when it already ran today."""
    holder = holder or leases.this_process()
    started = now()
    if not await in_transaction(lambda s: leases.try_acquire(s, JOB, now=started, seconds=DAY_SECONDS,
                                                              holder=holder, renew=False)):
        return None
    try:
        report = await in_thread(lambda: retention.purge(now=started))
    except Exception:  # the day is not done: the next look (here or in another worker) tries again
        await in_transaction(lambda s: leases.release(s, JOB, now=started, holder=holder))
        raise
    log.info("retention purge by %s: %s", holder, report)
    return report


async def purge_personal_data_daily() -> None:
    await asyncio.sleep(START_DELAY_SECONDS)
    while True:
        with correlation.unit_of_work("retention-purge"):
            try:
                await purge_if_due()
            except Exception:  # a failed purge must not stop tomorrow's
                log.exception("retention purge failed; it is tried again within the hour")
        await asyncio.sleep(CHECK_INTERVAL_SECONDS)
