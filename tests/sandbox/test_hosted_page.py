"""Every test card through the hosted page, 3-D Secure, wallet, single-use token."""

from __future__ import annotations

import pytest

from gkh_web.sandbox_gateway.cards import TEST_CARDS
from tests.sandbox.conftest import RETURN_URL, create, page_path, pay_card, payment_body, status_of

GONE = "Страница оплаты больше не действительна"

DIRECT_OUTCOMES = [
    ("4242424242424242", "succeeded", None),
    ("5555555555554444", "succeeded", None),
    ("2202474301322987", "succeeded", None),
    ("4444333322221111", "succeeded", None),
    ("4000000000000002", "canceled", "general_decline"),
    ("5555555555554527", "canceled", "general_decline"),
    ("4000000000009995", "canceled", "insufficient_funds"),
    ("5555555555554600", "canceled", "insufficient_funds"),
    ("2200000000000053", "canceled", "insufficient_funds"),
    ("4000000000000069", "canceled", "card_expired"),
    ("5555555555554543", "canceled", "card_expired"),
    ("4000000000000127", "canceled", "invalid_csc"),
    ("5555555555554626", "canceled", "invalid_csc"),
    ("5555555555554568", "canceled", "fraud_suspected"),
    ("4000000000000119", "canceled", "processing_error"),
    ("5555555555554592", "canceled", "3d_secure_failed"),
    ("2200000000000012", "canceled", "3d_secure_failed"),
    ("4000009900000012", "succeeded", None),  # slow
    ("4000009900000020", "succeeded", None),  # no webhook
    ("4000009900000038", "succeeded", None),  # duplicate webhook
    ("4000009900000046", "pending", None),  # stays pending
    ("4000009900000053", "waiting_for_capture", None),
    ("4000009900000061", "succeeded", None),
]
THREE_DS = ["4000002760003184", "4000000000003220", "5555555555554477", "2200000000000004"]


def test_every_test_card_is_covered_here():
    covered = {number for number, _, _ in DIRECT_OUTCOMES} | set(THREE_DS) | {"4000008400001629", "370000000000002"}
    assert covered == set(TEST_CARDS)


async def test_page_shows_amount_and_both_methods_when_none_chosen(client):
    payment = await create(client)
    page = await client.get(page_path(payment))
    assert page.status_code == 200
    assert "1\u00a0234,56\u00a0₽" in page.text
    assert "Банковская карта" in page.text and "Кошелёк «Виртуальный мир»" in page.text
    card_form = await client.get(page_path(payment) + "?method=bank_card")
    assert 'name="card_number"' in card_form.text


async def test_page_goes_straight_to_the_chosen_method(client):
    payment = await create(client, payment_body(payment_method_data={"type": "wallet"}))
    page = await client.get(page_path(payment))
    assert 'name="phone"' in page.text and 'name="card_number"' not in page.text


@pytest.mark.parametrize(("number", "status", "reason"), DIRECT_OUTCOMES)
async def test_card_outcome(client, number, status, reason):
    payment = await create(client)
    response = await pay_card(client, payment, number[:4] + " " + number[4:])
    assert response.status_code == 303
    assert response.headers["location"] == RETURN_URL
    result = await status_of(client, payment["id"])
    assert result["status"] == status
    assert result.get("cancellation_details", {}).get("reason") == reason
    if status != "pending":
        assert result["payment_method"]["card"]["last4"] == number[-4:]


async def test_amount_plus_one_card_reports_one_kopeck_more(client):
    payment = await create(client)
    await pay_card(client, payment, "4000009900000061")
    assert (await status_of(client, payment["id"]))["amount"]["value"] == "1234.57"


async def test_amex_needs_four_digit_cvc(client):
    payment = await create(client)
    refused = await pay_card(client, payment, "370000000000002", cvc="123")
    assert refused.status_code == 422 and "CVC — 4 цифры" in refused.text
    assert (await pay_card(client, payment, "370000000000002", cvc="1234")).status_code == 303
    assert (await status_of(client, payment["id"]))["payment_method"]["card"]["card_type"] == "American Express"


@pytest.mark.parametrize("number", THREE_DS)
async def test_3ds_right_code_succeeds(client, number):
    payment = await create(client)
    challenge = await pay_card(client, payment, number)
    assert challenge.status_code == 303 and challenge.headers["location"] == page_path(payment)
    page = await client.get(page_path(payment))
    assert "Код подтверждения" in page.text
    assert (await status_of(client, payment["id"]))["status"] == "pending"
    done = await client.post(page_path(payment) + "/3ds", data={"code": "123456"})
    assert done.status_code == 303 and done.headers["location"] == RETURN_URL
    assert (await status_of(client, payment["id"]))["status"] == "succeeded"


async def test_3ds_wrong_code_fails(client):
    payment = await create(client)
    await pay_card(client, payment, "5555555555554477")
    await client.post(page_path(payment) + "/3ds", data={"code": "000000"})
    result = await status_of(client, payment["id"])
    assert result["status"] == "canceled"
    assert result["cancellation_details"]["reason"] == "3d_secure_failed"


async def test_3ds_passes_then_issuer_declines(client):
    payment = await create(client)
    await pay_card(client, payment, "4000008400001629")
    await client.post(page_path(payment) + "/3ds", data={"code": "123456"})
    assert (await status_of(client, payment["id"]))["cancellation_details"]["reason"] == "general_decline"


async def test_3ds_page_cannot_be_skipped_by_posting_the_card_again(client):
    payment = await create(client)
    await pay_card(client, payment, "2200000000000004")
    again = await pay_card(client, payment, "4242424242424242")
    assert again.status_code == 410 and GONE in again.text
    assert (await status_of(client, payment["id"]))["status"] == "pending"


@pytest.mark.parametrize(("number", "message"), [
    ("4111111111111111", "Песочница принимает только тестовые карты"),
    ("4242424242424241", "опечатка"),
    ("", "Введите номер карты"),
])
async def test_card_refused_on_the_form_payment_stays_pending(client, number, message):
    payment = await create(client)
    response = await pay_card(client, payment, number)
    assert response.status_code == 422
    assert message in response.text
    assert (await status_of(client, payment["id"]))["status"] == "pending"
    assert (await pay_card(client, payment, "4242424242424242")).status_code == 303  # page still usable


@pytest.mark.parametrize(("expiry", "message"), [("01/20", "Срок действия карты истёк"), ("13/30", "ММ/ГГ"),
                                                 ("12300", "ММ/ГГ"), ("12-30", "ММ/ГГ")])
async def test_bad_expiry_refused(client, expiry, message):
    payment = await create(client)
    response = await pay_card(client, payment, "4242424242424242", expiry=expiry)
    assert response.status_code == 422 and message in response.text


async def test_expiry_typed_without_the_slash_is_read_by_the_server(client):
    """Nothing in the browser inserts the slash any more: «1230» is December 2030."""
    payment = await create(client)
    assert (await pay_card(client, payment, "4242424242424242", expiry="1230")).status_code == 303


async def test_bad_cvc_refused(client):
    payment = await create(client)
    response = await pay_card(client, payment, "4242424242424242", cvc="12")
    assert response.status_code == 422 and "CVC — 3 цифры" in response.text


async def test_form_never_echoes_the_card_number(client):
    payment = await create(client)
    response = await pay_card(client, payment, "4242424242424242", cvc="99")
    assert "4242424242424242" not in response.text and "4242 4242" not in response.text


async def test_page_token_is_single_use(client):
    payment = await create(client)
    assert (await pay_card(client, payment, "4000000000000002")).status_code == 303
    second = await pay_card(client, payment, "4242424242424242")
    assert second.status_code == 410 and GONE in second.text
    reload = await client.get(page_path(payment))
    assert reload.status_code == 410 and GONE in reload.text
    result = await status_of(client, payment["id"])
    assert result["status"] == "canceled" and result["payment_method"]["card"]["last4"] == "0002"


async def test_success_cannot_be_paid_twice(client, receiver):
    payment = await create(client)
    await pay_card(client, payment, "4242424242424242")
    assert (await pay_card(client, payment, "4242424242424242")).status_code == 410
    wallet = await client.post(page_path(payment) + "/wallet", data={"phone": "+79001234567", "code": "0000"})
    assert wallet.status_code == 410


async def test_unknown_token_is_gone(client):
    response = await client.get("/sandbox-gateway/pay/not-a-token")
    assert response.status_code == 410 and GONE in response.text


async def test_expired_page_is_gone_and_payment_expires(client, monkeypatch):
    monkeypatch.setenv("GKH_SANDBOX_PAGE_TTL_SECONDS", "0")
    from gkh_web.sandbox_gateway.config import get_sandbox_settings
    get_sandbox_settings.cache_clear()
    payment = await create(client)
    assert (await client.get(page_path(payment))).status_code == 410
    result = await status_of(client, payment["id"])
    assert result["status"] == "canceled"
    assert result["cancellation_details"]["reason"] == "expired_on_confirmation"


async def test_payer_cancels(client):
    payment = await create(client)
    response = await client.post(page_path(payment) + "/cancel")
    assert response.status_code == 303 and response.headers["location"] == RETURN_URL
    assert (await status_of(client, payment["id"]))["cancellation_details"]["reason"] == "cancelled_by_payer"


# --- Wallet «Виртуальный мир» ---------------------------------------------------------


async def test_wallet_register_then_pay(client):
    payment = await create(client)
    wallet_path = page_path(payment) + "/wallet"
    unknown = await client.post(wallet_path, data={"phone": "8 (900) 123-45-67", "code": "0000"})
    assert unknown.status_code == 422 and "Кошелёк на этот номер не найден" in unknown.text
    assert "Создать кошелёк" in unknown.text
    registered = await client.post(wallet_path + "/register", data={"phone": "+79001234567"})
    assert "Кошелёк создан" in registered.text and "100\u00a0000,00\u00a0₽" in registered.text
    wrong_code = await client.post(wallet_path, data={"phone": "+79001234567", "code": "1111"})
    assert wrong_code.status_code == 422 and "Неверный код" in wrong_code.text
    paid = await client.post(wallet_path, data={"phone": "+79001234567", "code": "0000"})
    assert paid.status_code == 303 and paid.headers["location"] == RETURN_URL
    result = await status_of(client, payment["id"])
    assert result["status"] == "succeeded" and result["payment_method"]["type"] == "wallet"

    from gkh_web.sandbox_gateway import store
    assert store.wallet_balance("+79001234567") == 100_000_00 - 1234_56


async def test_wallet_insufficient_funds(client):
    payment = await create(client, payment_body("100000.01"))
    wallet_path = page_path(payment) + "/wallet"
    await client.post(wallet_path + "/register", data={"phone": "+79001112233"})
    response = await client.post(wallet_path, data={"phone": "+79001112233", "code": "0000"})
    assert response.status_code == 303
    result = await status_of(client, payment["id"])
    assert result["status"] == "canceled"
    assert result["cancellation_details"]["reason"] == "insufficient_funds"
    from gkh_web.sandbox_gateway import store
    assert store.wallet_balance("+79001112233") == 100_000_00


async def test_wallet_bad_phone(client):
    payment = await create(client)
    response = await client.post(page_path(payment) + "/wallet", data={"phone": "12", "code": "0000"})
    assert response.status_code == 422
    assert (await status_of(client, payment["id"]))["status"] == "pending"


async def test_card_payment_refused_when_wallet_was_chosen(client):
    payment = await create(client, payment_body(payment_method_data={"type": "wallet"}))
    assert (await pay_card(client, payment, "4242424242424242")).status_code == 422
    assert (await status_of(client, payment["id"]))["status"] == "pending"
