"""Running the (synchronous) services from async Reflex handlers.

Services use a plain sqlmodel Session; a sync call on the event loop would stall
every kiosk served by this worker, so each call runs in a thread, inside one
transaction (commit on success, rollback on any error).

The threads are a pool of their own, as large as the worker's connection pool
(``GKH_DB_POOL_SIZE`` plus its overflow): the event loop's default pool (CPU count
+ 4 threads) also runs the demo ЕСИА's argon2 password checks, and a crowd signing
in at once used to fill it, so every other kiosk's click waited behind them
(bench/kiosks.py).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlmodel import Session

from gkh_web.db.engine import session_scope
from gkh_web.settings import get_settings

T = TypeVar("T")


def _in_session(work: Callable[[Session], T]) -> T:
    with session_scope() as session:
        return work(session)


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _database_threads() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=max(4, 2 * get_settings().db_pool_size),
                                           thread_name_prefix="gkh-db")
        return _executor


async def in_transaction(work: Callable[[Session], T]) -> T:
    """Run ``work(session)`` in a database thread as one transaction and return its result."""
    call = functools.partial(contextvars.copy_context().run, _in_session, work)  # as asyncio.to_thread does
    return await asyncio.get_running_loop().run_in_executor(_database_threads(), call)


async def in_thread(work: Callable[[], T]) -> T:
    """Run blocking ``work()`` (a Redis or database round trip of its own) in the same thread pool."""
    call = functools.partial(contextvars.copy_context().run, work)
    return await asyncio.get_running_loop().run_in_executor(_database_threads(), call)
