"""What every backend worker does once when it starts, before serving residents."""

import asyncio
import logging

from gkh_web.db.threads import in_transaction
from gkh_web.esia import clients
from gkh_web.settings import get_settings

log = logging.getLogger(__name__)
ATTEMPTS = 5


async def register_own_esia_client() -> None:
    """Write ГИС ЖКХ's client (id, secret, the one exact callback) into the demo ЕСИА's registry.

    Only when the embedded demo ЕСИА is serving; a real provider keeps its own registry. Retried
    briefly: a worker may start while the database is still coming up.
    """
    settings = get_settings()
    if settings.esia_url is not None or not settings.embedded_esia_serving:
        return
    for attempt in range(1, ATTEMPTS + 1):
        try:
            await in_transaction(lambda session: clients.register_own_client(session, settings))
            return
        except Exception:  # the database may not be up yet; sign-in says «неизвестное приложение» until it is
            log.warning("could not register the ЕСИА client (attempt %s of %s)", attempt, ATTEMPTS, exc_info=True)
            await asyncio.sleep(attempt)
