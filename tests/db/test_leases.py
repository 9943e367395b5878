"""Background jobs run once across workers: the lease is taken by one holder at a time,
on SQLite and on PostgreSQL, also when several workers ask at the same instant."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from sqlmodel import Session

from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.models import BackgroundLease, utc_now
from gkh_web.services import leases
from gkh_web.tasks import reconciler

JOB = "test-job"


def _acquire(holder: str, *, now, seconds: int = 60) -> bool:
    with session_scope() as session:
        return leases.try_acquire(session, JOB, now=now, seconds=seconds, holder=holder)


def test_one_holder_at_a_time_until_the_lease_runs_out(demo_db):
    now = utc_now()
    assert _acquire("worker-a", now=now)
    assert not _acquire("worker-b", now=now + timedelta(seconds=30))
    assert _acquire("worker-a", now=now + timedelta(seconds=30)), "the holder renews its own lease"
    assert not _acquire("worker-b", now=now + timedelta(seconds=89))
    assert _acquire("worker-b", now=now + timedelta(seconds=91)), "a dead holder's lease runs out"
    with session_scope() as session:
        assert session.get(BackgroundLease, JOB).holder == "worker-b"


def test_a_released_lease_is_free_at_once(demo_db):
    now = utc_now()
    assert _acquire("worker-a", now=now)
    with session_scope() as session:
        leases.release(session, JOB, now=now, holder="worker-a")
    assert _acquire("worker-b", now=now + timedelta(seconds=1))


def test_releasing_someone_elses_lease_changes_nothing(demo_db):
    now = utc_now()
    assert _acquire("worker-a", now=now)
    with session_scope() as session:
        leases.release(session, JOB, now=now, holder="worker-b")
    assert not _acquire("worker-b", now=now + timedelta(seconds=1))


def _race(holders: list[str], attempt) -> list[str]:
    """Every holder asks at the same instant, each on its own connection; who got it."""
    barrier = threading.Barrier(len(holders))
    winners: list[str] = []

    def ask(holder: str) -> None:
        barrier.wait()
        if attempt(holder):
            winners.append(holder)

    threads = [threading.Thread(target=ask, args=(holder,)) for holder in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return winners


def test_eight_workers_asking_at_once_for_a_new_job_one_wins(demo_db):
    now = utc_now()
    assert len(_race([f"worker-{n}" for n in range(8)], lambda holder: _acquire(holder, now=now))) == 1


def test_eight_workers_asking_at_once_for_an_expired_lease_one_wins(demo_db):
    start = utc_now()
    assert _acquire("old-worker", now=start)
    later = start + timedelta(seconds=120)
    winners = _race([f"worker-{n}" for n in range(8)], lambda holder: _acquire(holder, now=later))
    assert len(winners) == 1
    with Session(get_engine(demo_db)) as session:
        assert session.get(BackgroundLease, JOB).holder == winners[0]


async def test_the_reconciler_runs_in_one_worker_per_round(demo_db, monkeypatch):
    rounds: list[str] = []

    async def counting_reconcile(*_args, **_kwargs):
        rounds.append("round")
        await asyncio.sleep(0.05)
        return reconciler.payments.ReconcileReport()

    monkeypatch.setattr(reconciler.payments, "reconcile", counting_reconcile)
    monkeypatch.setattr(reconciler, "current_gateway", lambda: None)
    workers = [f"worker-{n}" for n in range(4)]

    reports = await asyncio.gather(*(reconciler.reconcile_if_leader(60, holder=w) for w in workers))
    assert len(rounds) == 1
    assert sum(report is not None for report in reports) == 1

    again = await asyncio.gather(*(reconciler.reconcile_if_leader(60, holder=w) for w in workers))
    assert len(rounds) == 2, "the holder renews its lease on its next round; the others still skip"
    assert [r is not None for r in again] == [r is not None for r in reports]


async def test_a_worker_shutting_down_hands_the_lease_over_at_once(demo_db, monkeypatch):
    async def empty_round(*_args, **_kwargs):
        return reconciler.payments.ReconcileReport()

    monkeypatch.setattr(reconciler.payments, "reconcile", empty_round)
    monkeypatch.setattr(reconciler, "current_gateway", lambda: None)
    monkeypatch.setattr(reconciler, "START_DELAY_SECONDS", 0)
    task = asyncio.create_task(reconciler.reconcile_payments_forever())
    for _ in range(200):
        await asyncio.sleep(0.02)
        with session_scope() as session:
            if session.get(BackgroundLease, reconciler.JOB) is not None:
                break
    with session_scope() as session:
        assert session.get(BackgroundLease, reconciler.JOB).holder == leases.this_process()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _acquire_job("another-worker"), "released on shutdown: no need to wait two intervals"


def _acquire_job(holder: str) -> bool:
    with session_scope() as session:
        return leases.try_acquire(session, reconciler.JOB, now=utc_now(), seconds=60, holder=holder)
