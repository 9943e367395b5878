"""Residents of ГИС ЖКХ and their sign-in sessions.

A resident row is created on the first sign-in through ЕСИА and refreshed on
every later one: ЕСИА is the authority for ФИО, СНИЛС and phone. The e-mail
is copied from ЕСИА only once, because the resident may change it in the
ГИС ЖКХ profile (the address for receipts) and ЕСИА must not overwrite it.

A session is a random token held by the browser tab; the database keeps only
its SHA-256, when it was last used, and how it ended. Functions here do not
commit: run each user action in one ``session_scope()``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from gkh_web.db.models import SESSION_END_REASONS, Resident, ResidentSession, as_utc, stored_id, utc_now
from gkh_web.domain.contacts import ContactError, format_phone
from gkh_web.domain.identifiers import format_snils
from gkh_web.services.identity.agreement import ResidentNotFound, needs_agreement
from gkh_web.services.identity.esia_client import EsiaClaims

__all__ = [
    "ResidentNotFound",
    "ResidentProfile",
    "end_all_sessions",
    "end_session",
    "end_session_of",
    "needs_agreement",
    "resident_for_token",
    "resident_profile",
    "sign_in_resident",
]


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(now: datetime | None) -> datetime:
    return utc_now() if now is None else as_utc(now)


def _resident_from_claims(session: Session, claims: EsiaClaims) -> Resident:
    """The resident with this ЕСИА subject, created or refreshed from the claims."""
    resident = session.exec(select(Resident).where(Resident.esia_subject_id == claims.subject_id)).first()
    if resident is None:
        resident = Resident(
            esia_subject_id=claims.subject_id,
            email=claims.email,
            last_name=claims.last_name,
            first_name=claims.first_name,
        )
    resident.last_name = claims.last_name
    resident.first_name = claims.first_name
    resident.middle_name = claims.middle_name
    resident.snils = claims.snils
    resident.phone = claims.phone
    session.add(resident)
    session.flush()
    return resident


def sign_in_resident(
    session: Session, claims: EsiaClaims, *, now: datetime | None = None, replaced_token: str | None = None
) -> str:
    """Find or create the resident and open a session; returns the new session token.

    ``replaced_token``: the tab's previous session, if any, is ended with
    reason "replaced" so that two people never share one tab's sign-in.
    """
    now = _utc(now)
    if replaced_token:
        end_session(session, replaced_token, reason="replaced", now=now)
    resident = _resident_from_claims(session, claims)
    token = secrets.token_urlsafe(32)
    session.add(
        ResidentSession(
            token_hash=_token_digest(token),
            resident_id=stored_id(resident),
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def _live_session(session: Session, token: str) -> ResidentSession | None:
    if not token:
        return None
    row = session.exec(select(ResidentSession).where(ResidentSession.token_hash == _token_digest(token))).first()
    return row if row is not None and row.ended_at is None else None


def _end(row: ResidentSession, reason: str, now: datetime) -> None:
    row.ended_at = now
    row.end_reason = reason


def resident_for_token(
    session: Session,
    token: str,
    *,
    now: datetime | None = None,
    idle_limit_seconds: int,
    max_age_seconds: int | None = None,
) -> Resident | None:
    """The signed-in resident, and the session marked as used now; None if there is none any more.

    A session idle longer than ``idle_limit_seconds`` is ended here (reason
    "idle"), so a kiosk left alone is signed out even if its browser never
    says so; one older than ``max_age_seconds`` (GKH_SESSION_MAX_SECONDS) is
    ended as "expired" however busy it is, so a sign-in never outlives a visit.
    """
    now = _utc(now)
    row = _live_session(session, token)
    if row is None:
        return None
    if max_age_seconds is not None and now - as_utc(row.created_at) > timedelta(seconds=max_age_seconds):
        _end(row, "expired", now)
        session.add(row)
        session.flush()
        return None
    if now - as_utc(row.last_seen_at) > timedelta(seconds=idle_limit_seconds):
        _end(row, "idle", now)
        session.add(row)
        session.flush()
        return None
    row.last_seen_at = now
    session.add(row)
    session.flush()
    return session.get(Resident, row.resident_id)


def end_session(session: Session, token: str, reason: str = "logout", *, now: datetime | None = None) -> bool:
    """End the session behind ``token`` («Выйти», idle reset, replaced); False if it was not live."""
    return end_session_of(session, token, reason, now=now) is not None


def end_session_of(session: Session, token: str, reason: str = "logout", *, now: datetime | None = None) -> int | None:
    """End the session behind ``token`` and say whose it was (None if it was not live)."""
    if reason not in SESSION_END_REASONS:
        raise ValueError(f"unknown end reason {reason!r}; expected one of {SESSION_END_REASONS}")
    row = _live_session(session, token)
    if row is None:
        return None
    _end(row, reason, _utc(now))
    session.add(row)
    session.flush()
    return row.resident_id


def end_all_sessions(session: Session, reason: str = "revoked", *, now: datetime | None = None) -> int:
    """End every live session (an operator's «everyone out»); returns how many were ended."""
    if reason not in SESSION_END_REASONS:
        raise ValueError(f"unknown end reason {reason!r}")
    rows = session.exec(select(ResidentSession).where(col(ResidentSession.ended_at).is_(None))).all()
    moment = _utc(now)
    for row in rows:
        _end(row, reason, moment)
        session.add(row)
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class ResidentProfile:
    """What the agreement page and the header show about a resident, ready to display."""

    resident_id: int
    fio: str
    snils: str | None
    snils_text: str
    phone: str | None
    phone_text: str
    email: str
    """The e-mail for receipts, "" when there is none yet."""
    needs_agreement: bool


def resident_profile(session: Session, resident_id: int) -> ResidentProfile:
    """The resident's data formatted for the screen; ResidentNotFound if the id is gone."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise ResidentNotFound(resident_id)
    fio = " ".join(part for part in (resident.last_name, resident.first_name, resident.middle_name) if part)
    return ResidentProfile(
        resident_id=resident_id,
        fio=fio,
        snils=resident.snils,
        snils_text=format_snils(resident.snils) if resident.snils else "",
        phone=resident.phone,
        phone_text=_shown_phone(resident.phone),
        email=resident.email or "",
        needs_agreement=needs_agreement(resident),
    )


def _shown_phone(phone: str | None) -> str:
    """«+7 (903) 555-01-01»; a stored number that does not parse is shown as stored rather than failing the page."""
    if not phone:
        return ""
    try:
        return format_phone(phone)
    except ContactError:
        return phone
