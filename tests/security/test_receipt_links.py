"""Attacks on the receipt links of the kiosk's QR code (``GET /receipt/<token>`` and ``…/pdf``), issue 13 §2.

The link opens one payment's receipt without signing in, so the token is all that stands between a
stranger and someone's receipt (the payee's requisites, the sums, the card's last four digits). The
attacks: a character of the signature changed, another payment's id under a genuine signature, the
expiry moved later, a token signed with the published demo key while the server has its own, a
token valid for longer than any link is made for, a genuine but expired link, a signed token for a
payment that never succeeded, malformed and oversized tokens, and writing through the link. Each is
sent over HTTP to the app's own routes, and none may show a payment number or hand out a PDF.
"""

from __future__ import annotations

import time

import httpx
import pytest
from sqlmodel import Session
from starlette.applications import Starlette

from gkh_web.db.engine import get_engine
from gkh_web.domain import payment_states as ps
from gkh_web.domain.receipt_link import sign_receipt_token
from gkh_web.receipt_page import receipt_routes
from gkh_web.services import payments as pay
from gkh_web.services.payments.receipt_link import MSG_LINK_INVALID, msg_link_expired, receipt_link
from gkh_web.settings import DEMO_RECEIPT_LINK_SECRET, get_settings
from tests.db.test_payments import new_payment, resident

SERVER_KEY = "the-server-s-own-receipt-link-key-0123456789"
PUBLIC_URL = "https://gkh.example.ru"


@pytest.fixture
def server_key(monkeypatch):
    monkeypatch.setenv("GKH_RECEIPT_LINK_SECRET", SERVER_KEY)
    monkeypatch.setenv("GKH_PUBLIC_URL", PUBLIC_URL)
    get_settings.cache_clear()


def _payment(demo_db: str, *, succeeded: bool = True, count: int = 1) -> pay.PaymentRecord:
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        record = new_payment(session, resident(session, "ivanov"), count=count, method="card")
        for step in (ps.SUBMITTED, ps.AWAITING_CUSTOMER, ps.SUCCEEDED) if succeeded else (ps.SUBMITTED,):
            pay.transition(session, record.id, step, source="gateway")
        session.commit()
        return record


async def _get(path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=Starlette(routes=receipt_routes()))
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        return await client.get(path)


def _path(url: str) -> str:
    assert url.startswith(PUBLIC_URL + "/receipt/")  # every address from GKH_PUBLIC_URL
    return url.removeprefix(PUBLIC_URL)


def _token(url: str) -> str:
    return _path(url).removeprefix("/receipt/")


def _refused(response: httpx.Response, record: pay.PaymentRecord, status_code: int = 404) -> bool:
    return (response.status_code == status_code and record.number not in response.text
            and "application/pdf" not in response.headers.get("content-type", ""))


async def test_the_genuine_link_opens_that_receipt_and_its_pdf(demo_db, server_key):
    record = _payment(demo_db)
    link = receipt_link(record.public_id)
    page = await _get(_path(link.url))
    assert page.status_code == 200 and record.number in page.text and "Квитанция об оплате ЖКУ" in page.text
    pdf = await _get(_path(link.pdf_url))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("position", [0, 31, 33, -11, -1], ids=["id-first", "id-last", "expiry", "signature",
                                                                 "signature-last"])
async def test_one_character_changed_opens_nothing(demo_db, server_key, position):
    record = _payment(demo_db)
    token = _token(receipt_link(record.public_id).url)
    index = position % len(token)
    altered = token[:index] + ("1" if token[index] != "1" else "2") + token[index + 1:]
    assert altered != token and len(altered) == len(token)
    for suffix in ("", "/pdf"):
        response = await _get(f"/receipt/{altered}{suffix}")
        assert _refused(response, record), (altered, response.status_code)
        assert MSG_LINK_INVALID in response.text


async def test_another_payment_under_a_genuine_signature_opens_nothing(demo_db, server_key):
    mine, other = _payment(demo_db), _payment(demo_db)
    _, expiry, signature = _token(receipt_link(mine.public_id).url).split(".")
    response = await _get(f"/receipt/{other.public_id}.{expiry}.{signature}")
    assert _refused(response, other) and _refused(response, mine)


async def test_a_later_expiry_under_the_same_signature_opens_nothing(demo_db, server_key):
    record = _payment(demo_db)
    public_id, expiry, signature = _token(receipt_link(record.public_id).url).split(".")
    response = await _get(f"/receipt/{public_id}.{int(expiry) + 600}.{signature}")
    assert _refused(response, record)
    assert MSG_LINK_INVALID in response.text  # not «expired»: the signature is what failed


async def test_a_link_forged_with_the_published_demo_key_opens_nothing(demo_db, server_key):
    record = _payment(demo_db)
    forged = sign_receipt_token(record.public_id, int(time.time()) + 600, DEMO_RECEIPT_LINK_SECRET)
    assert _refused(await _get(f"/receipt/{forged}"), record)
    assert _refused(await _get(f"/receipt/{forged}/pdf"), record)


async def test_a_token_valid_longer_than_any_link_is_made_for_opens_nothing(demo_db, server_key):
    """Even signed with the server's key (an old key, a longer setting once): never more than 15 minutes ahead."""
    record = _payment(demo_db)
    long_lived = sign_receipt_token(record.public_id, int(time.time()) + 24 * 3600, SERVER_KEY)
    assert _refused(await _get(f"/receipt/{long_lived}"), record)


async def test_an_expired_link_opens_nothing_and_says_so(demo_db, server_key):
    record = _payment(demo_db)
    made_16_minutes_ago = receipt_link(record.public_id, now=time.time() - 16 * 60)
    for url in (made_16_minutes_ago.url, made_16_minutes_ago.pdf_url):
        response = await _get(_path(url))
        assert _refused(response, record, 410)
        assert msg_link_expired(15 * 60) in response.text
        assert "Срок действия ссылки на квитанцию истёк" in response.text


async def test_a_signed_token_for_a_payment_that_did_not_succeed_opens_nothing(demo_db, server_key):
    record = _payment(demo_db, succeeded=False)
    token = sign_receipt_token(record.public_id, int(time.time()) + 600, SERVER_KEY)
    assert _refused(await _get(f"/receipt/{token}"), record)
    assert _refused(await _get(f"/receipt/{token}/pdf"), record)


@pytest.mark.parametrize("token", [
    "", "x", "..", "0" * 32, "0" * 32 + ".1", "not-hex-" * 4 + ".1700000000.AAAAAAAAAAAAAAAAAAAAAA",
    "A" * 5000, "%00", "..%2F..%2Fetc%2Fpasswd", "<script>alert(1)</script>",
])
async def test_malformed_tokens_open_nothing(demo_db, server_key, token):
    record = _payment(demo_db)
    response = await _get(f"/receipt/{token}")
    assert response.status_code in (404, 405) and record.number not in response.text
    assert "<script>alert" not in response.text


async def test_the_link_is_read_only(demo_db, server_key):
    record = _payment(demo_db)
    path = _path(receipt_link(record.public_id).url)
    transport = httpx.ASGITransport(app=Starlette(routes=receipt_routes()))
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            assert (await client.request(method, path)).status_code == 405
