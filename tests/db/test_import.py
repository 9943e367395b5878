"""Import of payment documents: every bad file is refused with its Russian message and JSON path,
through the service and the ``gkh`` command, and leaves the database exactly as it was."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, select

from gkh_web.cli import main
from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.models import PaymentDocument, PersonalAccount, ServiceLine
from gkh_web.services.data.payment_import import import_payment_documents, import_payment_documents_file, json_path
from tests.db.conftest import IMPORT_TODAY, snapshot

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
SAMPLE = DATA / "good" / "sample.json"

BAD_FILES: dict[str, list[tuple[str, str]]] = {
    "not_json.json": [("", "Файл не является JSON: строка 4, столбец 3 (ожидается запятая)")],
    "cp1251.json": [("", "Файл не в кодировке UTF-8: неверный байт 0xCB в строке 7")],
    "wrong_format.json": [
        ("format", 'ожидается "gkh.payment-documents": файл другого формата'),
        ("version", "версия формата 2 не поддерживается; поддерживается версия 1"),
    ],
    "wrong_types.json": [
        ("payment_documents[0].provider_inn", "ожидается строка, получено число 7714670934"),
        ("payment_documents[0].period.year", 'ожидается целое число, получена строка "2026"'),
        ("payment_documents[0].total_kopecks", 'ожидается целое число копеек, получена строка "631301"'),
        ("payment_documents[0].services[0].volume",
         'ожидается число без кавычек, например 12.345, получена строка "52.40"'),
    ],
    "missing_fields.json": [
        ("payment_documents[0].ipd", "обязательное поле не заполнено"),
        ("payment_documents[0].total_kopecks", "обязательное поле не заполнено"),
        ("payment_documents[0].services[1].service_name", "обязательное поле не заполнено"),
    ],
    "negative_amounts.json": [
        ("payment_documents[0].services[0].charged_kopecks", "сумма не может быть отрицательной (-191260)"),
        ("payment_documents[0].services[1].benefit_kopecks", "сумма не может быть отрицательной (-500)"),
        ("payment_documents[0].penalties_kopecks", "сумма не может быть отрицательной (-100)"),
        ("payment_documents[0].paid_kopecks", "сумма не может быть отрицательной (-1)"),
    ],
    "fractional_kopecks.json": [
        ("payment_documents[0].services[0].charged_kopecks", "дробные копейки недопустимы (1912.60)"),
        ("payment_documents[1].debt_or_advance_kopecks", "дробные копейки недопустимы (-150.5)"),
    ],
    "lines_do_not_add_up.json": [
        ("payment_documents[0].services[2].to_pay_kopecks",
         "Строка не сходится: начислено 1\u00a0410,60\u00a0₽ + перерасчёт 0,00\u00a0₽ − льгота 0,00\u00a0₽"
         " ≠ к оплате 1\u00a0411,60\u00a0₽"),
        ("payment_documents[2].total_kopecks",
         "итого 10\u00a0318,43\u00a0₽ не сходится: услуги 7\u00a0799,67\u00a0₽ + задолженность/аванс"
         " 2\u00a0500,00\u00a0₽ + пени 18,75\u00a0₽ = 10\u00a0318,42\u00a0₽"),
    ],
    "bad_inn.json": [
        ("payment_documents[0].provider_inn", "Неверное контрольное число ИНН (в файле: «7714670935»)"),
        ("payment_documents[1].provider_inn", "ИНН должен состоять из 10 или 12 цифр (в файле: «77146709»)"),
    ],
    "bad_els_izhku.json": [
        ("payment_documents[0].els", "ЕЛС — 10 знаков: 2 цифры, 2 буквы, 6 цифр"),
        ("payment_documents[1].izhku", "Идентификатор ЖКУ — 13 знаков: ЕЛС, дефис и 2 цифры"),
    ],
    "bad_ipd.json": [
        ("payment_documents[0].ipd", "Идентификатор платёжного документа — 18 знаков"),
        ("payment_documents[2].ipd", "(в файле: «77ЛН602214-01-1026x»)"),
    ],
    "duplicate_ipd_in_file.json": [
        ("payment_documents[3].ipd", "ИПД 77ЛН602214-01-1026 повторяется: он уже есть в payment_documents[1]"),
    ],
    "duplicate_ipd_in_db.json": [
        ("payment_documents[0].ipd", "платёжный документ с ИПД 77АБ123456-01-1026 уже загружен"),
    ],
    "unknown_account.json": [
        ("payment_documents[0].izhku", "лицевой счёт с ИЖКУ 77ЛН999999-01 не найден"),
        ("payment_documents[1].izhku",
         "лицевой счёт с ИЖКУ 77АБ123456-01 ведёт другой поставщик, не ТСН «Берёзовая роща» (ИНН 7714670934)"),
        ("payment_documents[2].account_number",
         "у поставщика ТСН «Берёзовая роща» (ИНН 7714670934) нет лицевого счёта № БР-404"),
    ],
}


def test_every_bad_file_has_a_case():
    assert {path.name for path in (DATA / "bad").glob("*.json")} == set(BAD_FILES)


def rendered(path: str, message: str) -> str:
    return f"{path}: {message}" if path else message


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_with_every_error_and_nothing_written(name, demo_db, capsys):
    before = snapshot(demo_db)

    with session_scope(demo_db) as session:
        result = import_payment_documents_file(session, DATA / "bad" / name, today=IMPORT_TODAY)
    assert result.created == 0 and not result.ok
    for path, message in BAD_FILES[name]:
        assert any(problem.path == path and message in problem.message for problem in result.errors), (
            f"нет ошибки {path}: {message}; есть: {[str(problem) for problem in result.errors]}")
    assert len(result.errors) == len(BAD_FILES[name]), [str(problem) for problem in result.errors]

    assert main(["import", str(DATA / "bad" / name)]) == 1
    stderr = capsys.readouterr().err
    for path, message in BAD_FILES[name]:
        assert any(line.startswith(rendered(path, "")) and message in line for line in stderr.splitlines()), stderr

    assert snapshot(demo_db) == before


def test_twenty_megabyte_file_is_refused_before_reading(demo_db, tmp_path, capsys):
    before = snapshot(demo_db)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(20 * 1024 * 1024)

    with session_scope(demo_db) as session:
        result = import_payment_documents_file(session, huge, today=IMPORT_TODAY)
    assert [str(problem) for problem in result.errors] == [
        "Файл слишком большой: 20,0 МБ; допускается не более 10 МБ"]
    assert main(["import", str(huge)]) == 1
    assert "Файл слишком большой: 20,0 МБ; допускается не более 10 МБ" in capsys.readouterr().err
    assert snapshot(demo_db) == before


def test_real_gkh_command_reports_errors_and_exits_with_1(demo_db):
    before = snapshot(demo_db)
    gkh = Path(sys.executable).with_name("gkh")
    completed = subprocess.run(
        [str(gkh), "import", str(DATA / "bad" / "duplicate_ipd_in_db.json")], capture_output=True, text=True,
    )
    assert completed.returncode == 1
    assert "Файл не загружен, в базу ничего не записано. Найдено ошибок: 1" in completed.stderr
    assert ("payment_documents[0].ipd: платёжный документ с ИПД 77АБ123456-01-1026 уже загружен"
            in completed.stderr.splitlines())
    assert snapshot(demo_db) == before


def test_good_file_is_imported_and_its_documents_appear(demo_db, capsys):
    before = snapshot(demo_db)
    assert main(["import", str(SAMPLE)]) == 0
    assert "Загружено 3 платёжных документа" in capsys.readouterr().out

    after = snapshot(demo_db)
    assert after["counts"]["payment_document"] == before["counts"]["payment_document"] + 3
    assert after["counts"]["service_line"] == before["counts"]["service_line"] + 15
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"), parse_float=Decimal)
    with Session(get_engine(demo_db)) as session:
        for expected in sample["payment_documents"]:
            document = session.exec(select(PaymentDocument).where(PaymentDocument.ipd == expected["ipd"])).one()
            assert document.total_kopecks == expected["total_kopecks"]
            assert document.paid_kopecks == expected.get("paid_kopecks", 0)
            account = session.get(PersonalAccount, document.personal_account_id)
            assert document.ipd.startswith(account.izhku)
            lines = session.exec(select(ServiceLine).where(ServiceLine.payment_document_id == document.id)
                                 .order_by(ServiceLine.position)).all()
            assert [line.to_pay_kopecks for line in lines] == [line["to_pay_kopecks"] for line in expected["services"]]
            assert [line.volume for line in lines] == [line["volume"] for line in expected["services"]]
            assert [line.tariff for line in lines] == [line["tariff"] for line in expected["services"]]
        defaulted = session.exec(select(PaymentDocument).where(PaymentDocument.ipd == "77ЛН602214-01-1026")).one()
        assert (str(defaulted.issue_date), str(defaulted.due_date)) == ("2026-11-01", "2026-11-15")

    assert main(["import", str(SAMPLE)]) == 1, "the same file twice: every ИПД is already loaded"
    assert snapshot(demo_db) == after


def test_import_into_unmigrated_database_is_refused(empty_db, capsys):
    assert main(["import", str(SAMPLE)]) == 1
    assert "выполните «gkh db upgrade»" in capsys.readouterr().err


def test_future_period_and_paid_over_total_are_refused(demo_db):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    first = data["payment_documents"][0]
    first["paid_kopecks"] = first["total_kopecks"] + 1
    data["payment_documents"] = [first]
    raw = json.dumps(data, ensure_ascii=False).encode()
    with session_scope(demo_db) as session:
        result = import_payment_documents(session, raw, today=date(2026, 8, 31))
    assert [str(problem) for problem in result.errors] == [
        "payment_documents[0].period: расчётный период сентябрь 2026 ещё не наступил",
        "payment_documents[0].paid_kopecks: оплачено 6\u00a0313,02\u00a0₽ — "
        "больше, чем итого к оплате 6\u00a0313,01\u00a0₽",
    ]


@pytest.mark.parametrize("argv", [["import"], ["demo", "--as-of", "25.11.2026"], ["frobnicate"], []])
def test_usage_errors_exit_with_2(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_json_path_rendering():
    assert json_path(("payment_documents", 2, "services", 0, "to_pay_kopecks")) == (
        "payment_documents[2].services[0].to_pay_kopecks")
    assert json_path(()) == ""


def test_example_in_the_format_documentation_imports(demo_db):
    text = (Path(__file__).resolve().parents[2] / "docs" / "import-format.md").read_text(encoding="utf-8")
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    with session_scope(demo_db) as session:
        result = import_payment_documents(session, example.encode(), today=IMPORT_TODAY)
    assert result.ok and result.created == 1, [str(problem) for problem in result.errors]
