"""The sandbox gateway's hosted page (card, 3-D Secure, wallet «Виртуальный мир») under hostile input, over HTTP.

Each form is posted the way a browser (or a script) would. A refused value
gets the page back with status 422 and the field's message; the payment stays
pending with nothing written to the sandbox's database; whatever the page shows
back is HTML-escaped; and the same page then accepts the real value.
"""

from __future__ import annotations

from html import escape

import pytest

from gkh_web.domain.cards import MSG_CARD_FORMAT, MSG_CARD_LUHN
from gkh_web.domain.contacts import MSG_PHONE
from gkh_web.domain.webhook_signature import verify_webhook
from gkh_web.sandbox_gateway.hosted import (
    MSG_3DS_FORMAT,
    MSG_EXPIRY_FORMAT,
    MSG_EXPIRY_PAST,
    MSG_FORM_TOO_LARGE,
    MSG_HOLDER,
    MSG_WALLET_CODE,
)
from tests.db.conftest import snapshot
from tests.hostile.support import (
    CRLF,
    IMG_ONERROR,
    NUL,
    ONE_MB,
    RLO,
    SCRIPT,
    SQL_DROP,
    SQL_OR,
    TEN_K,
    ZWSP,
    arabic,
    assert_russian,
    fullwidth,
)
from tests.sandbox.conftest import RETURN_URL, create, page_path, payment_body, status_of

MSG_CVC = "CVC — 3 цифры с обратной стороны карты"
CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123", "holder": ""}
THREE_DS_CARD = "4000 0027 6000 3184"
WALLET_PHONE = "+79001234567"
SANDBOX_TABLES = ("sandbox_payment", "sandbox_idempotence", "sandbox_wallet", "sandbox_webhook_delivery")


def sandbox_snapshot(sandbox_env) -> dict[str, object]:
    return snapshot(f"sqlite:///{sandbox_env / 'sandbox.db'}", content=SANDBOX_TABLES)


def assert_refused_page(response, message: str, typed: str) -> None:
    """422, the field's message in the alert, and nothing typed shown back unescaped."""
    assert response.status_code == 422
    assert_russian(message, message)
    assert f'<div class="error" role="alert">{escape(message)}</div>' in response.text
    for payload in (SCRIPT, IMG_ONERROR, "<img", "<script>alert"):
        if payload in typed:
            assert payload not in response.text


CARD_CASES = [
    pytest.param("card_number", SQL_OR, MSG_CARD_FORMAT, id="number-sql-or"),
    pytest.param("card_number", SCRIPT, MSG_CARD_FORMAT, id="number-script"),
    pytest.param("card_number", arabic("4242 4242 4242 4242"), MSG_CARD_FORMAT, id="number-arabic-digits"),
    pytest.param("card_number", fullwidth("4242424242424242"), MSG_CARD_FORMAT, id="number-fullwidth-digits"),
    pytest.param("card_number", "4242 4242 4242 4241", MSG_CARD_LUHN, id="number-luhn-typo"),
    pytest.param("card_number", "4242424242424242" + NUL, MSG_CARD_FORMAT, id="number-nul"),
    pytest.param("card_number", RLO + "4242424242424242", MSG_CARD_FORMAT, id="number-rtl-override"),
    pytest.param("card_number", "4" * 5000, MSG_CARD_FORMAT, id="number-5k-digits"),
    pytest.param("card_number", "4" * TEN_K, MSG_FORM_TOO_LARGE, id="number-10k"),
    pytest.param("card_number", "4" * ONE_MB, MSG_FORM_TOO_LARGE, id="number-1mb"),
    pytest.param("expiry", "13/30", MSG_EXPIRY_FORMAT, id="expiry-month-13"),
    pytest.param("expiry", "00/30", MSG_EXPIRY_FORMAT, id="expiry-month-00"),
    pytest.param("expiry", "12/20", MSG_EXPIRY_PAST, id="expiry-in-the-past"),
    pytest.param("expiry", arabic("12/30"), MSG_EXPIRY_FORMAT, id="expiry-arabic-digits"),
    pytest.param("expiry", "12/30" + NUL, MSG_EXPIRY_FORMAT, id="expiry-nul"),
    pytest.param("expiry", SQL_OR, MSG_EXPIRY_FORMAT, id="expiry-sql-or"),
    pytest.param("cvc", arabic("123"), MSG_CVC, id="cvc-arabic-digits"),
    pytest.param("cvc", fullwidth("123"), MSG_CVC, id="cvc-fullwidth-digits"),
    pytest.param("cvc", "\u00b9\u00b2\u00b3", MSG_CVC, id="cvc-superscript-digits"),
    pytest.param("cvc", "12", MSG_CVC, id="cvc-too-short"),
    pytest.param("cvc", SQL_DROP, MSG_CVC, id="cvc-sql-drop"),
    pytest.param("holder", SCRIPT, MSG_HOLDER, id="holder-script"),
    pytest.param("holder", IMG_ONERROR, MSG_HOLDER, id="holder-img-onerror"),
    pytest.param("holder", "ИВАН ИВАНОВ", MSG_HOLDER, id="holder-cyrillic"),
    pytest.param("holder", "IVAN IVAN\u041eV", MSG_HOLDER, id="holder-cyrillic-o-look-alike"),
    pytest.param("holder", SQL_OR, MSG_HOLDER, id="holder-sql-or"),
    pytest.param("holder", "IVAN" + NUL + "IVANOV", MSG_HOLDER, id="holder-nul"),
    pytest.param("holder", "IVAN " + RLO + "VONAVI", MSG_HOLDER, id="holder-rtl-override"),
    pytest.param("holder", "IVAN " * 1000, MSG_HOLDER, id="holder-5k"),
]


@pytest.mark.parametrize(("field", "typed", "message"), CARD_CASES)
async def test_a_hostile_card_field_is_refused(client, sandbox_env, field, typed, message):
    payment = await create(client)
    before = sandbox_snapshot(sandbox_env)

    response = await client.post(page_path(payment) + "/card", data={**CARD, field: typed})

    assert_refused_page(response, message, typed)
    assert "4242 4242" not in response.text and "4242424242" not in response.text, "the number is never echoed"
    assert sandbox_snapshot(sandbox_env) == before
    again = await client.post(page_path(payment) + "/card", data=CARD)
    assert (again.status_code, again.headers["location"]) == (303, RETURN_URL)
    assert (await status_of(client, payment["id"]))["status"] == "succeeded"


THREE_DS_CASES = [
    pytest.param(SQL_OR, MSG_3DS_FORMAT, id="sql-or"),
    pytest.param(SCRIPT, MSG_3DS_FORMAT, id="script"),
    pytest.param(arabic("123456"), MSG_3DS_FORMAT, id="arabic-digits"),
    pytest.param(fullwidth("123456"), MSG_3DS_FORMAT, id="fullwidth-digits"),
    pytest.param("12345", MSG_3DS_FORMAT, id="five-digits"),
    pytest.param("123456" + NUL, MSG_3DS_FORMAT, id="nul"),
    pytest.param("123" + ZWSP + "456", MSG_3DS_FORMAT, id="zero-width-space"),
    pytest.param("1" * ONE_MB, MSG_FORM_TOO_LARGE, id="1mb"),
]


@pytest.mark.parametrize(("typed", "message"), THREE_DS_CASES)
async def test_a_malformed_3ds_code_is_asked_again_not_declined(client, sandbox_env, typed, message):
    payment = await create(client)
    challenge = await client.post(page_path(payment) + "/card", data={**CARD, "card_number": THREE_DS_CARD})
    assert challenge.status_code == 303
    before = sandbox_snapshot(sandbox_env)

    response = await client.post(page_path(payment) + "/3ds", data={"code": typed})

    assert_refused_page(response, message, typed)
    assert "Подтверждение платежа" in response.text
    assert sandbox_snapshot(sandbox_env) == before
    assert (await status_of(client, payment["id"]))["status"] == "pending"
    done = await client.post(page_path(payment) + "/3ds", data={"code": "123456"})
    assert (done.status_code, done.headers["location"]) == (303, RETURN_URL)
    assert (await status_of(client, payment["id"]))["status"] == "succeeded"


WALLET_CASES = [
    pytest.param("pay", "phone", SQL_OR, MSG_PHONE, id="phone-sql-or"),
    pytest.param("pay", "phone", '"><script>alert(1)</script>', MSG_PHONE, id="phone-script-breaking-the-attribute"),
    pytest.param("pay", "phone", IMG_ONERROR, MSG_PHONE, id="phone-img-onerror"),
    pytest.param("pay", "phone", arabic("+7 900 123-45-67"), MSG_PHONE, id="phone-arabic-digits"),
    pytest.param("pay", "phone", fullwidth("89001234567"), MSG_PHONE, id="phone-fullwidth-digits"),
    pytest.param("pay", "phone", "+7 900 123-45-67" + NUL, MSG_PHONE, id="phone-nul"),
    pytest.param("pay", "phone", "+7 900 123-45-67" + CRLF + "+7 900 765-43-21", MSG_PHONE, id="phone-crlf-two-phones"),
    pytest.param("pay", "phone", RLO + "+7 900 123-45-67", MSG_PHONE, id="phone-rtl-override"),
    pytest.param("pay", "phone", "9" * ONE_MB, MSG_FORM_TOO_LARGE, id="phone-1mb"),
    pytest.param("pay", "code", SQL_OR, MSG_WALLET_CODE, id="code-sql-or"),
    pytest.param("pay", "code", arabic("0000"), MSG_WALLET_CODE, id="code-arabic-digits"),
    pytest.param("pay", "code", SCRIPT, MSG_WALLET_CODE, id="code-script"),
    pytest.param("register", "phone", SCRIPT, MSG_PHONE, id="register-phone-script"),
    pytest.param("register", "phone", "7" * 5000, MSG_PHONE, id="register-phone-5k-digits"),
    pytest.param("register", "phone", "9" * ONE_MB, MSG_FORM_TOO_LARGE, id="register-phone-1mb"),
]


@pytest.mark.parametrize(("action", "field", "typed", "message"), WALLET_CASES)
async def test_a_hostile_wallet_field_is_refused(client, sandbox_env, action, field, typed, message):
    payment = await create(client, payment_body(payment_method_data={"type": "wallet"}))
    wallet = page_path(payment) + "/wallet"
    assert (await client.post(wallet + "/register", data={"phone": WALLET_PHONE})).status_code == 200
    before = sandbox_snapshot(sandbox_env)

    form = {"phone": WALLET_PHONE, "code": "0000", field: typed}
    response = await client.post(wallet + ("/register" if action == "register" else ""), data=form)

    assert_refused_page(response, message, typed)
    assert sandbox_snapshot(sandbox_env) == before, "no wallet opened, nothing debited"
    paid = await client.post(wallet, data={"phone": WALLET_PHONE, "code": "0000"})
    assert (paid.status_code, paid.headers["location"]) == (303, RETURN_URL)
    assert (await status_of(client, payment["id"]))["status"] == "succeeded"


@pytest.mark.parametrize("timestamp", ["\u00b2", arabic("1764000000"), fullwidth("1764000000")])
def test_a_webhook_timestamp_in_other_digits_is_refused_not_crashed(timestamp):
    """Not a form, but the same «²».isdigit() trap: the signature check of ``/payments/webhook`` says no."""
    assert verify_webhook(b"{}", timestamp, "0" * 64, "sandbox-secret", now=1_764_000_000) is False
