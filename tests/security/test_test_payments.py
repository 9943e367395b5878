"""Attack: pay a production bill with play money.

A test shop's payments carry ``"test": true`` (the sandbox's always do). If such an answer reached a
production server — a test shop's credentials left in its settings, the sandbox allowed in production —
a «succeeded» of a card that never existed would mark real documents paid. In production it never
does: the payment fails with its own reason, goes to review with a note in its log, and the documents
are free to be paid for real. In demo mode test payments are the only kind and pay as always.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from gkh_web.db.engine import get_engine, session_scope
from gkh_web.domain import payment_states as ps
from gkh_web.services import payments as pay
from gkh_web.settings import get_settings
from tests.db.test_payments import T0, payable, resident
from tests.fake_gateway import FakeGateway, http_gateway
from tests.security.support import outcome, post_notification, waiting_payment

NOTE = "test payment in production: not applied"
TEXT = "Платёж проведён в тестовом режиме и не засчитан"


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("GKH_ENV", "production")
    monkeypatch.setenv("GKH_GATEWAY_SECRET", "live-shop-secret")
    monkeypatch.setenv("GKH_GATEWAY_WEBHOOK_SECRET", "live-webhook-secret")
    get_settings.cache_clear()


async def _hear_of_success(path: str, waiting, demo_db: str) -> None:
    """The gateway says «succeeded»; the app learns it the way ``path`` names."""
    factory = lambda: session_scope(demo_db)  # noqa: E731
    gateway = http_gateway(waiting.fake)
    waiting.fake.pay(waiting.gateway_id)
    if path == "webhook":
        assert (await post_notification(waiting.fake.notification(waiting.gateway_id))).status_code == 200
    elif path == "return-page":
        await pay.refresh_from_gateway(waiting.record.public_id, gateway, session_factory=factory)
    else:
        await pay.reconcile(factory, gateway, now=T0 + timedelta(minutes=5), stale_after_seconds=60)


def _payable_again(demo_db: str, document_id: int) -> bool:
    with Session(get_engine(demo_db)) as session:
        return document_id in {document.document_id for document in payable(session, resident(session, "ivanov"))}


def _status_text(demo_db: str) -> str:
    with Session(get_engine(demo_db)) as session:
        [view] = pay.payments_of_resident(session, resident(session, "ivanov"))
        return view.status_text


PATHS = ["webhook", "return-page", "reconciler"]


@pytest.mark.parametrize("path", PATHS)
async def test_in_production_a_test_success_pays_nothing(demo_db, monkeypatch, production, path):
    waiting = await waiting_payment(demo_db, monkeypatch)
    await _hear_of_success(path, waiting, demo_db)
    now = outcome(waiting)
    assert (now.status, now.failure_reason) == (ps.FAILED, "test_payment")
    assert now.paid_kopecks == waiting.paid_before
    assert now.needs_review and now.review_notes == [NOTE]
    assert now.open_items == 0 and _payable_again(demo_db, waiting.document_id)
    assert _status_text(demo_db) == TEXT


async def test_in_production_a_repeated_test_success_is_noted_once(demo_db, monkeypatch, production):
    waiting = await waiting_payment(demo_db, monkeypatch)
    await _hear_of_success("webhook", waiting, demo_db)
    await _hear_of_success("webhook", waiting, demo_db)
    now = outcome(waiting)
    assert (now.status, now.review_notes, now.paid_kopecks) == (ps.FAILED, [NOTE], waiting.paid_before)


async def test_in_production_a_late_test_success_is_no_correction(demo_db, monkeypatch, production):
    """An expired payment the gateway later calls «succeeded» is normally corrected to paid: not a test one."""
    waiting = await waiting_payment(demo_db, monkeypatch)
    with session_scope() as session:
        pay.transition(session, waiting.record.id, ps.EXPIRED, source="reconciler",
                       failure_reason="expired_on_confirmation")
        session.commit()
    await _hear_of_success("webhook", waiting, demo_db)
    now = outcome(waiting)
    assert (now.status, now.paid_kopecks, now.needs_review) == (ps.EXPIRED, waiting.paid_before, True)
    assert now.review_notes == [NOTE]


async def test_in_production_a_live_success_pays(demo_db, monkeypatch, production):
    waiting = await waiting_payment(demo_db, monkeypatch, FakeGateway(test_mode=False))
    await _hear_of_success("webhook", waiting, demo_db)
    now = outcome(waiting)
    assert (now.status, now.needs_review) == (ps.SUCCEEDED, False)
    assert now.paid_kopecks == waiting.paid_before + waiting.record.amount_kopecks


@pytest.mark.parametrize("path", PATHS)
async def test_in_demo_a_test_success_pays_as_before(demo_db, monkeypatch, path):
    assert not get_settings().is_production
    waiting = await waiting_payment(demo_db, monkeypatch)
    await _hear_of_success(path, waiting, demo_db)
    now = outcome(waiting)
    assert (now.status, now.needs_review, now.review_notes) == (ps.SUCCEEDED, False, [])
    assert now.paid_kopecks == waiting.paid_before + waiting.record.amount_kopecks
    assert _status_text(demo_db) == "Оплачено"
