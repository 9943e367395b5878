"""The attacker's tool: the Reflex websocket protocol spoken by a script, with any Origin and any token.

A browser tab is a socket.io connection to ``/_event`` carrying the tab's token in the
query and the ``hydrate_and_load`` event in its CONNECT packet; after that, one ``event``
message per handler call, with the handler's full name and any arguments. Nothing stops a
script from sending all of that itself — this is what the attack tests do.

The client runs on an event loop of its own in a worker thread, so the tests that use it are
plain functions and can run after Playwright has claimed the main thread's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import parse_qsl, urlsplit

import reflex as rx
import socketio

T = TypeVar("T")
NAMESPACE = "/_event"
ROOT = rx.State.get_full_name()
HYDRATE = f"{ROOT}.hydrate_and_load"
ON_LOAD = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
HYDRATED = "is_hydrated_rx_state_"


def run(coroutine_factory: Callable[[], Awaitable[T]]) -> T:
    """Run an async attack on its own loop in a thread (the test's thread may belong to Playwright)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_factory())).result()


def router_data(path_and_query: str) -> dict:
    """What the frontend sends as its location (Reflex takes the origin from the Origin header instead)."""
    parts = urlsplit(path_and_query)
    data = {"pathname": parts.path, "asPath": parts.path + (f"?{parts.query}" if parts.query else "")}
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if query:
        data["query"] = query
    return data


@dataclass
class ScriptedTab:
    """One scripted "tab": a token, the frames it received, and the frontend events among them."""

    base_url: str
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    origin: str | None = None
    """The Origin header of the websocket handshake (None: a script that sends none). Reflex builds
    ``router.url.origin`` from it."""
    frames: list[dict] = field(default_factory=list)
    path: str = "/"
    sio: socketio.AsyncClient | None = None

    def _on_update(self, update: dict) -> None:
        self.frames.append(update)

    @property
    def text(self) -> str:
        """Everything received, as one string to search for personal data."""
        return json.dumps(self.frames, ensure_ascii=False)

    def events(self, name: str) -> list[dict]:
        return [event for frame in self.frames for event in frame.get("events") or [] if event.get("name") == name]

    def delta_value(self, state_name: str, var: str):
        """The newest value of a var the server sent (None if it never did)."""
        value = None
        for frame in self.frames:
            changes = (frame.get("delta") or {}).get(state_name, {})
            if f"{var}_rx_state_" in changes:
                value = changes[f"{var}_rx_state_"]
        return value

    async def connect(self, path_and_query: str = "/", *, timeout: float = 15) -> None:
        """A page load: a new socket whose CONNECT carries the hydrate; returns once the page is hydrated."""
        await self.close()
        self.path = path_and_query
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        sio.on("event", self._on_update, namespace=NAMESPACE)
        boot = {"name": HYDRATE, "payload": {}, "router_data": self._router(path_and_query)}
        headers = {"Origin": self.origin} if self.origin else {}
        await sio.connect(f"{self.base_url}?token={self.token}", socketio_path="/_event", transports=["websocket"],
                          headers=headers, auth={"event": boot}, namespaces=[NAMESPACE], wait_timeout=timeout)
        self.sio = sio
        await self.wait_for(self._hydrated, timeout)

    def _router(self, path_and_query: str) -> dict:
        return router_data(path_and_query)

    def _hydrated(self) -> bool:
        return any((frame.get("delta") or {}).get(ROOT, {}).get(HYDRATED) is True for frame in self.frames)

    async def send(self, handler: str, payload: dict | None = None, *, settle: float = 1.5) -> None:
        """Call a handler by its full name (``<state full name>.<handler>``) and collect what comes back."""
        assert self.sio is not None, "connect first"
        await self.sio.emit("event", {"name": handler, "payload": payload or {},
                                      "router_data": self._router(self.path)}, namespace=NAMESPACE)
        await asyncio.sleep(settle)

    async def wait_for(self, condition: Callable[[], bool], timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no such answer within {timeout} s; got {self.text[:2000]}")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        if self.sio is not None:
            sio, self.sio = self.sio, None
            with contextlib.suppress(Exception):  # already gone: the attack is over either way
                await sio.disconnect()


def handler(state_cls, name: str) -> str:
    """The full event name of ``state_cls.name`` as the frontend sends it."""
    return f"{state_cls.get_full_name()}.{name}"
