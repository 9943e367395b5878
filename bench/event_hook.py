"""What the event-latency hook (``observability.tab_events.TabEventObserver``) costs per tab event.

    .venv/bin/python bench/event_hook.py [--events 20000] [--rounds 15]

Reflex runs every event in an asyncio task of its own and calls the app's middlewares inside it. This bench
does exactly that part, many times: a fresh task per event that runs the app's middleware chain on a click
event (``pay_selection_state.toggle_document``), once with the chain the app has (``TabEventObserver``,
``TabGuard``) and once without the observer, in interleaved rounds on the same loop. It prints the median
per-event time of each, their ratio and the absolute difference — the hook's cost — so it can be set against
the server's time for a whole event (the ``gkh_event_duration_seconds`` histogram, docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EVENT_NAME = "reflex___state____state.gkh_web___state___pay____pay_selection_state.toggle_document"


class _Event:
    name = EVENT_NAME
    router_data: dict = {}  # noqa: RUF012  (a stand-in for reflex's Event, read-only here)


async def _chain(middlewares, state, event) -> None:
    for middleware in middlewares:
        if await middleware.preprocess(app=None, state=state, event=event) is not None:
            return


async def _per_event_seconds(middlewares, events: int) -> float:
    event = _Event()
    started = time.perf_counter()
    for _ in range(events):
        await asyncio.get_running_loop().create_task(_chain(middlewares, None, event))
    await asyncio.sleep(0)  # the done callbacks of the last tasks
    return (time.perf_counter() - started) / events  # ok-float: seconds


async def main(events: int, rounds: int) -> None:
    from gkh_web.observability.tab_events import TabEventObserver
    from gkh_web.state.session import TabGuard

    with_hook, without = [TabEventObserver(), TabGuard()], [TabGuard()]
    await _per_event_seconds(with_hook, events // 10)  # warm-up: imports, label cache, the histogram's child
    await _per_event_seconds(without, events // 10)
    timings: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(rounds):
        timings["without"].append(await _per_event_seconds(without, events))
        timings["with"].append(await _per_event_seconds(with_hook, events))
    base, hooked = statistics.median(timings["without"]), statistics.median(timings["with"])
    print(f"per event, median of {rounds} rounds × {events} events:")
    print(f"  without the hook: {base * 1e6:.2f} µs")
    print(f"  with the hook:    {hooked * 1e6:.2f} µs")
    print(f"  ratio: {hooked / base:.2f}; the hook's cost: {(hooked - base) * 1e6:.2f} µs per event")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=15)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.events, arguments.rounds))
