"""How long the retention purge takes over a large backlog, and how long its longest transaction holds.

    .venv/bin/python bench/retention.py                                   # a fresh SQLite file
    .venv/bin/python bench/retention.py postgresql+psycopg://…/empty_db   # an empty PostgreSQL database

Migrates the database, loads the demo set, then ages a backlog: 100 000 sessions ended two days ago and
20 000 finished payments 100 days old with a receipt address; runs ``services.retention.purge`` and prints
what it did, the time, and the longest and median transaction (from one commit to the next, the batch's
SELECT included) — the lock a backlog costs is one batch's, never the whole purge's.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SESSIONS, PAYMENTS = 100_000, 20_000


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/retention.db"
    os.environ["GKH_DATABASE_URL"] = os.environ["GKH_SANDBOX_DATABASE_URL"] = url
    import sqlalchemy as sa

    from gkh_web.db.engine import get_engine, session_scope
    from gkh_web.db.migrate import upgrade
    from gkh_web.db.models import Payment, Resident, ResidentSession
    from gkh_web.services import retention
    from gkh_web.services.data.demo_data import load_demo

    upgrade(url)
    with session_scope() as session:
        load_demo(session)
    now = datetime.now(UTC)
    ended, finished = now - timedelta(days=2), now - timedelta(days=100)
    with get_engine().begin() as connection:
        resident_id = connection.execute(sa.select(Resident.id)).scalars().first()
        connection.execute(sa.insert(ResidentSession), [
            {"token_hash": uuid.uuid4().hex * 2, "resident_id": resident_id, "created_at": ended,
             "last_seen_at": ended, "ended_at": ended, "end_reason": "logout"} for _ in range(SESSIONS)])
        connection.execute(sa.insert(Payment), [
            {"public_id": uuid.uuid4().hex, "resident_id": resident_id, "idempotency_key": uuid.uuid4().hex,
             "gateway": "sandbox", "status": "canceled", "amount_kopecks": 100, "commission_kopecks": 0,
             "description": "bench", "receipt_email": "bench@example.com", "created_at": finished,
             "updated_at": finished, "finished_at": finished, "needs_review": False} for _ in range(PAYMENTS)])
    commits: list[float] = []  # ok-float: seconds
    sa.event.listen(get_engine(), "commit", lambda _connection: commits.append(time.perf_counter()))
    started = time.perf_counter()
    report = retention.purge(now=now)
    took = time.perf_counter() - started
    gaps = sorted(b - a for a, b in zip([started, *commits], commits, strict=False))
    print(f"{sa.make_url(url).get_backend_name()}: {report} in {took:.1f} s")
    for outcome in report.outcomes:
        if outcome.rows:
            print(f"  {outcome.rule.name}: {outcome.rows} rows in {outcome.batches} batches")
    print(f"  transactions: {len(gaps)}, longest {gaps[-1] * 1000:.0f} ms, median {gaps[len(gaps) // 2] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
