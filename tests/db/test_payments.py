"""Payments on the demo database: create, the one transition function, gateway round trips, webhooks, reconcile.

The gateway is ``tests.fake_gateway.FakeGateway`` behind ``httpx.MockTransport``
and the real ``HttpGateway``, so lost answers and 500s after the gateway
committed are exercised through the same client code as in production.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.models import (
    Payment,
    PaymentDocument,
    PaymentEvent,
    PaymentItem,
    Resident,
)
from gkh_web.domain import payment_states as ps
from gkh_web.domain.money import format_amount
from gkh_web.services import payments as pay
from gkh_web.services.data.demo_data import DEMO_LOGINS
from gkh_web.services.payments import DocumentBeingPaid
from gkh_web.services.payments import page as pp
from gkh_web.services.payments.gateway_client import HttpGateway, value_to_kopecks
from gkh_web.services.payments.page import SelectionError, payment_page_for_resident
from tests.fake_gateway import BASE_URL, SECRET, SHOP_ID, FakeGateway, http_gateway

IllegalTransition = ps.IllegalTransition
RETURN_URL = "http://kiosk.test/pay/return"
T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


# --- helpers -----------------------------------------------------------------------------------------


@pytest.fixture
def factory(demo_db):
    return lambda: session_scope(demo_db)


@pytest.fixture
def session(demo_db):
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        yield session


def resident(session: Session, key: str) -> int:
    login = next(item for item in DEMO_LOGINS if item.key == key)
    return session.exec(select(Resident.id).where(Resident.snils == login.snils)).one()


def payable(session: Session, resident_id: int) -> list[pp.PayableDocument]:
    page = payment_page_for_resident(session, resident_id)
    return [document for account in page.accounts for document in account.documents if document.selectable]


def choose(session: Session, resident_id: int, count: int = 1) -> list[tuple[int, str]]:
    return [(document.document_id, document.amount_text) for document in payable(session, resident_id)[:count]]


def new_payment(session: Session, resident_id: int, count: int = 1, **kwargs) -> pay.PaymentRecord:
    kwargs.setdefault("now", T0)
    return pay.create_payment(session, resident_id=resident_id, choices=choose(session, resident_id, count),
                              receipt_email="ivanov@example.com", gateway_name="sandbox", **kwargs)


def status(session: Session, payment_id: int) -> str:
    session.expire_all()
    return session.exec(select(Payment.status).where(Payment.id == payment_id)).one()


def events(session: Session, payment_id: int) -> list[tuple[str | None, str, str]]:
    session.expire_all()
    return [(e.from_status, e.to_status, e.source) for e in session.exec(
        select(PaymentEvent).where(PaymentEvent.payment_id == payment_id).order_by(PaymentEvent.id)).all()]


def open_items(session: Session) -> list[int]:
    return list(session.exec(select(PaymentItem.payment_document_id).where(PaymentItem.open == 1)).all())


def paid_of(session: Session, document_id: int) -> int:
    session.expire_all()
    return session.exec(select(PaymentDocument.paid_kopecks).where(PaymentDocument.id == document_id)).one()


def items_of(session: Session, payment_id: int) -> list[PaymentItem]:
    return list(session.exec(select(PaymentItem).where(PaymentItem.payment_id == payment_id)).all())


# --- create ---------------------------------------------------------------------------------------------


def test_create_writes_payment_items_and_event_with_amounts_from_the_database(session):
    ivanov = resident(session, "ivanov")
    documents = payable(session, ivanov)[:2]
    record = new_payment(session, ivanov, count=2)

    assert record.status == ps.CREATED and re.fullmatch(r"П-\d{6}", record.number)
    assert re.fullmatch(r"[0-9a-f]{32}", record.idempotency_key) and record.gateway_payment_id is None
    assert record.amount_kopecks == sum(document.due_kopecks for document in documents)
    items = items_of(session, record.id)
    assert sorted((i.payment_document_id, i.amount_kopecks, i.open) for i in items) == sorted(
        (d.document_id, d.due_kopecks, 1) for d in documents)
    assert events(session, record.id) == [(None, ps.CREATED, "app")]


def test_create_with_a_partial_amount_keeps_it(session):
    ivanov = resident(session, "ivanov")
    document = payable(session, ivanov)[0]
    record = pay.create_payment(session, resident_id=ivanov, choices=[(document.document_id, "100,50")],
                                receipt_email=None, gateway_name="sandbox")
    assert record.amount_kopecks == 10050


def test_tampered_amount_is_refused(session):
    ivanov = resident(session, "ivanov")
    document = payable(session, ivanov)[0]
    with pytest.raises(SelectionError):
        pay.create_payment(session, resident_id=ivanov, choices=[(document.document_id, "-5")],
                           receipt_email=None, gateway_name="sandbox")
    with pytest.raises(SelectionError):
        pay.create_payment(session, resident_id=ivanov,
                           choices=[(document.document_id, format_amount(100_000_000_00))],
                           receipt_email=None, gateway_name="sandbox")
    assert session.exec(select(func.count()).select_from(Payment)).one() == 0


def test_another_residents_document_is_refused(session):
    ivanov, petrova = resident(session, "ivanov"), resident(session, "petrova")
    document = payable(session, ivanov)[0]
    with pytest.raises(SelectionError, match="не относится"):
        pay.create_payment(session, resident_id=petrova, choices=[(document.document_id, document.amount_text)],
                           receipt_email=None, gateway_name="sandbox")
    assert session.exec(select(func.count()).select_from(Payment)).one() == 0


def test_second_create_for_the_same_document_is_document_being_paid(session):
    ivanov = resident(session, "ivanov")
    choices = choose(session, ivanov)
    pay.create_payment(session, resident_id=ivanov, choices=choices, receipt_email=None, gateway_name="sandbox")

    with pytest.raises(DocumentBeingPaid) as error:
        pay.create_payment(session, resident_id=ivanov, choices=choices, receipt_email=None, gateway_name="sandbox")
    assert str(error.value) == "Этот документ уже оплачивается — дождитесь результата"
    assert session.exec(select(func.count()).select_from(Payment)).one() == 1


def _race(session: Session, monkeypatch, other_resident: int | None = None) -> None:
    """The second create's check ran before the first committed: only the database can refuse it."""
    ivanov = resident(session, "ivanov")
    choices = choose(session, ivanov)
    pay.create_payment(session, resident_id=ivanov, choices=choices, receipt_email=None, gateway_name="sandbox")
    monkeypatch.setattr(pp, "documents_with_payment_in_progress", lambda session, ids: set())
    with pytest.raises(DocumentBeingPaid) as error:
        pay.create_payment(session, resident_id=ivanov, choices=choices, receipt_email=None, gateway_name="sandbox")
    assert "Иванов" not in str(error.value)
    monkeypatch.undo()
    assert session.exec(select(func.count()).select_from(Payment)).one() == 1
    assert session.exec(select(func.count()).select_from(PaymentItem)).one() == 1


def test_concurrent_second_create_is_refused_by_the_database(session, monkeypatch):
    _race(session, monkeypatch)


@pytest.mark.postgres
def test_concurrent_second_create_is_refused_by_postgres(postgres_session, monkeypatch):
    _race(postgres_session, monkeypatch)


def test_database_refuses_two_open_items_for_one_document_but_not_finished_ones(session):
    ivanov = resident(session, "ivanov")
    first = new_payment(session, ivanov)
    document_id = items_of(session, first.id)[0].payment_document_id
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(sa.insert(PaymentItem).values(
            payment_id=first.id, payment_document_id=document_id, personal_account_id=items_of(
                session, first.id)[0].personal_account_id, amount_kopecks=1, open=1))
    session.rollback()
    pay.transition(session, first.id, ps.CANCELED, source="app")
    session.commit()
    second = new_payment(session, ivanov)  # the document is free again
    assert items_of(session, second.id)[0].payment_document_id == document_id


def test_document_in_progress_is_shown_as_such_and_not_selectable(session):
    ivanov = resident(session, "ivanov")
    before = payable(session, ivanov)
    record = new_payment(session, ivanov)
    document_id = items_of(session, record.id)[0].payment_document_id
    assert pp.documents_with_payment_in_progress(session, [document_id, 999999]) == {document_id}
    assert pp.documents_with_payment_in_progress(session, []) == set()
    after = {d.document_id: d for a in payment_page_for_resident(session, ivanov).accounts for d in a.documents}
    assert after[document_id].status == "in_progress" and not after[document_id].selectable
    assert len(payable(session, ivanov)) == len(before) - 1


# --- transition -----------------------------------------------------------------------------------------

PATHS = [
    [ps.SUBMITTED, ps.AWAITING_CUSTOMER, ps.SUCCEEDED],
    [ps.SUBMITTED, ps.AWAITING_CUSTOMER, ps.FAILED],
    [ps.SUBMITTED, ps.AWAITING_CUSTOMER, ps.CANCELED],
    [ps.SUBMITTED, ps.AWAITING_CUSTOMER, ps.EXPIRED],
    [ps.SUBMITTED, ps.SUCCEEDED],
    [ps.SUBMITTED, ps.FAILED],
    [ps.SUBMITTED, ps.CANCELED],
    [ps.SUBMITTED, ps.EXPIRED],
    [ps.FAILED],
    [ps.CANCELED],
    [ps.EXPIRED],
    [ps.SUBMITTED, ps.FAILED, ps.SUCCEEDED],
    [ps.SUBMITTED, ps.AWAITING_CUSTOMER, ps.EXPIRED, ps.SUCCEEDED],
    [ps.CANCELED, ps.SUCCEEDED],
]


@pytest.mark.parametrize("path", PATHS, ids=["-".join(p) for p in PATHS])
def test_every_transition_path(session, path):
    ivanov = resident(session, "ivanov")
    record = new_payment(session, ivanov)
    item = items_of(session, record.id)[0]
    paid_before = paid_of(session, item.payment_document_id)
    previous = ps.CREATED
    for step in path:
        assert pay.transition(session, record.id, step, source="app", now=T0) is True
        assert pay.transition(session, record.id, step, source="app", now=T0) is False  # repeat: no-op
        session.commit()
        previous = step
    payment = session.get(Payment, record.id)
    session.refresh(payment)
    assert payment.status == previous
    assert events(session, record.id) == [(None, ps.CREATED, "app")] + [
        (a, b, "app") for a, b in zip([ps.CREATED, *path], path, strict=False)]
    final = ps.is_final(previous)
    assert (payment.finished_at is not None) == final
    session.refresh(item)
    assert item.open == (None if final else 1)
    succeeded = previous == ps.SUCCEEDED
    assert paid_of(session, item.payment_document_id) == paid_before + (item.amount_kopecks if succeeded else 0)
    assert payment.needs_review == (succeeded and any(s in ps.FAILURE_STATUSES for s in path))


@pytest.mark.parametrize(("a", "b"), [
    (a, b) for a, b in itertools.product(ps.STATUSES, ps.STATUSES) if a != b and not ps.can_transition(a, b)
])
def test_every_forbidden_edge_changes_nothing(session, a, b):
    ivanov = resident(session, "ivanov")
    record = new_payment(session, ivanov)
    session.execute(sa.update(Payment).where(Payment.id == record.id).values(status=a))
    session.commit()
    before = events(session, record.id)
    with pytest.raises(IllegalTransition):
        pay.transition(session, record.id, b, source="app")
    session.rollback()
    assert status(session, record.id) == a and events(session, record.id) == before


def test_success_moves_documents_out_of_the_unpaid_list(session):
    ivanov = resident(session, "ivanov")
    documents = payable(session, ivanov)
    record = new_payment(session, ivanov, count=len(documents))
    for step in (ps.SUBMITTED, ps.AWAITING_CUSTOMER, ps.SUCCEEDED):
        pay.transition(session, record.id, step, source="gateway")
    session.commit()
    for document in documents:
        assert paid_of(session, document.document_id) == document.paid_kopecks + document.due_kopecks
    assert payable(session, ivanov) == []
    # paid, but the providers have not accounted for it yet: not the seed's «учтена организацией» (issue 13 §4)
    assert payment_page_for_resident(session, ivanov).empty_reason == pp.EMPTY_AWAITING_ACCOUNTING


# --- start_payment and the gateway ----------------------------------------------------------------------------


async def test_start_payment_happy_path_and_webhook(session, factory):
    fake = FakeGateway()
    ivanov = resident(session, "ivanov")
    record = new_payment(session, ivanov, method="card")
    result = await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)

    gateway_payment = fake.only_payment()
    assert result.status == ps.AWAITING_CUSTOMER
    assert result.confirmation_url == gateway_payment["confirmation"]["confirmation_url"]
    assert fake.create_keys == [record.idempotency_key]
    assert gateway_payment["metadata"] == {"payment_id": record.public_id}
    assert value_to_kopecks(gateway_payment["amount"]["value"]) == record.amount_kopecks

    fake.pay(gateway_payment["id"], last4="4242")
    assert await notify(fake, gateway_payment["id"], factory) == "applied"
    payment = session.get(Payment, record.id)
    session.refresh(payment)
    assert (payment.status, payment.card_last4, payment.card_brand) == (ps.SUCCEEDED, "4242", "Visa")
    assert [e[1] for e in events(session, record.id)] == [ps.CREATED, ps.SUBMITTED, ps.AWAITING_CUSTOMER,
                                                         ps.SUCCEEDED]
    # a second start does not call the gateway again
    again = await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)
    assert again.status == ps.SUCCEEDED and len(fake.create_keys) == 1


async def test_start_payment_rejected_by_the_gateway_fails_and_frees_the_document(session, factory):
    fake = FakeGateway()
    ivanov = resident(session, "ivanov")
    record = new_payment(session, ivanov)
    gateway = HttpGateway(BASE_URL, SHOP_ID, "wrong secret", transport=fake.transport())  # 401
    result = await pay.start_payment(record.id, gateway, RETURN_URL, session_factory=factory, now=T0)
    assert result.status == ps.FAILED and "отклонил" in result.message
    assert open_items(session) == []


@pytest.mark.parametrize("fault", ["lost_response", "500_after_commit"])
async def test_lost_answer_after_the_gateway_committed_is_recovered_by_replay(session, factory, fault):
    fake = FakeGateway()
    ivanov = resident(session, "ivanov")
    record = new_payment(session, ivanov)
    fake.fail_next("create", fault)
    result = await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)
    assert result.status == ps.SUBMITTED and result.confirmation_url is None
    assert result.message == "Платёж обрабатывается"
    assert len(fake.payments) == 1  # the gateway did create it

    fake.pay(fake.only_payment()["id"])
    report = await pay.reconcile(factory, http_gateway(fake), now=T0 + timedelta(minutes=2), stale_after_seconds=60)
    assert report.changed == 1
    assert status(session, record.id) == ps.SUCCEEDED
    assert len(fake.payments) == 1 and fake.create_keys == [record.idempotency_key] * 2
    assert session.get(Payment, record.id).gateway_payment_id == fake.only_payment()["id"]


async def test_gateway_unreachable_leaves_submitted_and_reconcile_creates_it_once(session, factory):
    fake = FakeGateway()
    ivanov = resident(session, "ivanov")
    record = new_payment(session, ivanov)
    fake.fail_next("create", "connect_error")
    result = await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)
    assert result.status == ps.SUBMITTED and fake.payments == {}

    fake.fail_next("create", "timeout")
    report = await pay.reconcile(factory, http_gateway(fake), now=T0 + timedelta(minutes=2), stale_after_seconds=60)
    assert report.unavailable == 1 and status(session, record.id) == ps.SUBMITTED
    await pay.reconcile(factory, http_gateway(fake), now=T0 + timedelta(minutes=3), stale_after_seconds=60)
    assert status(session, record.id) == ps.AWAITING_CUSTOMER and len(fake.payments) == 1
    assert set(fake.create_keys) == {record.idempotency_key}


async def test_restart_between_steps_is_finished_by_the_reconciler(session, factory):
    """The process died after SUBMITTED was committed and before the HTTP call."""
    fake = FakeGateway()
    ivanov = resident(session, "ivanov")
    record = new_payment(session, ivanov)
    pay.transition(session, record.id, ps.SUBMITTED, source="app", now=T0)
    session.commit()

    gateway = http_gateway(fake)
    fresh = T0 + timedelta(seconds=10)
    assert (await pay.reconcile(factory, gateway, now=fresh, stale_after_seconds=60)).checked == 0
    await pay.reconcile(factory, gateway, now=T0 + timedelta(minutes=2), stale_after_seconds=60)
    assert status(session, record.id) == ps.AWAITING_CUSTOMER
    fake.pay(fake.only_payment()["id"])
    await pay.reconcile(factory, gateway, now=T0 + timedelta(minutes=4), stale_after_seconds=60)
    await pay.reconcile(factory, gateway, now=T0 + timedelta(minutes=6), stale_after_seconds=60)  # harmless
    assert status(session, record.id) == ps.SUCCEEDED
    assert [e[1] for e in events(session, record.id)].count(ps.SUCCEEDED) == 1
    assert len(fake.payments) == 1


async def test_reconcile_expires_abandoned_payments(session, factory):
    fake = FakeGateway()
    ivanov = resident(session, "ivanov")
    never_sent = new_payment(session, ivanov)
    sent = new_payment(session, ivanov)
    await pay.start_payment(sent.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)

    late = T0 + timedelta(minutes=31)
    report = await pay.reconcile(factory, http_gateway(fake), now=late, stale_after_seconds=60)
    assert status(session, never_sent.id) == ps.EXPIRED
    assert status(session, sent.id) == ps.EXPIRED
    assert fake.only_payment()["status"] == "canceled" and report.expired == 2
    assert open_items(session) == []
    assert payable(session, ivanov)  # the documents can be paid again
    assert fake.requests[-1].headers["Idempotence-Key"] == f"{sent.idempotency_key}-cancel"


async def test_reconcile_does_not_expire_what_was_paid_meanwhile(session, factory):
    fake = FakeGateway()
    ivanov = resident(session, "ivanov")
    record = new_payment(session, ivanov)
    await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)
    fake.pay(fake.only_payment()["id"])
    await pay.reconcile(factory, http_gateway(fake), now=T0 + timedelta(hours=1), stale_after_seconds=60)
    assert status(session, record.id) == ps.SUCCEEDED


async def test_concurrent_reconcilers_apply_one_transition(session, factory):
    fake = FakeGateway()
    ivanov = resident(session, "ivanov")
    record = new_payment(session, ivanov)
    await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)
    fake.pay(fake.only_payment()["id"])
    item = items_of(session, record.id)[0]
    paid_before = paid_of(session, item.payment_document_id)
    later = T0 + timedelta(minutes=5)
    await asyncio.gather(*[pay.reconcile(factory, http_gateway(fake), now=later, stale_after_seconds=60)
                           for _ in range(3)])
    assert status(session, record.id) == ps.SUCCEEDED
    assert [e[1] for e in events(session, record.id)].count(ps.SUCCEEDED) == 1
    assert paid_of(session, item.payment_document_id) == paid_before + item.amount_kopecks


# --- webhooks ------------------------------------------------------------------------------------------------------


async def _awaiting(session, factory, fake) -> tuple[pay.PaymentRecord, str]:
    record = new_payment(session, resident(session, "ivanov"))
    await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)
    return record, fake.only_payment()["id"]


async def notify(fake: FakeGateway, gateway_payment_id: str, factory, *, body: dict | None = None) -> str:
    """A verified notification about the payment, handled as the webhook route does (the body is a hint)."""
    notification = body if body is not None else fake.notification(gateway_payment_id)
    return await pay.handle_notification(notification, http_gateway(fake), factory)


async def test_late_canceled_webhook_never_downgrades_success(session, factory):
    fake = FakeGateway()
    record, gid = await _awaiting(session, factory, fake)
    fake.pay(gid)
    assert await notify(fake, gid, factory) == "applied"
    late = fake.notification(gid, status="canceled")
    late["object"]["cancellation_details"] = {"reason": "expired_on_confirmation"}
    assert await notify(fake, gid, factory, body=late) == "ignored"  # the gateway says succeeded: no move
    fake.payments[gid]["status"] = "canceled"  # even the gateway itself saying so later
    assert await notify(fake, gid, factory) == "ignored"
    assert status(session, record.id) == ps.SUCCEEDED


async def test_duplicate_and_reordered_webhooks_end_in_one_correct_state(session, factory):
    fake = FakeGateway()
    record, gid = await _awaiting(session, factory, fake)
    item = items_of(session, record.id)[0]
    paid_before = paid_of(session, item.payment_document_id)
    pending = fake.notification(gid)
    assert await notify(fake, gid, factory, body=pending) == "ignored"
    fake.pay(gid)
    success = fake.notification(gid)
    for body in (success, pending, success, success, pending):
        await notify(fake, gid, factory, body=body)
    assert status(session, record.id) == ps.SUCCEEDED
    assert [e[1] for e in events(session, record.id)].count(ps.SUCCEEDED) == 1
    assert paid_of(session, item.payment_document_id) == paid_before + item.amount_kopecks


async def test_declined_webhook_fails_with_a_russian_reason(session, factory):
    fake = FakeGateway()
    _, gid = await _awaiting(session, factory, fake)
    fake.decline(gid, "insufficient_funds")
    assert await notify(fake, gid, factory) == "applied"
    [view] = pay.payments_of_resident(session, resident(session, "ivanov"))
    assert (view.status, view.status_text) == (ps.FAILED, "Отклонено банком: недостаточно средств")
    assert open_items(session) == []


async def test_webhook_body_is_only_a_hint(session, factory):
    """Its status and amount are never applied: only the gateway's own answer is."""
    fake = FakeGateway()
    record, gid = await _awaiting(session, factory, fake)
    lie = fake.notification(gid, status="succeeded")
    lie["object"]["amount"]["value"] = "0.01"
    assert await notify(fake, gid, factory, body=lie) == "ignored"  # the API says pending: nothing moves
    assert status(session, record.id) == ps.AWAITING_CUSTOMER and not session.get(Payment, record.id).needs_review
    assert [request.method for request in fake.requests][-1] == "GET"


async def test_webhook_unknown_malformed_or_mismatched_changes_nothing(session, factory):
    fake = FakeGateway()
    record, gid = await _awaiting(session, factory, fake)
    fake.pay(gid)
    stranger = fake.notification(gid)
    stranger["object"]["id"] = "unknown123"
    stranger["object"]["metadata"] = {}
    assert await notify(fake, gid, factory, body=stranger) == "unknown"
    for malformed in ({"event": "payment.succeeded"}, {"object": {"id": "../../payments"}}, [], {"object": []}):
        assert await pay.handle_notification(malformed, http_gateway(fake), factory) == "malformed"
    fake.payments[gid]["amount"]["value"] = "0.01"  # the gateway itself reports another amount
    assert await notify(fake, gid, factory) == "ignored"
    assert status(session, record.id) == ps.AWAITING_CUSTOMER
    assert session.get(Payment, record.id).needs_review


async def test_webhook_while_the_gateway_cannot_be_asked_changes_nothing(session, factory):
    fake = FakeGateway()
    record, gid = await _awaiting(session, factory, fake)
    fake.pay(gid)
    fake.fail_next("get", "timeout")
    assert await notify(fake, gid, factory) == "unavailable"
    assert status(session, record.id) == ps.AWAITING_CUSTOMER
    assert await notify(fake, gid, factory) == "applied"


async def test_webhook_finds_a_payment_whose_gateway_id_was_never_recorded(session, factory):
    fake = FakeGateway()
    record = new_payment(session, resident(session, "ivanov"))
    fake.fail_next("create", "lost_response")
    await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)
    gid = fake.only_payment()["id"]
    fake.pay(gid)
    assert await notify(fake, gid, factory) == "applied"
    session.expire_all()
    payment = session.get(Payment, record.id)
    assert (payment.status, payment.gateway_payment_id) == (ps.SUCCEEDED, gid)


async def test_webhook_by_metadata_needs_the_gateway_to_agree(session, factory):
    """Our public id in the body is not enough: the gateway's payment must carry it too (and exist)."""
    fake = FakeGateway()
    record = new_payment(session, resident(session, "ivanov"))
    fake.fail_next("create", "lost_response")
    await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)
    gid = fake.only_payment()["id"]
    ghost = fake.notification(gid)
    ghost["object"]["id"] = "nosuchpayment"
    assert await notify(fake, gid, factory, body=ghost) == "unknown"
    other = dict(fake.payments[gid], id="otherpayment", metadata={"payment_id": "another"})
    fake.payments["otherpayment"] = other
    fake.pay("otherpayment")
    assert await notify(fake, gid, factory, body=fake.notification("otherpayment") | {
        "object": {**other, "metadata": {"payment_id": record.public_id}}}) == "mismatch"
    assert status(session, record.id) == ps.SUBMITTED


# --- «Мои платежи», privacy ---------------------------------------------------------------------------


async def test_payments_of_resident(session, factory):
    fake = FakeGateway()
    ivanov = resident(session, "ivanov")
    record, gid = await _awaiting(session, factory, fake)
    [view] = pay.payments_of_resident(session, ivanov)
    assert view.number == record.number and view.in_progress
    assert view.status_text == view.status_name == "Ожидает оплаты"
    assert view.created_text == "25 ноября 2026 г., 15:00" and view.amount_text.endswith("₽")
    assert len(view.items) == 1 and view.items[0].period_text
    fake.pay(gid, last4="4242")
    await notify(fake, gid, factory)
    [view] = pay.payments_of_resident(session, ivanov)
    assert (view.status_text, view.card_text, view.in_progress) == ("Оплачено", "Visa •••• 4242", False)
    assert pay.payments_of_resident(session, resident(session, "petrova")) == []


def looks_like_card_number(text: str) -> bool:
    """13–19 digits (spaces or hyphens allowed between them) that pass the Luhn check."""
    for match in re.finditer(r"\d(?:[ -]?\d){12,18}", text):
        digits = [int(c) for c in re.sub(r"\D", "", match.group())][::-1]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return True
    return False


def test_card_number_detector():
    assert looks_like_card_number("card 4242 4242 4242 4242 used")
    assert looks_like_card_number("2200000000000004")
    assert not looks_like_card_number("Оплата ЖКУ: ПД-2026-10-000036")


RANDOM_ID_COLUMNS = ("public_id", "idempotency_key", "gateway_payment_id")


async def test_no_card_number_in_any_text_column(session, factory, demo_db):
    fake = FakeGateway()
    record, gid = await _awaiting(session, factory, fake)
    fake.pay(gid, last4="4242")
    await notify(fake, gid, factory)
    engine = get_engine(demo_db)
    found = []
    with engine.connect() as connection:
        for table in ("payment", "payment_item", "payment_event"):
            for row in connection.execute(sa.text(f"SELECT * FROM {table}")).mappings():
                for column, value in row.items():
                    if not isinstance(value, str) or column in RANDOM_ID_COLUMNS:
                        continue
                    if looks_like_card_number(value) or "424242" in value or SECRET in value:
                        found.append((table, column, value))
    for column in RANDOM_ID_COLUMNS:  # random hex ids: only ever hex (the fake gateway's in groups joined by _)
        value = getattr(session.get(Payment, record.id), column)
        assert re.fullmatch(r"[0-9a-f]+(_[0-9a-f]+)*", value)
    assert found == []
