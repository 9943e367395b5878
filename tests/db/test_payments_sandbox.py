"""End to end against the embedded sandbox gateway (in-process ASGI): create, hosted card page, signed webhook.

The app side talks to the sandbox only over HTTP (``HttpGateway`` on
``httpx.ASGITransport``); the sandbox's webhooks are caught by a fake receiver,
checked with ``verify_webhook`` (the webhook key) and handed to
``handle_notification``, which asks the sandbox itself — what the webhook route does.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.models import Payment, Resident, utc_now
from gkh_web.domain import payment_states as ps
from gkh_web.domain.webhook_signature import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_webhook,
)
from gkh_web.sandbox_gateway import db as sandbox_db
from gkh_web.sandbox_gateway import webhooks
from gkh_web.sandbox_gateway.app import build_sandbox_app
from gkh_web.sandbox_gateway.config import get_sandbox_settings
from gkh_web.services import payments as pay
from gkh_web.services.data.demo_data import DEMO_LOGINS
from gkh_web.services.payments.commission import forget_rates, method_rates
from gkh_web.services.payments.gateway_client import HttpGateway
from gkh_web.services.payments.page import payment_page_for_resident

SHOP, SECRET = "sandbox-shop", "sandbox-secret"
WEBHOOK_SECRET = "sandbox-webhook-secret"
RETURN_URL = "http://kiosk.test/pay/return"


class Receiver:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200)


@pytest.fixture
async def sandbox(tmp_path, monkeypatch):
    monkeypatch.setenv("GKH_SANDBOX_DATABASE_URL", f"sqlite:///{tmp_path / 'sandbox.db'}")
    monkeypatch.setenv("GKH_GATEWAY_WEBHOOK_URL", "http://app.test/api/payments/webhook/sandbox")
    monkeypatch.setenv("GKH_SANDBOX_WEBHOOK_BACKOFF_SECONDS", "0")
    for name in ("GKH_GATEWAY_SHOP_ID", "GKH_GATEWAY_SECRET", "GKH_GATEWAY_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name in ("GKH_SANDBOX_COMMISSION_CARD", "GKH_SANDBOX_COMMISSION_WALLET"):
        monkeypatch.delenv(name, raising=False)  # the demo's rates: a card 1 % at least 10 ₽, a free wallet
    get_sandbox_settings.cache_clear()
    sandbox_db.dispose_engines()
    forget_rates()
    receiver = Receiver()
    app = build_sandbox_app(webhook_transport=httpx.MockTransport(receiver.handler))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as browser:
        yield browser, HttpGateway("http://sandbox/sandbox-gateway/api/v3", SHOP, SECRET, transport=transport), receiver
    await webhooks.wait_for_deliveries()
    webhooks.use_transport(None)
    sandbox_db.dispose_engines()
    get_sandbox_settings.cache_clear()


def started_id(session: Session, payment_id: int) -> str:
    session.expire_all()
    gateway_id = session.get(Payment, payment_id).gateway_payment_id
    assert gateway_id
    return gateway_id


def ivanov(session: Session) -> int:
    login = next(item for item in DEMO_LOGINS if item.key == "ivanov")
    return session.exec(select(Resident.id).where(Resident.snils == login.snils)).one()


async def deliver(demo_db: str, gateway: HttpGateway, receiver: Receiver) -> list[str]:
    """Verify every webhook the sandbox sent so far and hand it on as a hint (as the route does)."""
    outcomes = []
    for request in receiver.requests:
        verified = verify_webhook(request.content, request.headers.get(TIMESTAMP_HEADER),
                                  request.headers.get(SIGNATURE_HEADER), WEBHOOK_SECRET, now=time.time())
        outcomes.append(await pay.handle_notification(json.loads(request.content), gateway,
                                                      lambda: session_scope(demo_db)) if verified else "unverified")
    receiver.requests.clear()
    return outcomes


@pytest.mark.parametrize(("card", "expected", "text"), [
    ("4242424242424242", ps.SUCCEEDED, "Оплачено"),
    ("4000000000009995", ps.FAILED, "Отклонено банком: недостаточно средств"),
    ("4000009900000038", ps.SUCCEEDED, "Оплачено"),  # the webhook comes twice
])
async def test_card_payment_through_the_sandbox(demo_db, sandbox, card, expected, text):
    browser, gateway, receiver = sandbox
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        resident_id = ivanov(session)
        page = payment_page_for_resident(session, resident_id)
        document = next(d for a in page.accounts for d in a.documents if d.selectable)
        rates = await method_rates(gateway)
        assert rates is not None
        record = pay.create_payment(session, resident_id=resident_id, choices=[(document.document_id,
                                    document.amount_text)], receipt_email=None, gateway_name="sandbox",
                                    method="card", commission_rate=rates["card"])
        assert record.commission_kopecks == max(1000, (document.due_kopecks + 50) // 100)

        started = await pay.start_payment(record.id, gateway, RETURN_URL,
                                          session_factory=lambda: session_scope(demo_db))
        assert started.status == ps.AWAITING_CUSTOMER and started.confirmation_url
        response = await browser.post(started.confirmation_url + "/card",
                                      data={"card_number": card, "expiry": "12/30", "cvc": "123", "holder": ""})
        assert response.status_code in (200, 303)
        await webhooks.wait_for_deliveries()
        assert "applied" in await deliver(demo_db, gateway, receiver)

        [view] = pay.payments_of_resident(session, resident_id)
        assert (view.status, view.status_text) == (expected, text)
        if expected == ps.SUCCEEDED:
            assert view.card_text.endswith(card[-4:])
        # what the sandbox charged is the documents' sum plus the commission it declared
        charged = (await gateway.get(started_id(session, record.id))).amount_kopecks
        assert charged == record.amount_kopecks + record.commission_kopecks
        # the reconciler agrees with the webhooks and changes nothing
        later = utc_now() + timedelta(minutes=5)
        report = await pay.reconcile(lambda: session_scope(demo_db), gateway, now=later, stale_after_seconds=60)
        assert report.changed == 0
        session.expire_all()
        assert session.get(Payment, record.id).status == expected


async def test_no_webhook_card_is_finished_by_the_reconciler(demo_db, sandbox):
    browser, gateway, receiver = sandbox
    def factory():
        return session_scope(demo_db)
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        resident_id = ivanov(session)
        page = payment_page_for_resident(session, resident_id)
        document = next(d for a in page.accounts for d in a.documents if d.selectable)
        record = pay.create_payment(session, resident_id=resident_id, choices=[(document.document_id,
                                    document.amount_text)], receipt_email=None, gateway_name="sandbox",
                                    method="card", commission_rate=(await method_rates(gateway) or {})["card"])
        started = await pay.start_payment(record.id, gateway, RETURN_URL, session_factory=factory)
        await browser.post(started.confirmation_url + "/card",
                           data={"card_number": "4000009900000020", "expiry": "12/30", "cvc": "123", "holder": ""})
        await webhooks.wait_for_deliveries()
        assert receiver.requests == []
        await pay.reconcile(factory, gateway, now=utc_now() + timedelta(minutes=2), stale_after_seconds=60)
        session.expire_all()
        assert session.get(Payment, record.id).status == ps.SUCCEEDED
