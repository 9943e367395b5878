"""The signed token of a receipt link: one payment's receipt, read-only, for a few minutes, no sign-in.

The kiosk shows it as a QR code so that the receipt leaves with the resident's phone and nothing stays
on the shared tablet. The token is ``<payment public id>.<expiry, Unix seconds>.<signature>``, where the
signature is HMAC-SHA256 with the server's key over a purpose label, the payment and the expiry (the first
128 bits, base64url). Changing any part — another payment, a later expiry, another purpose — breaks the
signature; the key never leaves the server. Pure functions: the caller passes the key and the clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

PURPOSE = "gkh-receipt-link-v1"
"""Signed with every token: a signature made for anything else (another kind of link) is no receipt link."""
SIGNATURE_BYTES = 16
_PUBLIC_ID = re.compile(r"[0-9a-f]{32}")
_EXPIRY = re.compile(r"[1-9][0-9]{0,11}")
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{22}")

INVALID = "invalid"
EXPIRED = "expired"


class ReceiptLinkError(ValueError):
    """The link opens nothing: ``reason`` is INVALID (altered, forged, cut short) or EXPIRED."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ReceiptToken:
    public_id: str
    expires_at: int
    """Unix seconds."""


def _signature(public_id: str, expires_at: int, key: str) -> str:
    message = f"{PURPOSE}\n{public_id}\n{expires_at}".encode("ascii")
    digest = hmac.new(key.encode("utf-8"), message, hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign_receipt_token(public_id: str, expires_at: int, key: str) -> str:
    """The token for ``public_id`` (a payment's 32 hex digits) valid until ``expires_at`` (Unix seconds)."""
    if not _PUBLIC_ID.fullmatch(public_id) or not _EXPIRY.fullmatch(str(expires_at)):
        raise ValueError("a receipt link names a payment's public id and a positive expiry")
    if not key:
        raise ValueError("a receipt link needs a signing key")
    return f"{public_id}.{expires_at}.{_signature(public_id, expires_at, key)}"


def read_receipt_token(token: str, key: str, *, now: float, longest_seconds: int) -> ReceiptToken:  # ok-float: seconds
    """The payment a token opens, if its signature is ours and it has not expired.

    The signature is checked before the time, so a token whose expiry was moved is INVALID, not
    EXPIRED; a token valid for longer than ``longest_seconds`` from ``now`` is INVALID too (no key in
    force ever made it). Raises ReceiptLinkError otherwise.
    """
    parts = token.split(".") if isinstance(token, str) and len(token) <= 80 else []
    if len(parts) != 3 or not key:
        raise ReceiptLinkError(INVALID)
    public_id, expiry, signature = parts
    if not (_PUBLIC_ID.fullmatch(public_id) and _EXPIRY.fullmatch(expiry) and _SIGNATURE.fullmatch(signature)):
        raise ReceiptLinkError(INVALID)
    expires_at = int(expiry)
    if not hmac.compare_digest(signature, _signature(public_id, expires_at, key)):
        raise ReceiptLinkError(INVALID)
    if expires_at > now + longest_seconds:
        raise ReceiptLinkError(INVALID)
    if now >= expires_at:
        raise ReceiptLinkError(EXPIRED)
    return ReceiptToken(public_id, expires_at)
