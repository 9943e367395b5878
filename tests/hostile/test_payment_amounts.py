"""«Оплата ЖКУ»: the «Сумма платежа» field of a document under hostile input.

Checked twice, like in the app: at once in ``PaySelectionState.set_amount``
(the message by the field, the total ignores the amount, «Далее» disabled)
and again by the server at «Далее» (``PayPageState.proceed`` re-reads the
database). No payment is created; the same page then goes on with a real amount.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from gkh_web.domain.allocation import MSG_ZERO, cap_message
from gkh_web.domain.money import (
    MSG_EMPTY,
    MSG_NEGATIVE,
    MSG_NOT_A_NUMBER,
    MSG_TOO_LARGE,
    MSG_TOO_PRECISE,
)
from gkh_web.settings import get_settings
from gkh_web.state.pay import (
    STEP_CONFIRM,
    STEP_SELECT,
    PayFiguresState,
    PayMessagesState,
    PayPageState,
    PaySelectionState,
)
from tests.hostile.support import (
    CRLF,
    NUL,
    ONE_MB,
    RLO,
    SCRIPT,
    SQL_OR,
    TEN_K,
    ZWSP,
    app_snapshot,
    arabic,
    assert_russian,
    fullwidth,
    redirect_path,
    signed_in_state,
)

MSG_CAP = "cap"
"""Stands for ``cap_message`` of the configured per-document limit (500 000,00 ₽)."""

CASES = [
    pytest.param("-100", MSG_NEGATIVE, id="negative"),
    pytest.param("\u2212100,00", MSG_NEGATIVE, id="negative-unicode-minus"),
    pytest.param("0", MSG_ZERO, id="zero"),
    pytest.param("0,00 ₽", MSG_ZERO, id="zero-with-kopecks"),
    pytest.param("1e9", MSG_NOT_A_NUMBER, id="exponent-1e9"),
    pytest.param("1000000000", MSG_CAP, id="billion-rubles"),
    pytest.param("9" * TEN_K, MSG_TOO_LARGE, id="10k-digits"),
    pytest.param("1" * ONE_MB, MSG_TOO_LARGE, id="1mb-digits"),
    pytest.param("1,2,3", MSG_NOT_A_NUMBER, id="two-commas"),
    pytest.param("0.001", MSG_TOO_PRECISE, id="tenth-of-a-kopeck"),
    pytest.param("NaN", MSG_NOT_A_NUMBER, id="nan"),
    pytest.param("Infinity", MSG_NOT_A_NUMBER, id="infinity"),
    pytest.param("-Infinity", MSG_NOT_A_NUMBER, id="minus-infinity"),
    pytest.param(arabic("123"), MSG_NOT_A_NUMBER, id="arabic-digits"),
    pytest.param(fullwidth("123"), MSG_NOT_A_NUMBER, id="fullwidth-digits"),
    pytest.param("100" + NUL, MSG_NOT_A_NUMBER, id="nul"),
    pytest.param(RLO + "001", MSG_NOT_A_NUMBER, id="rtl-override"),
    pytest.param("1" + ZWSP + "000", MSG_NOT_A_NUMBER, id="zero-width-space"),
    pytest.param("1" + CRLF + "000", MSG_NOT_A_NUMBER, id="crlf-inside"),
    pytest.param("1\u00a0000\u00a0000\u00a0000", MSG_CAP, id="billion-with-nbsp-groups"),
    pytest.param("12 34", MSG_NOT_A_NUMBER, id="broken-group"),
    pytest.param("0x10", MSG_NOT_A_NUMBER, id="hex"),
    pytest.param("1OO", MSG_NOT_A_NUMBER, id="latin-o-for-zero"),
    pytest.param("З00", MSG_NOT_A_NUMBER, id="cyrillic-ze-for-three"),
    pytest.param(SCRIPT, MSG_NOT_A_NUMBER, id="script"),
    pytest.param(SQL_OR, MSG_NOT_A_NUMBER, id="sql-or"),
    pytest.param("100; DROP TABLE payment;--", MSG_NOT_A_NUMBER, id="sql-drop"),
    pytest.param("   ", MSG_EMPTY, id="only-spaces"),
]


async def _payment_page(url: str = "http://kiosk.test/pay") -> tuple[PayPageState, PaySelectionState]:
    page = await signed_in_state(PayPageState, "ivanov", url=url)
    assert await page.open_page() is None and page.loaded
    return page, await page.get_state(PaySelectionState)


@pytest.mark.parametrize(("typed", "message"), CASES)
async def test_a_hostile_amount_is_refused_by_the_field_and_by_the_server(demo_db, typed, message):
    page, selection = await _payment_page()
    if message == MSG_CAP:
        message = cap_message(get_settings().max_document_payment_kopecks)
    document = page.accounts[0].documents[0]
    assert document.selectable
    figures, messages = await page.get_state(PayFiguresState), await page.get_state(PayMessagesState)
    total = figures.total_kopecks
    before = app_snapshot(demo_db)

    await selection.set_amount(document.document_id, typed)

    assert_russian(messages.errors[str(document.document_id)], message)
    assert not figures.can_proceed
    assert figures.total_kopecks == total - document.due_kopecks, "the refused amount is not counted"
    assert await page.proceed() is None and page.step == STEP_SELECT
    assert message in page.confirm_error, "the server's own check says the same"
    assert app_snapshot(demo_db) == before

    await selection.set_amount(document.document_id, "1 234,56")
    assert messages.errors == {} and figures.can_proceed
    assert figures.total_kopecks == total - document.due_kopecks + 123_456
    await page.proceed()
    assert page.step == STEP_CONFIRM and page.confirm_error == ""
    assert [item.amount_kopecks for item in page.confirmed_items if item.document_id == document.document_id] == [
        123_456]


ACCOUNT_PARAMETERS = [
    pytest.param("\u00b2", id="superscript-two"),
    pytest.param(arabic("8"), id="arabic-digit"),
    pytest.param("-1", id="negative"),
    pytest.param("8 OR 1=1", id="sql-or"),
    pytest.param("9" * 30, id="huge"),
    pytest.param(SCRIPT, id="script"),
]


@pytest.mark.parametrize("account", ACCOUNT_PARAMETERS)
async def test_a_hostile_account_in_the_address_goes_back_to_the_search(demo_db, account):
    """``/pay?account=…`` of «Оплатить по другому лицевому счёту»: not a field, but typed into the address bar."""
    page = await signed_in_state(PayPageState, "ivanov", url=f"http://kiosk.test/pay?account={quote(account)}")
    before = app_snapshot(demo_db)

    assert redirect_path(await page.open_page()) == "/pay/other"
    assert not page.loaded and app_snapshot(demo_db) == before
