"""Where every tab event passes: a Reflex middleware that gives the event its correlation id and times it.

Reflex 0.10 runs each event in an asyncio task of its own (``EventProcessor._create_event_task``) and calls
the app's middlewares' ``preprocess`` inside that task, once the tab's state is taken, before the handler
(``BaseStateEventProcessor._execute_event``); ``postprocess`` is no longer called. So ``preprocess`` sets the
correlation fields in the task's own context — every line the handler, its database threads and its outside
calls write carries them — and a done-callback on the task observes the duration when the event, its
deltas and its chained returns are through. The cost per event is a dict, a ``perf_counter``, a callback
and one histogram observation (measured: see the README's operations section).
"""

from __future__ import annotations

import asyncio
import logging
import time
from functools import lru_cache, partial

from reflex.middleware import Middleware

from gkh_web.observability import correlation
from gkh_web.observability.metrics import EVENT_DURATION

log = logging.getLogger(__name__)


@lru_cache(maxsize=1024)
def handler_label(event_name: str) -> str:
    """``…____session_state.finish_sign_in`` → ``session_state.finish_sign_in`` (Reflex's full state names
    are long and carry the module path; the class's own name and the handler's are what an operator reads).
    Only registered handlers reach the middleware, so the labels are a fixed, small set."""
    state, _, handler = event_name.rpartition(".")
    return f"{state.rpartition('____')[2] or state}.{handler}"


@lru_cache(maxsize=1024)
def _histogram_of(handler: str):
    """The handler's own child of the histogram, found once (``labels`` takes a lock and builds a key)."""
    return EVENT_DURATION.labels(handler)


def _finished(histogram, started: float, _task: asyncio.Task) -> None:  # ok-float: seconds (perf_counter)
    seconds = time.perf_counter() - started
    histogram.observe(seconds)
    if log.isEnabledFor(logging.DEBUG):
        log.debug("tab event done in %.1f ms", seconds * 1000)  # the handler is in the line's fields


class TabEventObserver(Middleware):
    """The first middleware of the app: correlation id and latency of every tab event."""

    async def preprocess(self, app, state, event):
        handler = handler_label(event.name)
        correlation.begin("event", handler=handler)  # the event's own task: gone with it, nothing to reset
        task = asyncio.current_task()
        if task is not None:
            task.add_done_callback(partial(_finished, _histogram_of(handler), time.perf_counter()))
        return None
