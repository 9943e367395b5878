"""The figures of ``/metrics`` are counted where the facts happen: a payment written, a final status committed
(not one rolled back), each gateway call and each exchange with ЕСИА with its outcome."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlmodel import Session

from gkh_web.db.engine import get_engine
from gkh_web.domain import payment_states as ps
from gkh_web.services import payments as pay
from gkh_web.services.identity.esia_client import EsiaSignInFailed, EsiaUnavailable, fetch_claims
from gkh_web.services.payments.gateway_client import GatewayRejected, GatewayUnavailable
from tests.db.test_esia_flow import CALLBACK, CLIENT_ID, CLIENT_SECRET, VERIFIER, claims_for, closed_port, code_for
from tests.db.test_payments import new_payment, resident
from tests.fake_gateway import FakeGateway, http_gateway


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0  # ok-float: a Prometheus sample, not money


def test_created_and_finished_payments_are_counted_once_committed(demo_db):
    created, finished = (_value("gkh_payments_created_total", method="card"),
                         _value("gkh_payments_finished_total", method="card", status="succeeded"))
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        record = new_payment(session, resident(session, "ivanov"), method="card")
        assert _value("gkh_payments_created_total", method="card") == created + 1
        for step in (ps.SUBMITTED, ps.AWAITING_CUSTOMER):
            pay.transition(session, record.id, step, source="gateway")
        session.commit()
        pay.transition(session, record.id, ps.SUCCEEDED, source="gateway")
        session.rollback()  # not committed: it did not happen
        assert _value("gkh_payments_finished_total", method="card", status="succeeded") == finished
        pay.transition(session, record.id, ps.SUCCEEDED, source="gateway")
        session.commit()
    assert _value("gkh_payments_finished_total", method="card", status="succeeded") == finished + 1


async def test_gateway_calls_are_timed_and_counted_by_outcome():
    fake = FakeGateway()
    gateway = http_gateway(fake)
    before = {outcome: _value("gkh_gateway_requests_total", operation="create", outcome=outcome)
              for outcome in ("ok", "rejected", "error")}
    timed = _value("gkh_gateway_request_duration_seconds_count", operation="create")
    arguments = dict(amount_kopecks=10_000, description="ЖКУ", return_url="http://gkh.test/pay/result",
                     method="card", metadata={"payment_id": "p1"}, commission_kopecks=100)
    await gateway.create("key-1", **arguments)
    with pytest.raises(GatewayRejected):  # the same key with another body: 400
        await gateway.create("key-1", **{**arguments, "amount_kopecks": 20_000})
    fake.fail_next("create", "connect_error")
    with pytest.raises(GatewayUnavailable):
        await gateway.create("key-2", **arguments)
    after = {outcome: _value("gkh_gateway_requests_total", operation="create", outcome=outcome)
             for outcome in ("ok", "rejected", "error")}
    assert {outcome: after[outcome] - before[outcome] for outcome in after} == {"ok": 1, "rejected": 1, "error": 1}
    assert _value("gkh_gateway_request_duration_seconds_count", operation="create") == timed + 3


async def test_esia_exchanges_are_counted_by_outcome(demo_db):
    def counts() -> dict[str, float]:
        return {outcome: _value("gkh_esia_requests_total", operation="token_userinfo", outcome=outcome)
                for outcome in ("ok", "refused", "error")}

    before = counts()
    code = code_for("+7 (903) 555-04-04")
    await claims_for(code)
    with pytest.raises(EsiaSignInFailed):  # the same code again: refused
        await claims_for(code)
    with pytest.raises(EsiaUnavailable):
        await fetch_claims("code", redirect_uri=CALLBACK, code_verifier=VERIFIER, client_id=CLIENT_ID,
                           server_base=f"http://127.0.0.1:{closed_port()}", client_secret=CLIENT_SECRET,
                           timeout_seconds=5)
    after = counts()
    assert {outcome: after[outcome] - before[outcome] for outcome in after} == {"ok": 1, "refused": 1, "error": 1}
