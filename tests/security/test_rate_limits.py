"""The counters behind every rate limit: exact under concurrency, shared by workers, said in Russian.

An enumeration from many workers at once must not slip through lost increments, and a limit
kept in one worker's memory would be a limit per worker. So the counters live in the database
(one upsert per hit) or, with ``GKH_REDIS_URL``, in Redis (``INCR`` + ``EXPIRE``); both are
tested here with threads racing on one key.
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gkh_web.db.engine import session_scope
from gkh_web.db.models import RateLimitCounter
from gkh_web.services import rate_limits
from gkh_web.settings import get_settings

REDIS_URL = os.environ.get("GKH_TEST_REDIS_URL")
NOW = datetime(2026, 11, 25, 11, 20, 30, tzinfo=UTC).timestamp()
"""14:20:30 in Moscow, 30 s into a 10-minute window that began at 14:20."""


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.postgres)])
def store(request, demo_db, monkeypatch) -> str:
    """Counters in the demo database, or in Redis (GKH_TEST_REDIS_URL) with the same code."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("GKH_TEST_REDIS_URL не задан: счётчики в Redis не проверены")
        monkeypatch.setenv("GKH_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("GKH_RATE_LIMITS", "lookup_per_tab=5/600")
    get_settings.cache_clear()
    return request.param


def _refusals(subject: str, attempts: int, now: float = NOW) -> list[str]:
    messages = []
    for _ in range(attempts):
        try:
            rate_limits.spend([("lookup_per_tab", subject)], now=now)
            messages.append("")
        except rate_limits.RateLimited as limited:
            messages.append(str(limited))
    return messages


def test_the_limit_allows_exactly_its_count_then_says_when(store):
    subject = str(uuid.uuid4())
    messages = _refusals(subject, 7)
    assert messages[:5] == [""] * 5
    assert messages[5] == messages[6] == (
        "Слишком много поисков лицевых счетов подряд. Попробуйте снова через 10 мин (после 14:30).")


def test_a_new_window_starts_afresh_and_subjects_are_apart(store):
    subject = str(uuid.uuid4())
    _refusals(subject, 6)
    assert _refusals(subject, 1, now=NOW + 600) == [""]
    assert _refusals(str(uuid.uuid4()), 5) == [""] * 5


def test_workers_racing_on_one_key_lose_no_hit(store):
    """8 threads × 25 hits on one subject: exactly 5 pass, whoever wins each race."""
    subject = str(uuid.uuid4())
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: _refusals(subject, 25), range(8)))
    passed = sum(message == "" for messages in results for message in messages)
    assert passed == 5


def test_the_database_keeps_no_subject_in_clear(demo_db, monkeypatch):
    get_settings.cache_clear()
    rate_limits.spend([("lookup_per_address", "203.0.113.77")], now=NOW)
    with session_scope() as session:
        rows = session.exec(sa.select(RateLimitCounter)).scalars().all()
    assert len(rows) == 1 and "203.0.113.77" not in rows[0].key_hash and rows[0].count == 1
    assert rows[0].expires_at == rows[0].window_start + 600


def test_old_windows_are_deleted(demo_db):
    get_settings.cache_clear()
    rate_limits.spend([("lookup_per_address", "a")], now=NOW)
    rate_limits.spend([("lookup_per_address", "b")], now=NOW + 3600)
    with session_scope() as session:
        assert session.exec(sa.select(sa.func.count()).select_from(RateLimitCounter)).scalar_one() == 1


@pytest.mark.parametrize("seconds, text", [
    (45, "Попробуйте снова через 45 с."),
    (60, "Попробуйте снова через 1 мин (после 14:22)."),
    (61, "Попробуйте снова через 2 мин (после 14:22)."),
    (3570, "Попробуйте снова через 60 мин (после 15:20)."),
])
def test_the_time_to_retry_is_in_moscow_time_rounded_up(seconds, text):
    assert rate_limits.retry_text(seconds, NOW) == text


@pytest.mark.parametrize("setting", ["lookup=1/2", "lookup_per_tab=1", "lookup_per_tab=a/600", "lookup_per_tab=5/0"])
def test_a_misspelt_setting_is_refused(setting):
    with pytest.raises(rate_limits.RateLimitConfigError):
        rate_limits.parse_limits(setting)
