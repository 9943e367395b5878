"""Leases on background jobs: a job runs in one backend worker at a time.

Each worker runs the same lifespan tasks. Before a round, a worker asks for
the job's lease; it gets it only if nobody holds it or the holder's time ran
out (or it already is the holder). The test is one UPDATE … WHERE expires_at
< now, which the database serialises: on PostgreSQL the second UPDATE waits for
the first to commit and then sees the new expiry, on SQLite writers queue. No
lock is held while the job talks to the gateway — the lease just expires.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from gkh_web.db.models import BackgroundLease

_holder_by_pid: dict[int, str] = {}


def try_acquire(
    session: Session, job: str, *, now: datetime, seconds: int, holder: str | None = None, renew: bool = True,
) -> bool:
    """Take or extend ``job``'s lease for ``seconds``; False while another holder's lease runs.

    ``renew=False``: the holder cannot extend its own lease either, so the lease is a turn that comes
    round once per ``seconds`` for whoever asks first (the daily purge: its row's ``expires_at`` is
    when the next run is due, ``holder`` who ran the last one). Commits nothing: the caller's
    transaction decides (``in_transaction`` commits at once).
    """
    holder = holder or this_process()
    expires_at = now + timedelta(seconds=seconds)
    free = col(BackgroundLease.expires_at) <= now
    taken = session.exec(
        sa.update(BackgroundLease)
        .where(col(BackgroundLease.name) == job)
        .where(sa.or_(free, col(BackgroundLease.holder) == holder) if renew else free)
        .values(holder=holder, expires_at=expires_at)
    ).rowcount
    if taken:
        return True
    if session.get(BackgroundLease, job) is not None:
        return False
    try:  # the first round ever: create the row; a worker that loses this race simply waits
        with session.begin_nested():
            session.add(BackgroundLease(name=job, holder=holder, expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def release(session: Session, job: str, *, now: datetime, holder: str | None = None) -> None:
    """Give the lease up early (a worker shutting down), so another worker need not wait it out."""
    session.execute(
        sa.update(BackgroundLease)
        .where(col(BackgroundLease.name) == job, col(BackgroundLease.holder) == (holder or this_process()))
        .values(expires_at=now)
    )


def this_process() -> str:
    """This process's holder name: host, pid and a random part (pids repeat after restarts).

    Keyed by pid, so a worker forked from the supervisor gets a name of its own.
    """
    pid = os.getpid()
    return _holder_by_pid.setdefault(pid, f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:8]}")
