"""«Подключить лицевой счёт» under hostile input: every field of both ways (``LinkAccountState``).

Кузнецова (first sign-in) fills the dialog with her real requisites except
for one hostile field. The message lands on that field, no link is written,
and the same dialog then links her account.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gkh_web.db.engine import session_scope
from gkh_web.db.models import ResidentAccountLink
from gkh_web.domain.identifiers import (
    MSG_ACCOUNT_NUMBER_CONTENT,
    MSG_ACCOUNT_NUMBER_HIDDEN,
    MSG_ACCOUNT_NUMBER_LENGTH,
    MSG_ELS_FORMAT,
    MSG_IZHKU_FORMAT,
)
from gkh_web.services.accounts import MSG_ADDRESS_MISMATCH, MSG_CHOOSE_PROVIDER
from gkh_web.services.accounts.lookup import MSG_CHOOSE_HOUSE
from gkh_web.state.link_account import BY_ADDRESS, BY_IDENTIFIER, LinkAccountState
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

VALID = {"region": "г. Москва", "house_query": "Лесная 12", "provider": "1", "flat": "27",
         "account_number": "1001027", "identifier": "77НР482913-01"}
"""Кузнецова's account (README): ул. Лесная, д. 12, корп. 2, кв. 27; ООО «УК «Рассвет» (id 1); № 1001027."""
LESNAYA_12 = 1
RASSVET = "ООО «УК «Рассвет»"
MSG_REGION = "Выберите регион"


def _not_found(number: str) -> str:
    return f"Лицевой счёт № {number} у организации {RASSVET} не найден. Проверьте номер по квитанции"


CASES = [
    # region (a select: only its options may come back)
    pytest.param("region", SQL_OR, "region", MSG_REGION, id="region-sql-or"),
    pytest.param("region", SCRIPT, "region", MSG_REGION, id="region-script"),
    pytest.param("region", "г. \u004dосква", "region", MSG_REGION, id="region-latin-m"),
    # house: free text, then a suggestion must be chosen
    pytest.param("house_query", SQL_DROP, "house", MSG_CHOOSE_HOUSE, id="house-sql-drop"),
    pytest.param("house_query", IMG_ONERROR, "house", MSG_CHOOSE_HOUSE, id="house-img-onerror"),
    pytest.param("house_query", "Л\u0065сная 12", "house", MSG_CHOOSE_HOUSE, id="house-latin-e-in-street"),
    pytest.param("house_query", "Лесная 12 " * (ONE_MB // 10), "house", MSG_CHOOSE_HOUSE, id="house-1mb"),
    pytest.param("house_id", 10**30, "house", MSG_CHOOSE_HOUSE, id="house-id-huge"),
    # flat: compared with the account's premises
    pytest.param("flat", "27" + SQL_OR, "flat", MSG_ADDRESS_MISMATCH, id="flat-sql-or"),
    pytest.param("flat", SCRIPT, "flat", MSG_ADDRESS_MISMATCH, id="flat-script"),
    pytest.param("flat", "27" + NUL, "flat", MSG_ADDRESS_MISMATCH, id="flat-nul"),
    pytest.param("flat", RLO + "72", "flat", MSG_ADDRESS_MISMATCH, id="flat-rtl-override"),
    pytest.param("flat", "2" + ZWSP + "7", "flat", MSG_ADDRESS_MISMATCH, id="flat-zero-width"),
    pytest.param("flat", arabic("27"), "flat", MSG_ADDRESS_MISMATCH, id="flat-arabic-digits"),
    pytest.param("flat", fullwidth("27"), "flat", MSG_ADDRESS_MISMATCH, id="flat-fullwidth-digits"),
    pytest.param("flat", "27" * (ONE_MB // 2), "flat", MSG_ADDRESS_MISMATCH, id="flat-1mb"),
    # provider (a select of ids)
    pytest.param("provider", "\u00b2", "provider", MSG_CHOOSE_PROVIDER, id="provider-superscript-two"),
    pytest.param("provider", arabic("1"), "provider", MSG_CHOOSE_PROVIDER, id="provider-arabic-one"),
    pytest.param("provider", "1 OR 1=1", "provider", MSG_CHOOSE_PROVIDER, id="provider-sql-or"),
    pytest.param("provider", "9" * 30, "provider", MSG_CHOOSE_PROVIDER, id="provider-id-huge"),
    # account number: free format, exact match
    pytest.param("account_number", SQL_OR, "account_number", _not_found(SQL_OR), id="number-sql-or"),
    pytest.param("account_number", SQL_DROP, "account_number", _not_found(SQL_DROP), id="number-sql-drop"),
    pytest.param("account_number", "1001O27", "account_number", _not_found("1001O27"), id="number-latin-o-for-zero"),
    pytest.param("account_number", "1001027" + NUL, "account_number", MSG_ACCOUNT_NUMBER_HIDDEN, id="number-nul"),
    pytest.param("account_number", "1001" + CRLF + "027", "account_number", MSG_ACCOUNT_NUMBER_HIDDEN,
                 id="number-crlf-inside"),
    pytest.param("account_number", RLO + "7201001", "account_number", MSG_ACCOUNT_NUMBER_HIDDEN,
                 id="number-rtl-override"),
    pytest.param("account_number", arabic("1001027"), "account_number", MSG_ACCOUNT_NUMBER_CONTENT,
                 id="number-arabic-digits"),
    pytest.param("account_number", "1" * TEN_K, "account_number", MSG_ACCOUNT_NUMBER_LENGTH, id="number-10k"),
    # ЕЛС / ИЖКУ
    pytest.param("identifier", SQL_OR, "identifier", MSG_ELS_FORMAT, id="identifier-sql-or"),
    pytest.param("identifier", SCRIPT, "identifier", MSG_IZHKU_FORMAT, id="identifier-script"),
    pytest.param("identifier", JS_URL, "identifier", MSG_IZHKU_FORMAT, id="identifier-javascript-url"),
    pytest.param("identifier", "77\u0397\u03a1482913", "identifier", MSG_ELS_FORMAT, id="els-greek-look-alikes"),
    pytest.param("identifier", "77NR482913", "identifier", MSG_ELS_FORMAT, id="els-latin-not-look-alikes"),
    pytest.param("identifier", "77НР48291З", "identifier", MSG_ELS_FORMAT, id="els-cyrillic-ze-for-three"),
    pytest.param("identifier", fullwidth("77") + "НР" + fullwidth("482913"), "identifier", MSG_ELS_FORMAT,
                 id="els-fullwidth-digits"),
    pytest.param("identifier", "77НР482913" + ZWSP + "-01", "identifier", MSG_IZHKU_FORMAT, id="izhku-zero-width"),
    pytest.param("identifier", RLO + "77НР482913", "identifier", MSG_IZHKU_FORMAT, id="els-rtl-override"),
    pytest.param("identifier", "77НР482913-01" + NUL, "identifier", MSG_IZHKU_FORMAT, id="izhku-nul"),
    pytest.param("identifier", "77НР482913-01-1026", "identifier", MSG_IZHKU_FORMAT, id="ipd-is-not-for-linking"),
    pytest.param("identifier", "7" * ONE_MB, "identifier", MSG_IZHKU_FORMAT, id="identifier-1mb"),
]


def _links() -> int:
    with session_scope() as session:
        return session.exec(sa.select(sa.func.count()).select_from(ResidentAccountLink)).scalar_one()


async def _fill_and_submit(dialog: LinkAccountState, values: dict):
    """What a resident does in the dialog: open it, fill the chosen way's fields, press «Подключить»."""
    await dialog.open_dialog()
    if "identifier" in values:
        dialog.set_method(BY_IDENTIFIER)
        return await dialog.submit({"identifier": values["identifier"]})
    dialog.set_method(BY_ADDRESS)
    dialog.set_region(values["region"])
    await dialog.set_house_query(values["house_query"])
    await dialog.choose_house(values.get("house_id", LESNAYA_12))
    dialog.set_provider(values["provider"])
    return await dialog.submit({"flat": values["flat"], "account_number": values["account_number"]})


@pytest.mark.parametrize(("field", "typed", "error_field", "message"), CASES)
async def test_a_hostile_requisite_is_refused_at_its_field(demo_db, field, typed, error_field, message):
    dialog = await signed_in_state(LinkAccountState, "kuznetsova")
    before = app_snapshot(demo_db)
    values = {"identifier": typed} if field == "identifier" else {
        **{key: value for key, value in VALID.items() if key != "identifier"}, field: typed}

    await _fill_and_submit(dialog, values)

    assert list(dialog.errors) == [error_field] and dialog.dialog_open
    assert_russian(dialog.errors[error_field], message)
    assert app_snapshot(demo_db) == before

    links = _links()
    valid = {"identifier": VALID["identifier"]} if field == "identifier" else {
        key: value for key, value in VALID.items() if key != "identifier"}
    await _fill_and_submit(dialog, valid)
    assert dialog.errors == {} and not dialog.dialog_open
    assert _links() == links + 1
