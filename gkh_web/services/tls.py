"""One TLS context for every outbound httpx client of a process.

``httpx.AsyncClient()`` builds a new ``ssl.SSLContext`` and loads the whole CA
bundle into it — about 20 ms of CPU, on the event loop, even for a plain-http
URL. The gateway and ЕСИА clients open a short-lived client per call, so without
this every payment, result page and sign-in stalled every other kiosk served by
the same worker for that long (bench/kiosks.py). The context is immutable once
built and safe to share between clients and threads.
"""

from __future__ import annotations

import ssl
from functools import lru_cache

import httpx


@lru_cache(maxsize=1)
def client_tls_context() -> ssl.SSLContext:
    """The verifying context httpx would build for ``verify=True`` (certifi or SSL_CERT_FILE/DIR)."""
    return httpx.create_ssl_context()
