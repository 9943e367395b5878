"""«Оплатить по другому лицевому счёту» under hostile input (``PayOtherState.search``), both tabs.

Nothing is found for a hostile value (in particular Latin or Greek look-alikes
never match someone else's account), the message is on the field, nothing is
written, and the same page then finds the account by its real ИЖКУ.
"""

from __future__ import annotations

import pytest

from gkh_web.domain.identifiers import (
    MSG_ACCOUNT_NUMBER_HIDDEN,
    MSG_ACCOUNT_NUMBER_LENGTH,
    MSG_ELS_FORMAT,
    MSG_IPD_FORMAT,
    MSG_IZHKU_FORMAT,
)
from gkh_web.services.accounts.lookup import MSG_CHOOSE_HOUSE
from gkh_web.state.pay_other import BY_ADDRESS, BY_IDENTIFIER, PayOtherState
from tests.hostile.support import (
    CRLF,
    IMG_ONERROR,
    JS_URL,
    NUL,
    ONE_MB,
    RLO,
    SCRIPT,
    SQL_DROP,
    SQL_OR,
    TEN_K,
    ZWSP,
    app_snapshot,
    arabic,
    assert_russian,
    fullwidth,
    signed_in_state,
)

PROFSOYUZNAYA_56 = 2
"""Профсоюзная ул., д. 56: кв. 3 has account № СК-56003 (Cyrillic С and К), ИЖКУ 77ХВ118345-01."""


def _not_in_house(number: str) -> str:
    return f"Лицевой счёт № {number} в этом доме не найден. Проверьте номер по квитанции"


CASES = [
    pytest.param(BY_IDENTIFIER, SQL_OR, "identifier", MSG_ELS_FORMAT, id="identifier-sql-or"),
    pytest.param(BY_IDENTIFIER, SQL_DROP, "identifier", MSG_IPD_FORMAT, id="identifier-sql-drop"),
    pytest.param(BY_IDENTIFIER, SCRIPT, "identifier", MSG_IPD_FORMAT, id="identifier-script"),
    pytest.param(BY_IDENTIFIER, IMG_ONERROR, "identifier", MSG_IPD_FORMAT, id="identifier-img-onerror"),
    pytest.param(BY_IDENTIFIER, JS_URL, "identifier", MSG_IPD_FORMAT, id="identifier-javascript-url"),
    pytest.param(BY_IDENTIFIER, "77\u03a7\u0392118345-01", "identifier", MSG_IZHKU_FORMAT,
                 id="izhku-greek-look-alikes"),
    pytest.param(BY_IDENTIFIER, "77ОР551204-01-1О26", "identifier", MSG_IPD_FORMAT, id="ipd-cyrillic-o-for-zero"),
    pytest.param(BY_IDENTIFIER, "77ХВ1183" + ZWSP + "45", "identifier", MSG_IZHKU_FORMAT, id="els-zero-width"),
    pytest.param(BY_IDENTIFIER, RLO + "77ХВ118345", "identifier", MSG_IZHKU_FORMAT, id="els-rtl-override"),
    pytest.param(BY_IDENTIFIER, "77ХВ118345" + NUL, "identifier", MSG_IZHKU_FORMAT, id="els-nul"),
    pytest.param(BY_IDENTIFIER, arabic("77") + "ХВ" + arabic("118345"), "identifier", MSG_ELS_FORMAT,
                 id="els-arabic-digits"),
    pytest.param(BY_IDENTIFIER, fullwidth("77") + "ХВ" + fullwidth("118345-01-1026"), "identifier", MSG_IPD_FORMAT,
                 id="ipd-fullwidth-digits"),
    pytest.param(BY_IDENTIFIER, "77ХВ118345-01" * 1000, "identifier", MSG_IPD_FORMAT, id="identifier-10k"),
    pytest.param(BY_IDENTIFIER, "Х" * ONE_MB, "identifier", MSG_IPD_FORMAT, id="identifier-1mb"),
    pytest.param(BY_ADDRESS, SQL_OR, "account_number", _not_in_house(SQL_OR), id="number-sql-or"),
    pytest.param(BY_ADDRESS, SQL_DROP, "account_number", _not_in_house(SQL_DROP), id="number-sql-drop"),
    pytest.param(BY_ADDRESS, "CK-56003", "account_number", _not_in_house("CK-56003"), id="number-latin-look-alikes"),
    pytest.param(BY_ADDRESS, "СК-56003" + NUL, "account_number", MSG_ACCOUNT_NUMBER_HIDDEN, id="number-nul"),
    pytest.param(BY_ADDRESS, "СК-" + CRLF + "56003", "account_number", MSG_ACCOUNT_NUMBER_HIDDEN, id="number-crlf"),
    pytest.param(BY_ADDRESS, "СК-5600" + ZWSP + "3", "account_number", MSG_ACCOUNT_NUMBER_HIDDEN,
                 id="number-zero-width"),
    pytest.param(BY_ADDRESS, "С" * TEN_K, "account_number", MSG_ACCOUNT_NUMBER_LENGTH, id="number-10k"),
]


@pytest.mark.parametrize(("method", "typed", "field", "message"), CASES)
async def test_a_hostile_search_finds_nothing_and_says_why(demo_db, method, typed, field, message):
    page = await signed_in_state(PayOtherState, "ivanov")
    assert await page.open_page() is None
    before = app_snapshot(demo_db)

    page.set_method(method)
    if method == BY_ADDRESS:
        await page.set_house_query("Профсоюзная 56")
        page.choose_house(PROFSOYUZNAYA_56)
        assert page.house_id == PROFSOYUZNAYA_56
    await page.search({"identifier": typed} if method == BY_IDENTIFIER else {"account_number": typed})

    assert page.results == [] and list(page.errors) == [field]
    assert_russian(page.errors[field], message)
    assert app_snapshot(demo_db) == before

    page.set_method(BY_IDENTIFIER)
    await page.search({"identifier": "77ХВ118345-01"})
    assert page.errors == {} and [view.number for view in page.results] == ["СК-56003"]


HOUSE_CASES = [
    pytest.param("query", SQL_OR, id="house-sql-or"),
    pytest.param("query", SCRIPT, id="house-script"),
    pytest.param("query", "Пр\u006fфсоюзная 56", id="house-mixed-alphabets"),
    pytest.param("query", "Профсоюзная 56 " * (ONE_MB // 15), id="house-1mb"),
    pytest.param("house_id", 10**30, id="house-id-huge"),
    pytest.param("house_id", -1, id="house-id-negative"),
]


@pytest.mark.parametrize(("field", "value"), HOUSE_CASES)
async def test_a_hostile_house_is_never_chosen(demo_db, field, value):
    page = await signed_in_state(PayOtherState, "ivanov")
    await page.open_page()
    before = app_snapshot(demo_db)

    page.set_method(BY_ADDRESS)
    await page.set_house_query(value if field == "query" else "Профсоюзная 56")
    page.choose_house(value if field == "house_id" else PROFSOYUZNAYA_56)
    await page.search({"account_number": "СК-56003"})

    assert page.results == [] and page.house_id == 0
    assert page.errors == {"house": MSG_CHOOSE_HOUSE}
    assert_russian(page.errors["house"], MSG_CHOOSE_HOUSE)
    assert app_snapshot(demo_db) == before

    await page.set_house_query("Профсоюзная 56")
    page.choose_house(PROFSOYUZNAYA_56)
    await page.search({"account_number": "СК-56003"})
    assert page.errors == {} and [view.number for view in page.results] == ["СК-56003"]
