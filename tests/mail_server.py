"""A real SMTP server for tests (aiosmtpd on the test's event loop) whose answers a test scripts.

Accepted letters go through the embedded sink's store (``gkh_web.mail_sink.store``): one file per
Message-ID, so a letter sent twice after an unknown outcome is kept once — and ``deliveries`` still
counts every DATA that reached the server, so a test can tell «sent once» from «kept once».
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from gkh_web.mail_sink import store
from gkh_web.mail_sink.server import start_sink


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScriptedHandler:
    """Answers the next RCPT / DATA from its queues (then «250 OK»); can drop the line after DATA."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.rcpt_replies: list[str] = []
        self.data_replies: list[str] = []
        self.hang_up_after_data = 0
        """How many next letters are kept and then answered with a dropped connection (outcome unknown)."""
        self.deliveries: list[bytes] = []

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        if self.data_replies:
            return self.data_replies.pop(0)
        self.deliveries.append(raw)
        store.save(self.directory, raw)
        if self.hang_up_after_data:
            self.hang_up_after_data -= 1
            assert server.transport is not None
            server.transport.abort()  # the letter is kept, the sender never hears «250»
            return "250 OK"
        return "250 OK"


class MailServer:
    """``async with MailServer(directory, port)``: listening until the block ends (or ``stop()``)."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory, self.port = directory, port
        self.handler = ScriptedHandler(directory)
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> MailServer:
        self._server = await start_sink(self.directory, self.port, handler=self.handler)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> MailServer:
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    def kept(self) -> list[store.Letter]:
        return store.letters(self.directory)
