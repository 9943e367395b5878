"""``gkh import`` under hostile input: one bad value in an otherwise good file, or a hostile file as a whole.

Every case goes through the service (exact JSON path and Russian message) and
through the ``gkh`` command (the same line in stderr, exit code 1). Nothing is
written; values quoted back are short and show invisible characters as «\\u202e»;
and the good sample file then imports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gkh_web.cli import main
from gkh_web.db.engine import session_scope
from gkh_web.domain.identifiers import MSG_INN_FORMAT, MSG_IPD_FORMAT
from gkh_web.domain.money import format_rubles
from gkh_web.services.data.payment_import import MAX_ABS_KOPECKS, import_payment_documents_file
from tests.db.conftest import IMPORT_TODAY
from tests.hostile.support import (
    CRLF,
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
    fullwidth,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "import" / "good" / "sample.json"
DOCUMENT = json.loads(SAMPLE.read_text(encoding="utf-8"))["payment_documents"][2]
"""ТСН «Берёзовая роща», лицевой счёт № БР-009 (by number, no ИЖКУ), октябрь 2026."""
DOC = "payment_documents[0]"
BEREZOVAYA = "ТСН «Берёзовая роща» (ИНН 7714670934)"
KINDS = "housing, communal, capital_repair, other"


class Raw(str):
    """A value written into the JSON text as is (NaN, 1e9, a 10 000-digit number)."""


def _hidden(code: str, position: int) -> str:
    return f"недопустимый невидимый или управляющий символ {code} (знак № {position})"


VALUE_CASES = [
    # amounts
    pytest.param("services[0].charged_kopecks", -100, "services[0].charged_kopecks",
                 "сумма не может быть отрицательной (-100)", id="negative-charge"),
    pytest.param("services[0].charged_kopecks", Raw("1e9"), "services[0].charged_kopecks",
                 "ожидается целое число копеек без десятичной точки (1E+9)", id="exponent-1e9"),
    pytest.param("total_kopecks", "1,2,3", "total_kopecks",
                 'ожидается целое число копеек, получена строка "1,2,3"', id="total-1,2,3"),
    pytest.param("services[0].to_pay_kopecks", Raw("0.001"), "services[0].to_pay_kopecks",
                 "дробные копейки недопустимы (0.001): суммы указываются целым числом копеек", id="tenth-of-a-kopeck"),
    pytest.param("total_kopecks", Raw("NaN"), "", "Файл не является JSON: значение NaN не допускается", id="nan"),
    pytest.param("total_kopecks", Raw("Infinity"), "", "Файл не является JSON: значение Infinity не допускается",
                 id="infinity"),
    pytest.param("paid_kopecks", Raw("-Infinity"), "", "Файл не является JSON: значение -Infinity не допускается",
                 id="minus-infinity"),
    pytest.param("total_kopecks", arabic("123"), "total_kopecks",
                 'ожидается целое число копеек, получена строка "١٢٣"', id="total-arabic-digits"),
    pytest.param("total_kopecks", fullwidth("123"), "total_kopecks",
                 'ожидается целое число копеек, получена строка "１２３"', id="total-fullwidth-digits"),
    pytest.param("total_kopecks", Raw("1" + "0" * 20), "total_kopecks",
                 f"сумма слишком большая: допускается не более {format_rubles(MAX_ABS_KOPECKS)}", id="total-1e20"),
    pytest.param("total_kopecks", Raw("9" * TEN_K), "", "Файл не является JSON: в нём слишком длинное число",
                 id="total-10k-digits"),
    pytest.param("services", [], "services", "список пуст: нужен хотя бы один элемент", id="no-services"),
    # identifiers
    pytest.param("provider_inn", SQL_OR, "provider_inn", f"{MSG_INN_FORMAT} (в файле: «{SQL_OR}»)", id="inn-sql-or"),
    pytest.param("provider_inn", arabic("7714670934"), "provider_inn",
                 f"{MSG_INN_FORMAT} (в файле: «{arabic('7714670934')}»)", id="inn-arabic-digits"),
    pytest.param("ipd", "77\u0393\u0395917330-01-1026", "ipd",
                 f"{MSG_IPD_FORMAT} (в файле: «77\u0393\u0395917330-01-1026»)", id="ipd-greek-look-alikes"),
    pytest.param("ipd", SCRIPT, "ipd", f"{MSG_IPD_FORMAT} (в файле: «{SCRIPT}»)", id="ipd-script"),
    pytest.param("ipd", "Х" * TEN_K, "ipd", f"{MSG_IPD_FORMAT} (в файле: «{'Х' * 40}…»)", id="ipd-10k"),
    pytest.param("ipd", RLO + "77ГЕ917330-01-1026", "ipd", _hidden("U+202E", 1), id="ipd-rtl-override"),
    pytest.param("izhku", "77ГЕ917330-01" + NUL, "izhku", _hidden("U+0000", 14), id="izhku-nul"),
    pytest.param("els", "77ГЕ91" + ZWSP + "7330", "els", _hidden("U+200B", 7), id="els-zero-width"),
    pytest.param("account_number", SQL_DROP, "account_number",
                 f"у поставщика {BEREZOVAYA} нет лицевого счёта № {SQL_DROP}", id="account-sql-drop"),
    pytest.param("account_number", "BP-009", "account_number",
                 f"у поставщика {BEREZOVAYA} нет лицевого счёта № BP-009", id="account-latin-look-alikes"),
    # text
    pytest.param("number", "БР-2026" + CRLF + "-10-009", "number", _hidden("U+000D", 8), id="number-crlf-inside"),
    pytest.param("services[0].service_name", "Х" * ONE_MB, "services[0].service_name",
                 "слишком длинное значение: не более 255 символов", id="service-name-1mb"),
    pytest.param("services[0].service_name", "Отоп" + NUL + "ление", "services[0].service_name",
                 _hidden("U+0000", 5), id="service-name-nul"),
    pytest.param("services[0].service_name", "Отопление" + RLO, "services[0].service_name",
                 _hidden("U+202E", 10), id="service-name-rtl-override"),
    pytest.param("services[0].unit", "м" + ZWSP + "²", "services[0].unit", _hidden("U+200B", 2), id="unit-zero-width"),
    pytest.param("services[0].service_kind", SCRIPT, "services[0].service_kind",
                 f"недопустимое значение '{SCRIPT}'; допустимые: {KINDS}", id="service-kind-script"),
    pytest.param("services[0].service_kind", "x" * ONE_MB, "services[0].service_kind",
                 f"недопустимое значение '{'x' * 40}…'; допустимые: {KINDS}", id="service-kind-1mb"),
    pytest.param("period.year", "2026; DROP TABLE payment_document;--", "period.year",
                 'ожидается целое число, получена строка "2026; DROP TABLE payment_document;--"', id="year-sql-drop"),
]


def _set(document: dict, path: str, value) -> None:
    """``services[0].unit`` → document["services"][0]["unit"] = value."""
    *parents, last = path.replace("[", ".").replace("]", "").split(".")
    target = document
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = "@@RAW@@" if isinstance(value, Raw) else value


def _file_with(path: str, value) -> bytes:
    document = json.loads(json.dumps(DOCUMENT))
    _set(document, path, value)
    text = json.dumps({"format": "gkh.payment-documents", "version": 1, "payment_documents": [document]},
                      ensure_ascii=False)
    return text.replace('"@@RAW@@"', value if isinstance(value, Raw) else '"@@RAW@@"').encode()


def _assert_refused_and_sample_still_imports(url: str, raw: bytes, path: str, message: str, tmp_path, capsys) -> None:
    before = app_snapshot(url)
    file = tmp_path / "hostile.json"
    file.write_bytes(raw)

    with session_scope(url) as session:
        result = import_payment_documents_file(session, file, today=IMPORT_TODAY)
    assert [(problem.path, problem.message) for problem in result.errors] == [(path, message)]
    assert result.created == 0 and len(message) < 300
    assert main(["import", str(file)]) == 1
    line = f"{path}: {message}" if path else message
    assert line in capsys.readouterr().err.splitlines()
    assert app_snapshot(url) == before

    assert main(["import", str(SAMPLE)]) == 0
    assert "Загружено 3 платёжных документа" in capsys.readouterr().out


@pytest.mark.parametrize(("field", "value", "path", "message"), VALUE_CASES)
def test_a_hostile_value_refuses_the_whole_file(demo_db, tmp_path, capsys, field, value, path, message):
    full_path = f"{DOC}.{path}" if path else ""
    _assert_refused_and_sample_still_imports(demo_db, _file_with(field, value), full_path, message, tmp_path, capsys)


FILE_CASES = [
    pytest.param(b" " * (11 * ONE_MB), "",
                 "Файл слишком большой: 11,0 МБ; допускается не более 10 МБ", id="11mb"),
    pytest.param(b"[" * 100_000, "", "Файл не является JSON: слишком глубокая вложенность", id="deep-nesting"),
    pytest.param('{"format": "gkh"}'.encode("utf-16"), "",
                 "Файл не в кодировке UTF-8: неверный байт 0xFF в строке 1 (байт № 1). "
                 "Сохраните файл в кодировке UTF-8",
                 id="utf-16"),
    pytest.param(b'{"format": "gkh\x00"}', "",
                 "Файл не является JSON: строка 1, столбец 16 (недопустимый управляющий символ в строке)",
                 id="raw-nul-in-string"),
    pytest.param(json.dumps({"format": SQL_OR, "version": 1, "payment_documents": [DOCUMENT]}).encode(), "format",
                 'ожидается "gkh.payment-documents": файл другого формата', id="format-sql-or"),
    pytest.param(f"<html>{SCRIPT}</html>".encode(), "",
                 "Файл не является JSON: строка 1, столбец 1 (ожидается значение)", id="html-file"),
]


@pytest.mark.parametrize(("raw", "path", "message"), FILE_CASES)
def test_a_hostile_file_is_refused_as_a_whole(demo_db, tmp_path, capsys, raw, path, message):
    _assert_refused_and_sample_still_imports(demo_db, raw, path, message, tmp_path, capsys)
