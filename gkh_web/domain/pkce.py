"""PKCE (RFC 7636) with S256 only: the code verifier and the challenge derived from it.

The relying party keeps a random verifier, sends only its challenge with the
authorization request, and brings the verifier to the token request; a code
stolen on its way back through the browser is worthless without it. ``plain``
is not offered: RFC 9700 §2.1.1 asks for S256.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

METHOD_S256 = "S256"
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}")


def new_code_verifier() -> str:
    """43 characters of the unreserved alphabet: 256 random bits."""
    return secrets.token_urlsafe(32)


def code_challenge(verifier: str) -> str:
    """BASE64URL(SHA-256(ASCII(verifier))) without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def is_code_verifier(text: str) -> bool:
    return bool(_VERIFIER.fullmatch(text or ""))


def is_s256_challenge(text: str) -> bool:
    """A challenge as S256 produces it: 43 base64url characters."""
    return bool(_CHALLENGE.fullmatch(text or ""))


def verifier_matches(verifier: str, challenge: str) -> bool:
    """The token request's verifier hashes to the stored challenge (constant-time compare)."""
    if not is_code_verifier(verifier) or not is_s256_challenge(challenge):
        return False
    return hmac.compare_digest(code_challenge(verifier), challenge)
