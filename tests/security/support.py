"""What the attack modules share: a payment waiting at the fake gateway, the webhook route, signatures."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import httpx
import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette

from gkh_web import payment_webhook
from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.models import Payment, PaymentDocument, PaymentEvent, PaymentItem
from gkh_web.domain.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_webhook
from gkh_web.payment_webhook import WEBHOOK_PATH, webhook_routes
from gkh_web.services import payments as pay
from gkh_web.settings import get_settings
from tests.db.test_payments import RETURN_URL, T0, new_payment, resident
from tests.fake_gateway import FakeGateway, http_gateway

LEAKED_KEY = "leaked-signing-key"
"""The attacker holds the signing key (leaked, or a sender that signs nothing at all, like YooKassa's)."""
HONEST_SENDER = ("185.71.76.5", 44321)
"""An address inside the gateway's published networks."""


@dataclass
class Waiting:
    """A resident's payment the fake gateway shows as ``pending`` (the payer is on its page)."""

    fake: FakeGateway
    record: pay.PaymentRecord
    gateway_id: str
    document_id: int
    paid_before: int


async def waiting_payment(demo_db: str, monkeypatch: pytest.MonkeyPatch, fake: FakeGateway | None = None) -> Waiting:
    """Create and start a payment at ``fake``; the webhook route asks that same fake gateway."""
    fake = fake or FakeGateway()
    monkeypatch.setattr(payment_webhook, "current_gateway", lambda: http_gateway(fake), raising=False)
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        record = new_payment(session, resident(session, "ivanov"))
        document_id = session.exec(select(PaymentItem.payment_document_id)
                                   .where(PaymentItem.payment_id == record.id)).one()
        paid_before = session.get(PaymentDocument, document_id).paid_kopecks
    await pay.start_payment(record.id, http_gateway(fake), RETURN_URL,
                            session_factory=lambda: session_scope(demo_db), now=T0)
    return Waiting(fake, record, fake.only_payment()["id"], document_id, paid_before)


def webhook_transport(client_address: tuple[str, int] = HONEST_SENDER) -> httpx.ASGITransport:
    """The app's webhook route, reached from ``client_address``."""
    return httpx.ASGITransport(app=Starlette(routes=webhook_routes()), client=client_address)


def webhook_client(client_address: tuple[str, int] = HONEST_SENDER) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=webhook_transport(client_address), base_url="http://kiosk.test")


def body_bytes(notification: dict) -> bytes:
    return json.dumps(notification, ensure_ascii=False).encode()


def signed(body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    """Headers of a notification signed with ``secret`` (default: the webhook key the app is set up with)."""
    moment = int(time.time()) if timestamp is None else timestamp
    key = secret if secret is not None else get_settings().gateway_webhook_secret
    return {"Content-Type": "application/json", TIMESTAMP_HEADER: str(moment),
            SIGNATURE_HEADER: sign_webhook(body, moment, key)}


async def post_notification(notification: dict, *, headers: dict[str, str] | None = None,
                            client_address: tuple[str, int] = HONEST_SENDER) -> httpx.Response:
    body = body_bytes(notification)
    async with webhook_client(client_address) as http:
        return await http.post(WEBHOOK_PATH, content=body, headers=signed(body) if headers is None else headers)


@dataclass(frozen=True)
class Outcome:
    """What a payment and its document look like in the database after the attack."""

    status: str
    failure_reason: str | None
    needs_review: bool
    paid_kopecks: int
    open_items: int
    review_notes: list[str]


def outcome(waiting: Waiting) -> Outcome:
    with session_scope() as session:
        payment = session.get(Payment, waiting.record.id)
        events = session.exec(select(PaymentEvent).where(PaymentEvent.payment_id == payment.id)
                              .order_by(PaymentEvent.id)).all()
        notes = [json.loads(event.detail)["review"] for event in events
                 if event.detail and "review" in json.loads(event.detail)]
        open_items = len(session.exec(select(PaymentItem).where(PaymentItem.payment_id == payment.id,
                                                                 PaymentItem.open == 1)).all())
        return Outcome(payment.status, payment.failure_reason, payment.needs_review,
                       session.get(PaymentDocument, waiting.document_id).paid_kopecks, open_items, notes)
