"""Gauges read from the database at scrape time: what is true for the whole installation, not for one worker.

The age of the oldest unfinished payment, the receipt outbox's backlog and the number of active sessions
are facts of the database; counting them in a worker's memory would make each worker tell a different
story. A scrape reads them with three small aggregate queries (indexed columns: ``payment.status``,
``receipt_mail (status, next_attempt_at)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlmodel import Session, col

from gkh_web.db.models import Payment, ReceiptMail, ResidentSession, as_utc, utc_now
from gkh_web.domain import payment_states as ps
from gkh_web.domain import receipt_mail as rm

SessionFactory = Callable[[], AbstractContextManager[Session]]


def _age_seconds(oldest: datetime | None, now: datetime) -> float:  # ok-float: seconds
    return max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest is not None else 0.0  # ok-float: seconds


class DatabaseFigures(Collector):
    """A collector for ``/metrics``'s registry; ``idle_seconds``/``max_age_seconds`` define an active session."""

    def __init__(self, session_factory: SessionFactory, *, idle_seconds: int, max_age_seconds: int) -> None:
        self._session_factory = session_factory
        self._idle = timedelta(seconds=idle_seconds)
        self._max_age = timedelta(seconds=max_age_seconds)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = utc_now()
        with self._session_factory() as session:
            unfinished, oldest_payment = session.execute(
                sa.select(sa.func.count(), sa.func.min(col(Payment.created_at)))
                .where(col(Payment.status).in_(ps.UNFINISHED_STATUSES))).one()
            backlog, oldest_letter = session.execute(
                sa.select(sa.func.count(), sa.func.min(col(ReceiptMail.created_at)))
                .where(col(ReceiptMail.status).in_((rm.PENDING, rm.SENDING)))).one()
            active = session.execute(
                sa.select(sa.func.count()).select_from(ResidentSession)
                .where(col(ResidentSession.ended_at).is_(None), col(ResidentSession.last_seen_at) >= now - self._idle,
                       col(ResidentSession.created_at) >= now - self._max_age)).scalar_one()
        yield GaugeMetricFamily("gkh_unfinished_payments", "Payments not yet in a final status.", unfinished)
        yield GaugeMetricFamily(
            "gkh_oldest_unfinished_payment_age_seconds",
            "Age of the oldest payment not yet in a final status (0 when there is none).",
            _age_seconds(oldest_payment, now))
        yield GaugeMetricFamily(
            "gkh_receipt_outbox_backlog", "Receipt letters waiting to be sent (pending or being sent).", backlog)
        yield GaugeMetricFamily(
            "gkh_receipt_outbox_oldest_age_seconds",
            "Age of the oldest receipt letter still waiting (0 when there is none).", _age_seconds(oldest_letter, now))
        yield GaugeMetricFamily(
            "gkh_active_sessions", "Residents' sessions open and not idle longer than the kiosk's limit.", active)
