"""A tiny HTTP(S) proxy that only records what it is asked for and refuses it.

The served app runs with HTTP(S)_PROXY pointing here, so any outbound call Reflex
might make (telemetry, version checks, network probes, downloads) shows up in
``requests`` instead of silently hanging on a closed network.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class RecordingProxy:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RecordingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # close() alone leaves a thread blocked in accept() holding the socket open
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    first_line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
                except OSError:
                    first_line = "<no request line>"
                self.requests.append(first_line)
                with contextlib.suppress(OSError):
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
