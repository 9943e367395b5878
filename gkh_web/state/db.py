"""Running the (synchronous) services from async Reflex handlers.

Services use a plain sqlmodel Session; a sync call on the event loop would stall
every kiosk served by this worker, so each call runs in a thread, inside one
transaction (commit on success, rollback on any error).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from gkh_web.db.engine import session_scope

T = TypeVar("T")


def _in_session(work: Callable[[Session], T]) -> T:
    with session_scope() as session:
        return work(session)


async def in_transaction(work: Callable[[Session], T]) -> T:
    """Run ``work(session)`` in a worker thread as one transaction and return its result."""
    return await asyncio.to_thread(_in_session, work)
