"""The embedded DEMO ЕСИА identity provider's own tables: users, codes, access tokens, login throttle.

ЕСИА (Госуслуги) is a separate system: the ГИС ЖКХ side never reads these
tables, it only learns the subject id and the person's data from the sign-in
flow over HTTP. Keeping the tables apart (all named ``esia_*``) keeps that boundary
visible. Logins are by phone, e-mail or СНИЛС, so all three are unique; as at Госуслуги, an
account has a phone or an e-mail or both (self-registration asks for at least one).

Failed sign-ins are counted in ``esia_login_throttle`` per normalised login,
not on the user row: unknown logins must be counted and locked exactly like
existing ones, or the lock-out itself would tell who has an account. (The
``failed_attempts``/``locked_until`` columns the first schema had on
``esia_user`` were dropped by migration 0002 for that reason: one counter, one
place.)

Codes and access tokens are stored only as SHA-256 hex digests: a copy of the
database is not a set of working credentials.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from gkh_web.db.models import aware_datetime_field, utc_now


class EsiaUser(SQLModel, table=True):
    """A Госуслуги account of the demo identity provider (password hashed with argon2)."""

    __tablename__ = "esia_user"
    __table_args__ = (
        sa.CheckConstraint("length(snils) = 11", name="snils_length"),
        sa.CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="contact_given"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject_id: str = Field(max_length=36, unique=True)
    """UUID string: the stable «oid» the identity provider hands to ГИС ЖКХ."""
    last_name: str = Field(max_length=100)
    first_name: str = Field(max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    snils: str = Field(max_length=11, unique=True)
    """11 digits without separators."""
    phone: str | None = Field(default=None, max_length=12, unique=True)
    """«+7XXXXXXXXXX»; NULL for an account registered with an e-mail only (never both NULL: ``contact_given``)."""
    email: str | None = Field(default=None, max_length=255, unique=True)
    """Always lower-case, so that a login by e-mail is case-insensitive; NULL for a phone-only account."""
    password_hash: str = Field(max_length=255)
    created_at: datetime = aware_datetime_field(default_factory=utc_now)


SHA256_HEX_LENGTH = 64


class EsiaAuthorizationCode(SQLModel, table=True):
    """A single-use code handed to the browser after sign-in; ГИС ЖКХ trades it for an access token.

    Valid for 60 seconds, only for the client and ``redirect_uri`` it was
    issued to; ``used_at`` is set by the exchange, so a second use is refused.
    """

    __tablename__ = "esia_authorization_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=SHA256_HEX_LENGTH, unique=True)
    subject_id: str = Field(max_length=36, foreign_key="esia_user.subject_id", ondelete="CASCADE", index=True)
    client_id: str = Field(max_length=100)
    redirect_uri: str = Field(max_length=2000)
    code_challenge: str | None = Field(default=None, max_length=128)
    """PKCE (RFC 7636, S256 only): BASE64URL(SHA-256(code_verifier)); the token request must bring the verifier."""
    created_at: datetime = aware_datetime_field(default_factory=utc_now)
    expires_at: datetime = aware_datetime_field()
    used_at: datetime | None = aware_datetime_field(default=None)


class EsiaAccessToken(SQLModel, table=True):
    """A bearer token for ``/esia/userinfo``, valid for 5 minutes: enough for one sign-in."""

    __tablename__ = "esia_access_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=SHA256_HEX_LENGTH, unique=True)
    subject_id: str = Field(max_length=36, foreign_key="esia_user.subject_id", ondelete="CASCADE", index=True)
    client_id: str = Field(max_length=100)
    created_at: datetime = aware_datetime_field(default_factory=utc_now)
    expires_at: datetime = aware_datetime_field()


class EsiaLoginThrottle(SQLModel, table=True):
    """Failed sign-ins for one normalised login («phone:+79035550101»), known to the provider or not.

    The login itself is stored only as a SHA-256 digest: typos of strangers'
    phone numbers are personal data the provider has no reason to keep.
    """

    __tablename__ = "esia_login_throttle"
    __table_args__ = (sa.CheckConstraint("failed_attempts >= 0", name="failed_attempts_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    login_key_hash: str = Field(max_length=SHA256_HEX_LENGTH, unique=True)
    failed_attempts: int = Field(default=0)
    last_failed_at: datetime | None = aware_datetime_field(default=None)
    locked_until: datetime | None = aware_datetime_field(default=None)


class EsiaClient(SQLModel, table=True):
    """A relying party registered at the demo ЕСИА: its id, its secret (as a digest) and its exact return addresses.

    As at a real provider, ``redirect_uri`` in a request must equal one of
    ``redirect_uris`` character for character (RFC 9700 §2.1): no pattern, no
    "any host with the right path". ГИС ЖКХ's own client is written here from
    the settings when the server starts (``esia.clients.register_own_client``).
    """

    __tablename__ = "esia_client"

    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=100, unique=True)
    secret_hash: str = Field(max_length=SHA256_HEX_LENGTH)
    redirect_uris: str = Field(max_length=4000)
    """One exact address per line."""
    created_at: datetime = aware_datetime_field(default_factory=utc_now)
    updated_at: datetime = aware_datetime_field(default_factory=utc_now)
