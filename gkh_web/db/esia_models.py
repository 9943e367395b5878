"""The embedded DEMO ЕСИА identity provider's own user table.

ЕСИА (Госуслуги) is a separate system: the ГИС ЖКХ side never reads this
table, it only learns the subject id and the person's data from the sign-in
flow. Keeping the table apart (and named ``esia_user``) keeps that boundary
visible. Logins are by phone, e-mail or СНИЛС, so all three are unique.
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
        sa.CheckConstraint("failed_attempts >= 0", name="failed_attempts_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject_id: str = Field(max_length=36, unique=True)
    """UUID string: the stable «oid» the identity provider hands to ГИС ЖКХ."""
    last_name: str = Field(max_length=100)
    first_name: str = Field(max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    snils: str = Field(max_length=11, unique=True)
    """11 digits without separators."""
    phone: str = Field(max_length=12, unique=True)
    """«+7XXXXXXXXXX»."""
    email: str = Field(max_length=255, unique=True)
    """Always lower-case, so that a login by e-mail is case-insensitive."""
    password_hash: str = Field(max_length=255)
    failed_attempts: int = Field(default=0)
    locked_until: datetime | None = aware_datetime_field(default=None)
    created_at: datetime = aware_datetime_field(default_factory=utc_now)
