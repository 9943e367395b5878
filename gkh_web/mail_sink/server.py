"""The sink's SMTP server: aiosmtpd on this process's event loop, on 127.0.0.1 only.

Every backend worker runs ``serve_mail_sink``; one of them gets the port, the others find it taken and
try again now and then (so the sink comes back with a respawned worker). All of them read the same
folder for ``/demo/outbox``.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from gkh_web.mail_sink import store
from gkh_web.settings import get_settings

log = logging.getLogger(__name__)
HOST = "127.0.0.1"
RETRY_BIND_SECONDS = 30
MAX_LETTER_BYTES = 10 * 1024 * 1024


class SinkHandler:
    """Keeps every letter (once per Message-ID) in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if not isinstance(raw, bytes):
            raw = str(raw).encode("utf-8")
        kept = await asyncio.to_thread(store.save, self.directory, raw)
        return "250 OK" if kept else "250 OK (повтор письма с тем же Message-ID — не сохранён)"


async def start_sink(directory: Path, port: int, *, host: str = HOST, handler: object | None = None
                     ) -> asyncio.AbstractServer:
    """Listen on ``host:port`` with an aiosmtpd SMTP server; raises OSError when the port is taken."""
    loop = asyncio.get_running_loop()
    chosen = handler or SinkHandler(directory)
    return await loop.create_server(
        lambda: SMTP(chosen, hostname="gkh-sink.local", data_size_limit=MAX_LETTER_BYTES, enable_SMTPUTF8=True),
        host=host, port=port,
    )


async def serve_mail_sink() -> None:
    """Lifespan task: the embedded sink in demo mode, for as long as the worker lives."""
    settings = get_settings()
    if not settings.smtp_sink_serving:
        return
    directory, port = Path(settings.smtp_sink_dir), settings.smtp_sink_port
    server: asyncio.AbstractServer | None = None
    try:
        while server is None:
            try:
                server = await start_sink(directory, port)
            except OSError:  # another worker has it; try again later in case it goes away
                await asyncio.sleep(RETRY_BIND_SECONDS)
        log.info("SMTP sink on %s:%s keeps letters in %s", HOST, port, directory)
        await asyncio.Event().wait()
    finally:
        if server is not None:
            server.close()
