"""REST API: auth, Idempotence-Key semantics, amount parsing, cancel and capture."""

from __future__ import annotations

import pytest

from gkh_web.sandbox_gateway.amounts import AmountError, format_amount_value, parse_amount_value
from tests.sandbox.conftest import API, AUTH, RETURN_URL, create, pay_card, payment_body, status_of


async def test_create_returns_pending_payment_with_page(client):
    payment = await create(client)
    assert payment["id"].startswith("sbx_")
    assert payment["status"] == "pending"
    assert payment["amount"] == {"value": "1234.56", "currency": "RUB"}
    assert payment["metadata"] == {"payment_id": "p-1"}
    assert payment["confirmation"]["type"] == "redirect"
    assert payment["confirmation"]["confirmation_url"].startswith("/sandbox-gateway/pay/")
    assert payment["created_at"].endswith("Z")


async def test_same_key_same_body_replays_identical_response(client):
    first = await client.post(f"{API}/payments", json=payment_body(), auth=AUTH, headers={"Idempotence-Key": "k-1"})
    second = await client.post(f"{API}/payments", json=payment_body(), auth=AUTH, headers={"Idempotence-Key": "k-1"})
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers


async def test_same_key_other_body_refused_and_creates_nothing_new(client):
    first = await create(client, key="k-2")
    other = await client.post(f"{API}/payments", json=payment_body("1.00"), auth=AUTH,
                              headers={"Idempotence-Key": "k-2"})
    assert other.status_code == 400
    assert other.json()["description"] == "Idempotence key duplicated"
    assert other.json()["parameter"] == "Idempotence-Key"
    again = await create(client, key="k-2")
    assert again["id"] == first["id"]


async def test_other_key_same_body_is_a_new_payment(client):
    assert (await create(client, key="a"))["id"] != (await create(client, key="b"))["id"]


@pytest.mark.parametrize("headers", [{}, {"Idempotence-Key": ""}, {"Idempotence-Key": "x" * 65},
                                     {"Idempotence-Key": "<script>"}])
async def test_missing_or_bad_key_is_400(client, headers):
    response = await client.post(f"{API}/payments", json=payment_body(), auth=AUTH, headers=headers)
    assert response.status_code == 400
    assert response.json()["parameter"] == "Idempotence-Key"


@pytest.mark.parametrize("auth", [None, ("sandbox-shop", "wrong"), ("other-shop", "sandbox-secret")])
async def test_wrong_auth_is_401(client, auth):
    response = await client.post(f"{API}/payments", json=payment_body(), auth=auth, headers={"Idempotence-Key": "k"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert (await client.get(f"{API}/payments/sbx_x", auth=auth)).status_code == 401


async def test_refused_request_does_not_burn_the_key(client):
    bad = await client.post(f"{API}/payments", json=payment_body("12.345"), auth=AUTH,
                            headers={"Idempotence-Key": "k-3"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "amount.value"
    assert (await create(client, key="k-3"))["status"] == "pending"


@pytest.mark.parametrize("value", ["12.345", "12.3", "12", "1e3", "-1.00", "0.00", " 1.00", "1,00", "01.00"])
async def test_bad_amount_strings_refused(client, value):
    response = await client.post(f"{API}/payments", json=payment_body(value), auth=AUTH,
                                 headers={"Idempotence-Key": "k"})
    assert response.status_code == 400


async def test_amount_as_json_number_refused(client):
    body = payment_body()
    body["amount"]["value"] = 1234.56
    response = await client.post(f"{API}/payments", json=body, auth=AUTH, headers={"Idempotence-Key": "k"})
    assert response.status_code == 400


@pytest.mark.parametrize(("text", "kopecks"), [("0.01", 1), ("1234.56", 123456), ("0.10", 10),
                                               ("9999999999999.99", 999999999999999)])
def test_parse_amount_value_exact(text, kopecks):
    assert parse_amount_value(text) == kopecks
    assert format_amount_value(kopecks) == text


def test_parse_amount_never_uses_float():
    # 0.1 + 0.2 style errors: 1.10 as float * 100 is 110.00000000000001
    assert parse_amount_value("1.10") == 110
    assert parse_amount_value("4503599627370.49") == 450359962737049
    with pytest.raises(AmountError):
        parse_amount_value(12.5)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/x", "ftp://x/y", "relative/path"])
async def test_bad_return_url_refused(client, url):
    body = payment_body(confirmation={"type": "redirect", "return_url": url})
    response = await client.post(f"{API}/payments", json=body, auth=AUTH, headers={"Idempotence-Key": "k"})
    assert response.status_code == 400


async def test_get_unknown_payment_404(client):
    response = await client.get(f"{API}/payments/sbx_nope", auth=AUTH)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


async def test_cancel_pending_then_again_replays_and_final_cannot_cancel(client, receiver):
    payment = await create(client)
    url = f"{API}/payments/{payment['id']}/cancel"
    first = await client.post(url, auth=AUTH, headers={"Idempotence-Key": "c-1"})
    assert first.status_code == 200
    assert first.json()["status"] == "canceled"
    assert first.json()["cancellation_details"] == {"party": "merchant", "reason": "canceled_by_merchant"}
    replay = await client.post(url, auth=AUTH, headers={"Idempotence-Key": "c-1"})
    assert replay.json() == first.json()
    refused = await client.post(url, auth=AUTH, headers={"Idempotence-Key": "c-2"})
    assert refused.status_code == 400
    assert (await client.post(url, auth=AUTH)).status_code == 400  # key required


async def test_authorise_only_card_then_capture(client):
    payment = await create(client)
    assert (await pay_card(client, payment, "4000009900000053")).status_code == 303
    assert (await status_of(client, payment["id"]))["status"] == "waiting_for_capture"
    captured = await client.post(f"{API}/payments/{payment['id']}/capture", auth=AUTH,
                                 headers={"Idempotence-Key": "cap-1"})
    assert captured.json()["status"] == "succeeded"


async def test_return_url_in_confirmation(client):
    payment = await create(client)
    assert payment["confirmation"]["return_url"] == RETURN_URL
