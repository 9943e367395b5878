"""Authorization codes and access tokens of the demo ЕСИА (OAuth 2.0 authorization code grant).

A code lives 60 seconds and works once, only for the client and the
``redirect_uri`` it was issued to; the access token it buys lives 5 minutes,
enough for one ``/esia/userinfo`` call. Both are random 256-bit strings handed
out once and stored only as SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gkh_web.db.esia_models import EsiaAccessToken, EsiaAuthorizationCode, EsiaUser
from gkh_web.db.models import as_utc
from gkh_web.domain import pkce

CODE_LIFETIME = timedelta(seconds=60)
ACCESS_TOKEN_LIFETIME = timedelta(minutes=5)
"""Expired codes and tokens are deleted a day after they stopped working by the retention purge
(``services.retention``, ``GKH_RETENTION_SESSION_HOURS``), with every other rule of its kind."""


class InvalidGrant(Exception):
    """The code is unknown, used, expired, or was issued to another client or redirect_uri."""


def secret_digest(secret: str) -> str:
    """What is stored instead of a code or token: its SHA-256 in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """43 URL-safe characters, 256 random bits."""
    return secrets.token_urlsafe(32)


def issue_code(
    session: Session, subject_id: str, client_id: str, redirect_uri: str, now: datetime, *, code_challenge: str
) -> str:
    """Store a new authorization code for a signed-in user and return it (the only time it exists in clear)."""
    code = new_secret()
    session.add(EsiaAuthorizationCode(
        code_hash=secret_digest(code), subject_id=subject_id, client_id=client_id,
        redirect_uri=redirect_uri, code_challenge=code_challenge, created_at=now, expires_at=now + CODE_LIFETIME,
    ))
    session.flush()
    return code


@dataclass(frozen=True)
class IssuedToken:
    """An access token in clear, as returned by ``/esia/token``."""

    access_token: str
    expires_in: int


def exchange_code(
    session: Session, code: str, *, client_id: str, redirect_uri: str, code_verifier: str, now: datetime
) -> IssuedToken:
    """Trade a code for an access token, or raise InvalidGrant.

    The code is marked used with a conditional UPDATE, so two requests racing
    with the same code cannot both win. The PKCE verifier must hash to the
    challenge the code was issued with: a code intercepted on its way back
    through the browser buys nothing without it.
    """
    row = session.exec(
        select(EsiaAuthorizationCode).where(EsiaAuthorizationCode.code_hash == secret_digest(code))
    ).first()
    if row is None or not _code_fits(row, client_id, redirect_uri, now):
        raise InvalidGrant
    if not pkce.verifier_matches(code_verifier, row.code_challenge or ""):
        raise InvalidGrant
    claimed = session.exec(
        sa.update(EsiaAuthorizationCode)
        .where(col(EsiaAuthorizationCode.id) == row.id, col(EsiaAuthorizationCode.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        raise InvalidGrant
    return _issue_access_token(session, row.subject_id, client_id, now)


def _code_fits(row: EsiaAuthorizationCode, client_id: str, redirect_uri: str, now: datetime) -> bool:
    """Unused, not expired, and presented by the client and redirect_uri it was issued to."""
    return (
        row.used_at is None
        and as_utc(row.expires_at) > now
        and hmac.compare_digest(row.client_id, client_id)
        and row.redirect_uri == redirect_uri
    )


def _issue_access_token(session: Session, subject_id: str, client_id: str, now: datetime) -> IssuedToken:
    token = new_secret()
    session.add(EsiaAccessToken(
        token_hash=secret_digest(token), subject_id=subject_id, client_id=client_id,
        created_at=now, expires_at=now + ACCESS_TOKEN_LIFETIME,
    ))
    session.flush()
    return IssuedToken(token, int(ACCESS_TOKEN_LIFETIME.total_seconds()))


def user_for_access_token(session: Session, token: str, now: datetime) -> EsiaUser | None:
    """The user a valid, unexpired access token was issued for; None otherwise."""
    row = session.exec(
        select(EsiaAccessToken).where(EsiaAccessToken.token_hash == secret_digest(token))
    ).first()
    if row is None or as_utc(row.expires_at) <= now:
        return None
    return session.exec(select(EsiaUser).where(EsiaUser.subject_id == row.subject_id)).first()

