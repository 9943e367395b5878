"""Login throttle of the demo ЕСИА: 5 wrong passwords for one login → 15 minutes of «нет».

The counter is keyed by the normalised login («phone:+79035550101»), never by
the user row, and it is kept for logins nobody has: an attacker who types
someone's phone sees the same answers, and the same lock, whether or not that
phone has an account.

Failures are also counted per browser address (``address:<ip>``, limit
``sign_in_per_address`` of GKH_RATE_LIMITS): five guesses per login would
otherwise let one common password be tried against thousands of logins.

Each of a person's three logins (phone, e-mail, СНИЛС) has its own counter, so
an account takes at most 3 × 5 guesses per 15 minutes. Locking the account as
a whole would be stricter, but then a lock reached through one login would show
up on another and reveal that both belong to one existing person.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from gkh_web.db.esia_models import EsiaLoginThrottle
from gkh_web.db.models import as_utc
from gkh_web.services.rate_limits import limit_named

MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
FAILURE_WINDOW = LOCK_DURATION
"""Failures older than this are forgotten: five typos over a month are not an attack."""


def _moscow_zone() -> timezone | ZoneInfo:
    """Europe/Moscow, or its fixed UTC+3 (no DST since 2014) where the OS has no tz database."""
    try:
        return ZoneInfo("Europe/Moscow")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=3), "MSK")


MOSCOW = _moscow_zone()


@dataclass(frozen=True)
class LockState:
    """Whether a login may try a password now, and until when it may not."""

    locked_until: datetime | None
    """UTC end of the lock; None when the login may try a password."""


def login_key_hash(login_key: str) -> str:
    """What the throttle table stores instead of the login itself."""
    return hashlib.sha256(login_key.encode()).hexdigest()


def _moscow_minute(moment: datetime) -> datetime:
    """Moscow time rounded up to the minute, so that the time shown really works."""
    moscow = as_utc(moment).astimezone(MOSCOW)
    shown = moscow.replace(second=0, microsecond=0)
    return shown + timedelta(minutes=1) if shown < moscow else shown


def lock_message(locked_until: datetime) -> str:
    """«… Попробуйте после 14:35» in Moscow time, rounded up so that the time shown really works."""
    return (
        f"Вход временно заблокирован после {MAX_FAILED_ATTEMPTS} неверных попыток. "
        f"Попробуйте после {_moscow_minute(locked_until):%H:%M}"
    )


def _row(session: Session, login_key: str) -> EsiaLoginThrottle | None:
    return session.exec(
        select(EsiaLoginThrottle).where(EsiaLoginThrottle.login_key_hash == login_key_hash(login_key))
    ).first()


def _forget_stale(row: EsiaLoginThrottle, now: datetime, window: timedelta = FAILURE_WINDOW) -> None:
    """A finished lock, or failures outside the window, start a fresh count."""
    lock_over = row.locked_until is not None and as_utc(row.locked_until) <= now
    window_over = row.last_failed_at is not None and as_utc(row.last_failed_at) + window <= now
    if lock_over or window_over:
        row.failed_attempts, row.locked_until, row.last_failed_at = 0, None, None


def current_lock(session: Session, login_key: str, now: datetime) -> LockState:
    """The lock on ``login_key`` at ``now`` (no row, or an expired lock, means free to try)."""
    row = _row(session, login_key)
    if row is None or row.locked_until is None or as_utc(row.locked_until) <= now:
        return LockState(None)
    return LockState(as_utc(row.locked_until))


def record_failure(
    session: Session, login_key: str, now: datetime, *, max_attempts: int = MAX_FAILED_ATTEMPTS,
    window: timedelta = FAILURE_WINDOW,
) -> LockState:
    """Count one wrong password; the fifth within the window locks the login for 15 minutes."""
    row = _row(session, login_key) or EsiaLoginThrottle(login_key_hash=login_key_hash(login_key))
    _forget_stale(row, now, window)
    row.failed_attempts += 1
    row.last_failed_at = now
    if row.failed_attempts >= max_attempts:
        row.locked_until = now + window
    session.add(row)
    session.flush()
    return LockState(row.locked_until)


# --- Per address: one password tried across many logins ------------------------------------------


def address_key(client_address: str) -> str:
    """The counter of every sign-in failure from one browser address (as the server saw it)."""
    return "address:" + (client_address or "unknown")


def address_limit() -> tuple[int, timedelta]:
    """(failures, window) for one address: ``sign_in_per_address`` of GKH_RATE_LIMITS."""
    limit = limit_named("sign_in_per_address")
    return limit.count, timedelta(seconds=limit.seconds)


def record_address_failure(session: Session, key: str, now: datetime) -> LockState:
    """Count a failure from this address; at the limit every login from there waits out the window."""
    count, window = address_limit()
    return record_failure(session, key, now, max_attempts=count, window=window)


def address_lock_message(locked_until: datetime) -> str:
    """Said for every login once the address is locked: nothing here tells whether a login exists."""
    return (
        "Слишком много неудачных попыток входа с этого устройства. "
        f"Попробуйте после {_moscow_minute(locked_until):%H:%M}"
    )


def record_success(session: Session, login_key: str) -> None:
    """The right password clears the count for this login."""
    row = _row(session, login_key)
    if row is not None:
        session.delete(row)
        session.flush()

