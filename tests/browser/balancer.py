"""A load balancer for tests: pages and HTTP to the first backend, each websocket to the next
backend in turn — so one tab's events are served by different backend processes.

Reflex opens one websocket (``/_event``) per page load; a reload or a full navigation
opens a new one. ``pin_next_websocket(k)`` sends the next one to backend ``k``, so a
test can say exactly which process serves which step.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Routed:
    path: str
    backend: int


class WebsocketBalancer:
    def __init__(self, backend_ports: list[int]) -> None:
        self.backend_ports = backend_ports
        self.websockets: list[Routed] = []
        """Every websocket connection, in order, with the backend that got it."""
        self._next = 0
        self._pinned: int | None = None
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(128)
        self.port = self._server.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WebsocketBalancer:
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def stop(self) -> None:
        # close() alone leaves the thread blocked in accept() holding the socket open
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()

    def pin_next_websocket(self, backend: int) -> None:
        with self._lock:
            self._pinned = backend

    def _choose(self, path: str) -> int:
        if not path.startswith("/_event"):
            return 0
        with self._lock:
            if self._pinned is not None:
                backend, self._pinned = self._pinned, None
            else:
                backend, self._next = self._next, (self._next + 1) % len(self.backend_ports)
            self.websockets.append(Routed(path, backend))
            return backend

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(65536)
                if not chunk:
                    client.close()
                    return
                head += chunk
            path = head.split(b" ", 2)[1].decode("latin-1") if head.count(b" ") >= 2 else "/"
            upstream = socket.create_connection(("127.0.0.1", self.backend_ports[self._choose(path)]))
        except OSError:
            client.close()
            return
        upstream.sendall(head)
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream)


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        source.close()

