"""The receipt sender as a lifespan task: every few seconds (``GKH_MAIL_INTERVAL_SECONDS``) the due
letters of the outbox go out (``services.mail.outbox``).

Every backend worker starts this task; a round runs only in the worker holding the
``receipt-mail-sender`` lease (``services.leases``, as the reconciler), and each letter is
claimed on its own besides, so no letter goes twice even when a round outlives the lease.
"""

import asyncio
import logging

from gkh_web.db.models import utc_now
from gkh_web.db.threads import in_transaction
from gkh_web.observability import correlation
from gkh_web.services import leases
from gkh_web.services.mail import outbox
from gkh_web.services.mail.smtp import redacted
from gkh_web.settings import get_settings

log = logging.getLogger(__name__)
START_DELAY_SECONDS = 3
"""The embedded sink binds its port first."""


async def send_receipts_forever() -> None:
    settings = get_settings()
    if settings.smtp_url is None:
        log.info("receipts by e-mail are off (GKH_SMTP_URL)")
        return
    log.info("receipts by e-mail through %s", redacted(settings.smtp_url))
    await asyncio.sleep(START_DELAY_SECONDS)
    try:
        while True:
            with correlation.unit_of_work("receipt-sender"):
                try:
                    await outbox.send_if_leader()
                except Exception:  # a failed round must not stop the next one
                    log.exception("receipt sending round failed")
            await asyncio.sleep(settings.mail_interval_seconds)
    finally:  # hand the lease over at once
        try:
            await in_transaction(lambda s: leases.release(s, outbox.JOB, now=utc_now()))
        except Exception:
            log.warning("could not release the receipt sender's lease; it runs out by itself")
