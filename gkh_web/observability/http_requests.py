"""Where every HTTP request passes: an ASGI wrapper around the whole backend (our routes — the demo ЕСИА,
the sandbox gateway, the webhook, receipts, ``/metrics`` — and Reflex's own) that gives the request a
correlation id, answers it in ``X-Request-ID`` and writes one line when the answer has gone.

The line names the method, the path and the status; never the query string (ЕСИА's ``code``, return
addresses) and never a long opaque path segment (a receipt link's signed token, a sandbox page's id),
which is shown as ``…``. Requests for the build's static files and the health and metrics probes are logged
at DEBUG only (unless they fail).
"""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gkh_web.observability import correlation

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = b"x-request-id"
QUIET_PREFIXES = ("/assets/", "/favicon.ico", "/ping", "/_health", "/metrics")
"""Static files and what machines ask every few seconds (balancer, Prometheus): DEBUG unless they fail."""
STATIC_SUFFIXES = (".css", ".js", ".svg", ".ico", ".png", ".woff2", ".map")
"""The app's own public files served at the root (``/emblem.svg``, ``/kiosk.css``): DEBUG unless they fail."""
_OPAQUE_SEGMENT = re.compile(r"[^/]{25,}")


def loggable_path(path: str) -> str:
    """The path with every segment of 25 characters or more (a token, an id) replaced by ``…``."""
    return _OPAQUE_SEGMENT.sub("…", path)


def observe_requests(app: ASGIApp) -> ASGIApp:
    """For ``rx.App(api_transformer=[…, observe_requests])``: the outermost layer of the backend."""

    async def observed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path = loggable_path(scope.get("path", ""))
        token = correlation.begin("http", method=scope.get("method", ""), path=path)
        request_id = correlation.current()[correlation.CORRELATION_ID].encode("ascii")
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (REQUEST_ID_HEADER, request_id)]}
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            quiet = path.startswith(QUIET_PREFIXES) or path.endswith(STATIC_SUFFIXES)
            level = logging.DEBUG if quiet and status < 400 else logging.INFO
            log.log(level, "%s %s %s %.1f ms", scope.get("method", ""), path, status,
                    (time.perf_counter() - started) * 1000)
            correlation.end(token)

    return observed
