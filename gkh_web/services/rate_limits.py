"""Rate limits that hold across every worker: counters in the database, or in Redis when it is set.

Each limit is a fixed window: at most ``count`` actions per ``seconds`` for one
subject (a tab, a client address, a resident). The counter of a key and window
goes up with one atomic statement (an upsert, or Redis ``INCR``), so workers
racing on the same key never lose a hit, and whoever is refused learns when
the window ends: the Russian message says when to try again.

Counting happens in a transaction of its own, before the action: a refused or
failed action still counts, and rolling the action back never un-counts it
(that is what stops an enumeration: every look-up counts, found or not).

The limits and their defaults are the table ``DEFAULT_LIMITS``; an operator
overrides any of them with ``GKH_RATE_LIMITS=name=count/seconds,…``.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from gkh_web.db.engine import session_scope
from gkh_web.db.models import RateLimitCounter
from gkh_web.settings import get_settings

MOSCOW = ZoneInfo("Europe/Moscow")


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int
    refusal: str
    """What the person is told, before «Попробуйте снова через …»."""


DEFAULT_LIMITS: dict[str, Limit] = {
    "lookup_per_tab": Limit(20, 600, "Слишком много поисков лицевых счетов подряд."),
    "lookup_per_address": Limit(60, 600, "Слишком много поисков лицевых счетов с этого устройства."),
    "payment_per_resident": Limit(10, 3600, "Слишком много начатых платежей."),
    "sign_in_per_address": Limit(20, 900, "Слишком много неудачных попыток входа с этого устройства."),
    "register_per_address": Limit(20, 900, "Слишком много попыток регистрации с этого устройства."),
}
"""Account look-ups and linking attempts count per tab and per client address (an enumeration must
come from somewhere); payments per resident (nobody may hold other people's documents «в обработке»
by starting payments on them); failed sign-ins per client address (one password tried across many
logins), next to the demo ЕСИА's five per login; registrations at the demo ЕСИА per client address, with
the sign-in numbers (every attempt that reaches the duplicate check counts: «this phone is taken» is an
answer an enumeration wants)."""


class RateLimitConfigError(ValueError):
    """``GKH_RATE_LIMITS`` cannot be read; the message names the bad part."""


class RateLimited(Exception):
    """Refused: ``str()`` is the Russian message with the time to try again."""

    def __init__(self, limit: Limit, retry_after_seconds: int, now: float) -> None:  # ok-float: unix time
        self.retry_after_seconds = retry_after_seconds
        super().__init__(f"{limit.refusal} {retry_text(retry_after_seconds, now)}")


def retry_text(seconds: int, now: float) -> str:  # ok-float: unix time
    """«Попробуйте снова через 7 мин (после 14:35)», or «через 40 с» under a minute."""
    if seconds < 60:
        return f"Попробуйте снова через {max(1, seconds)} с."
    minutes = math.ceil(seconds / 60)
    until = datetime.fromtimestamp(now + seconds, UTC).astimezone(MOSCOW)
    until = until.replace(second=0, microsecond=0) + timedelta(minutes=1 if until.second or until.microsecond else 0)
    return f"Попробуйте снова через {minutes} мин (после {until:%H:%M})."


def parse_limits(text: str) -> dict[str, Limit]:
    """DEFAULT_LIMITS with ``name=count/seconds`` overrides from a comma-separated list."""
    limits = dict(DEFAULT_LIMITS)
    for part in filter(None, (item.strip() for item in text.split(","))):
        name, _, value = part.partition("=")
        count_text, _, seconds_text = value.partition("/")
        name = name.strip()
        if name not in DEFAULT_LIMITS:
            raise RateLimitConfigError(
                f"GKH_RATE_LIMITS: неизвестный предел «{name}» (известны: {', '.join(DEFAULT_LIMITS)})"
            )
        if not (count_text.strip().isdigit() and seconds_text.strip().isdigit()) or int(seconds_text) == 0:
            raise RateLimitConfigError(f"GKH_RATE_LIMITS: «{part}» — нужно имя=число/секунды, например {name}=20/600")
        limits[name] = Limit(int(count_text), int(seconds_text), DEFAULT_LIMITS[name].refusal)
    return limits


@lru_cache(maxsize=8)
def _limits_for(text: str) -> dict[str, Limit]:
    return parse_limits(text)


def limit_named(name: str) -> Limit:
    return _limits_for(get_settings().rate_limits)[name]


def _key_hash(name: str, subject: str) -> str:
    """Neither an address nor a token is stored in clear."""
    return hashlib.sha256(f"{name}:{subject}".encode()).hexdigest()


# --- Stores ------------------------------------------------------------------------------------------


def _database_hit(key_hash: str, window_start: int, expires_at: int, now: int) -> int:
    """One upsert (SQLite ≥ 3.35 and PostgreSQL both do ON CONFLICT … RETURNING); its own transaction."""
    with session_scope() as session:
        dialect = session.get_bind().dialect.name
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(RateLimitCounter)
        statement = insert.values(key_hash=key_hash, window_start=window_start, count=1, expires_at=expires_at)
        statement = statement.on_conflict_do_update(
            index_elements=[col(RateLimitCounter.key_hash), col(RateLimitCounter.window_start)],
            set_={"count": col(RateLimitCounter.count) + 1},
        ).returning(col(RateLimitCounter.count))
        count = session.execute(statement).scalar_one()
        session.execute(sa.delete(RateLimitCounter).where(col(RateLimitCounter.expires_at) < now))
        session.commit()
        return count


_redis_lock = threading.Lock()
_redis_clients: dict[str, object] = {}


def _redis(url: str):
    import redis  # installed with Reflex; only needed when GKH_REDIS_URL is set

    with _redis_lock:
        if url not in _redis_clients:
            _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return _redis_clients[url]


def _redis_hit(url: str, key_hash: str, window_start: int, seconds: int) -> int:
    """INCR and EXPIRE in one round trip; the key dies with its window."""
    namespace = hashlib.sha256(get_settings().database_url.encode()).hexdigest()[:12]  # one deployment's counters
    key = f"gkh:ratelimit:{namespace}:{key_hash}:{window_start}"
    pipeline = _redis(url).pipeline()
    pipeline.incr(key)
    pipeline.expire(key, seconds + 1)
    count, _ = pipeline.execute()
    return int(count)


def _hit(name: str, subject: str, limit: Limit, now: float) -> int:  # ok-float: unix time
    window_start = int(now) - int(now) % limit.seconds
    key_hash = _key_hash(name, subject)
    redis_url = get_settings().redis_url
    if redis_url:
        return _redis_hit(redis_url, key_hash, window_start, limit.seconds)
    return _database_hit(key_hash, window_start, window_start + limit.seconds, int(now))


def spend(subjects: Iterable[tuple[str, str]], *, now: float | None = None) -> None:  # ok-float: unix time
    """Count one action against every (limit name, subject) given; RateLimited if any is over its limit.

    Every counter goes up even when one of them refuses, so an attacker
    cannot probe one limit while hiding behind another. Blocking (a database
    or Redis round trip): call it from a worker thread.
    """
    moment = time.time() if now is None else now
    worst: tuple[Limit, int] | None = None
    for name, subject in subjects:
        limit = limit_named(name)
        count = _hit(name, subject or "unknown", limit, moment)
        if count > limit.count:
            retry = limit.seconds - int(moment) % limit.seconds
            if worst is None or retry > worst[1]:
                worst = (limit, retry)
    if worst is not None:
        raise RateLimited(worst[0], worst[1], moment)
