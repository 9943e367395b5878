"""HMAC-SHA256 signatures of the gateway's notifications: the scheme both sides speak.

The signature covers ``f"{timestamp}.{body}"`` so a captured body cannot be
replayed later under a fresh timestamp, and a stale timestamp is refused —
the Stripe scheme the design (§6.6) asks for. Pure Python and part of the
protocol, so the app's webhook route checks it without importing the
sandbox, and the sandbox signs with the same code.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

TIMESTAMP_HEADER = "X-Sandbox-Timestamp"
SIGNATURE_HEADER = "X-Sandbox-Signature"


def sign_webhook(body: bytes, timestamp: int, secret: str) -> str:
    """Hex HMAC-SHA256 of ``b"<timestamp>." + body`` with the shared secret."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _unix(now: datetime | float | int) -> float:  # ok-float: unix time
    return now.timestamp() if isinstance(now, datetime) else float(now)  # ok-float: unix time


def verify_webhook(
    body: bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    secret: str,
    *,
    now: datetime | float | int,
    tolerance_seconds: int = 300,
) -> bool:
    """True only for a correct signature whose timestamp is within the tolerance of ``now``."""
    if not timestamp_header or not signature_header or not secret:
        return False
    text = timestamp_header.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:  # «²».isdigit() is True, int("²") fails
        return False
    timestamp = int(text)
    if abs(_unix(now) - timestamp) > tolerance_seconds:
        return False
    expected = sign_webhook(body, timestamp, secret)
    return hmac.compare_digest(expected, signature_header.strip().lower())
