"""The Prometheus instruments the app counts into, and small helpers that keep the call sites one line.

Multiprocess mode: ``PROMETHEUS_MULTIPROC_DIR`` is set by ``multiproc.prepare`` (from ``rxconfig.py``)
before this module — and with it ``prometheus_client`` — is imported in any worker, so every worker's counts
land in files that ``/metrics`` adds up (``endpoint``). Without it (tools, unit tests) values stay in memory.

What is read from the database when scraped (unfinished payments, the outbox, active sessions) is not here
but in ``db_figures``: a gauge kept by whichever worker last changed it would be wrong in the others.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""Seconds: a click's handler takes milliseconds, a gateway or ЕСИА call up to its timeout (15 s, 5 s)."""
NO_METHOD = "none"
"""The ``method`` label of a payment created before the resident chose card or wallet."""

EVENT_DURATION = Histogram(
    "gkh_event_duration_seconds", "Time one tab event's handler took, from taking the tab's state to its "
    "last delta, by handler (state.handler).", ["handler"], buckets=LATENCY_BUCKETS)
PAYMENTS_CREATED = Counter(
    "gkh_payments_created", "Payments written (status created), by method.", ["method"])
PAYMENTS_FINISHED = Counter(
    "gkh_payments_finished", "Payments that reached a final status, by method and status "
    "(succeeded, failed, canceled, expired).", ["method", "status"])


@dataclass(frozen=True)
class OutsideService:
    """A system we call over HTTP: how long each call took (histogram) and how each ended (counter)."""

    duration: Histogram
    requests: Counter

    @contextmanager
    def call(self, operation: str) -> Iterator[dict[str, str]]:
        """Time one call; the caller sets ``outcome["outcome"]`` (``error`` if the block raises with it unset)."""
        outcome = {"outcome": ""}
        started = time.perf_counter()
        try:
            yield outcome
        except BaseException:
            outcome["outcome"] = outcome["outcome"] or "error"
            raise
        finally:
            self.duration.labels(operation).observe(time.perf_counter() - started)
            self.requests.labels(operation, outcome["outcome"] or "ok").inc()


def _outside_service(name: str, call: str, outcomes: str) -> OutsideService:
    return OutsideService(
        Histogram(f"gkh_{name}_request_duration_seconds", f"Time of one {call}, by operation.", ["operation"],
                  buckets=LATENCY_BUCKETS),
        Counter(f"gkh_{name}_requests", f"Each {call} by operation and outcome: {outcomes}.",
                ["operation", "outcome"]))


GATEWAY = _outside_service(
    "gateway", "call to the payment gateway's API",
    "ok, rejected (a 4xx the gateway means), error (timeout, refused connection, 5xx, an answer we cannot use)")
ESIA = _outside_service(
    "esia", "exchange with ЕСИА (code → token → userinfo)",
    "ok, refused (the code was not accepted: the resident signs in again), error (ЕСИА unreachable or nonsense)")
RECONCILER_ROUNDS = Counter(
    "gkh_reconciler_rounds", "Rounds of the payment reconciler run by the lease holder, by outcome "
    "(done, failed).", ["outcome"])
RECONCILER_LAST_ROUND = Gauge(
    "gkh_reconciler_last_round_timestamp_seconds", "Unix time when a reconciler round last finished "
    "(done or failed), in any worker.", multiprocess_mode="max")


def payment_created(method: str | None) -> None:
    PAYMENTS_CREATED.labels(method or NO_METHOD).inc()


def payment_finished(method: str | None, status: str) -> None:
    PAYMENTS_FINISHED.labels(method or NO_METHOD, status).inc()


def reconciler_round(outcome: str) -> None:
    RECONCILER_ROUNDS.labels(outcome).inc()
    RECONCILER_LAST_ROUND.set(time.time())
