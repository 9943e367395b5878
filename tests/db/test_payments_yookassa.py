"""Payments through the YooKassa adapter on the demo database: the receipt built from the stored payment, the
same body (receipt included) when the create is replayed, the resident's reason text from the mapping.

The gateway is ``tests.fake_gateway.FakeGateway`` (a YooKassa-shaped API that refuses the same key with
another body) behind the real ``YooKassaGateway``.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from gkh_web.db.models import Payment, PaymentDocument, PaymentEvent, PaymentItem, PersonalAccount, Resident
from gkh_web.domain import payment_states as ps
from gkh_web.domain.commission import CommissionRate
from gkh_web.domain.dates import format_period
from gkh_web.domain.fiscal_receipt import COMMISSION_DESCRIPTION
from gkh_web.services import payments as pay
from gkh_web.services.payments.fiscal import fiscal_receipt_of
from gkh_web.services.payments.gateway_client import value_to_kopecks
from gkh_web.services.payments.yookassa import YooKassaGateway
from tests.db import test_payments
from tests.db.test_payments import RETURN_URL, T0, choose, resident, status
from tests.fake_gateway import BASE_URL, SECRET, SHOP_ID, FakeGateway

factory, session = test_payments.factory, test_payments.session  # the demo database's fixtures
CARD_RATE = CommissionRate(100, 1000)  # a shop that charges 1 %, at least 10 ₽, for cards


def yookassa(fake: FakeGateway) -> YooKassaGateway:
    return YooKassaGateway(BASE_URL, SHOP_ID, SECRET, rates={"card": CARD_RATE, "wallet": CommissionRate(0)},
                           transport=fake.transport())


def yookassa_payment(session, *, count: int = 2, receipt_email: str | None = "ivanov@example.com"):
    ivanov = resident(session, "ivanov")
    return pay.create_payment(session, resident_id=ivanov, choices=choose(session, ivanov, count),
                              receipt_email=receipt_email, gateway_name="yookassa", method="card",
                              commission_rate=CARD_RATE, now=T0)


def sent_bodies(fake: FakeGateway) -> list[dict]:
    return [json.loads(r.content) for r in fake.requests if r.method == "POST" and r.url.path.endswith("/payments")]


async def test_the_create_carries_a_receipt_of_the_stored_documents_and_the_commission(session, factory):
    fake = FakeGateway()
    record = yookassa_payment(session)
    started = await pay.start_payment(record.id, yookassa(fake), RETURN_URL, session_factory=factory, now=T0)
    assert started.status == ps.AWAITING_CUSTOMER

    [body] = sent_bodies(fake)
    items = body["receipt"]["items"]
    stored = session.exec(select(PaymentItem, PaymentDocument, PersonalAccount)
                          .where(PaymentItem.payment_id == record.id)
                          .where(PaymentDocument.id == PaymentItem.payment_document_id)
                          .where(PersonalAccount.id == PaymentItem.personal_account_id)
                          .order_by(PaymentItem.payment_document_id)).all()
    assert [(i["description"], value_to_kopecks(i["amount"]["value"])) for i in items[:-1]] == [
        (f"ЖКУ за {format_period(document.period_year, document.period_month)}, ПД № {document.number}, "
         f"л/с {account.number}", item.amount_kopecks)
        for item, document, account in stored]
    assert (items[-1]["description"], value_to_kopecks(items[-1]["amount"]["value"])) == (
        COMMISSION_DESCRIPTION, record.commission_kopecks)
    assert record.commission_kopecks == max(1000, (record.amount_kopecks + 50) // 100)
    assert sum(value_to_kopecks(i["amount"]["value"]) for i in items) == value_to_kopecks(body["amount"]["value"])
    assert value_to_kopecks(body["amount"]["value"]) == record.amount_kopecks + record.commission_kopecks
    assert body["receipt"]["customer"] == {"email": "ivanov@example.com"}
    assert "commission" not in body and body["confirmation"] == {"type": "redirect", "return_url": RETURN_URL}


@pytest.mark.parametrize("fault", ["lost_response", "500_after_commit"])
async def test_the_replayed_create_is_the_same_body_receipt_included(session, factory, fault):
    fake = FakeGateway()
    record = yookassa_payment(session)
    fake.fail_next("create", fault)
    result = await pay.start_payment(record.id, yookassa(fake), RETURN_URL, session_factory=factory, now=T0)
    assert result.status == ps.SUBMITTED
    fake.pay(fake.only_payment()["id"])
    report = await pay.reconcile(factory, yookassa(fake), now=T0 + timedelta(minutes=2), stale_after_seconds=60)
    assert report.changed == 1 and status(session, record.id) == ps.SUCCEEDED
    first, replay = sent_bodies(fake)
    assert first == replay and fake.create_keys == [record.idempotency_key] * 2
    assert len(fake.payments) == 1  # the fake refuses the same key with another body: nothing was refused


def test_without_its_own_address_the_receipt_goes_to_the_profile_email_else_the_phone(session):
    record = yookassa_payment(session, count=1, receipt_email=None)
    payment = session.get(Payment, record.id)
    assert fiscal_receipt_of(session, payment).email == "ivanov@example.com"
    profile = session.get(Resident, record.resident_id)
    profile.email = None
    session.add(profile)
    session.flush()
    receipt = fiscal_receipt_of(session, payment)
    assert (receipt.email, receipt.phone) == (None, "79035550101")
    profile.phone = None
    session.flush()
    assert fiscal_receipt_of(session, payment) is None  # no contact at all: sent without, YooKassa decides
    session.rollback()


async def test_a_decline_reads_as_the_mapping_says(session, factory):
    fake = FakeGateway()
    record = yookassa_payment(session, count=1)
    await pay.start_payment(record.id, yookassa(fake), RETURN_URL, session_factory=factory, now=T0)
    fake.decline(fake.only_payment()["id"], "payment_method_restricted")
    await pay.refresh_from_gateway(record.public_id, yookassa(fake), session_factory=factory)
    session.expire_all()
    payment = session.get(Payment, record.id)
    assert (payment.status, payment.failure_reason) == (ps.FAILED, "payment_method_restricted")
    assert ps.status_text(payment.status, payment.failure_reason) == "Операции по карте или кошельку ограничены"


async def test_a_replay_the_gateway_calls_another_body_fails_nothing_and_goes_to_review(session, factory):
    """The receipt's recipient came from the profile (no address of its own), and the profile changed before the
    reconciler replayed a lost create: YooKassa answers «Idempotence key duplicated». The payment may exist
    there, so it is neither failed (its documents stay held) nor sent under a fresh key: it waits, flagged once."""
    fake = FakeGateway()
    record = yookassa_payment(session, count=1, receipt_email=None)
    fake.fail_next("create", "lost_response")
    await pay.start_payment(record.id, yookassa(fake), RETURN_URL, session_factory=factory, now=T0)
    profile = session.get(Resident, record.resident_id)
    profile.email = "new-address@example.com"
    session.add(profile)
    session.commit()
    for minutes in (2, 4):
        report = await pay.reconcile(factory, yookassa(fake), now=T0 + timedelta(minutes=minutes),
                                     stale_after_seconds=60)
        assert (report.changed, report.unavailable) == (0, 1)
    session.expire_all()
    payment = session.get(Payment, record.id)
    assert (payment.status, payment.needs_review) == (ps.SUBMITTED, True)
    notes = [e.detail for e in session.exec(select(PaymentEvent).where(PaymentEvent.payment_id == record.id)).all()
             if e.detail and "idempotency key used with another body" in e.detail]
    assert len(notes) == 1 and len(fake.payments) == 1 and set(fake.create_keys) == {record.idempotency_key}
    assert session.exec(select(PaymentItem.open).where(PaymentItem.payment_id == record.id)).all() == [1]
