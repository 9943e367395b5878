"""Regenerate tests/data/import/bad/*.json from good/sample.json: one mistake (family) per file.

Run from the repository root after changing the format or the sample:
    .venv/bin/python tests/data/import/make_bad_files.py
The expected messages live in tests/db/test_import.py. The 20 MB file is not
here: the test writes it into a temporary folder.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "good" / "sample.json"


def _raw(number: str) -> str:
    """A JSON number kept exactly as written (52.40 stays 52.40) through load and dump."""
    return f"RAW:{number}"


def _load() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"), parse_float=_raw)


def _dump(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return re.sub(r'"RAW:([-0-9.]+)"', r"\1", text) + "\n"


def wrong_types(data: dict) -> None:
    first = data["payment_documents"][0]
    first["total_kopecks"] = "631301"  # a string where an integer is expected
    first["provider_inn"] = 7714670934  # a number where a string is expected
    first["period"]["year"] = "2026"
    first["services"][0]["volume"] = "52.40"


def missing_fields(data: dict) -> None:
    first = data["payment_documents"][0]
    del first["ipd"], first["total_kopecks"]
    del first["services"][1]["service_name"]


def negative_amounts(data: dict) -> None:
    first = data["payment_documents"][0]
    first["services"][0]["charged_kopecks"] = -191260
    first["services"][1]["benefit_kopecks"] = -500
    first["penalties_kopecks"] = -100
    first["paid_kopecks"] = -1


def fractional_kopecks(data: dict) -> None:
    data["payment_documents"][0]["services"][0]["charged_kopecks"] = _raw("1912.60")
    data["payment_documents"][1]["debt_or_advance_kopecks"] = _raw("-150.5")


def lines_do_not_add_up(data: dict) -> None:
    data["payment_documents"][0]["services"][2]["to_pay_kopecks"] += 100
    data["payment_documents"][2]["total_kopecks"] += 1


def bad_inn(data: dict) -> None:
    data["payment_documents"][0]["provider_inn"] = "7714670935"  # wrong check digit
    data["payment_documents"][1]["provider_inn"] = "77146709"  # too short


def bad_els_izhku(data: dict) -> None:
    data["payment_documents"][0]["els"] = "77ЛН60221"
    data["payment_documents"][1]["izhku"] = "77ЛН602214-1"


def bad_ipd(data: dict) -> None:
    data["payment_documents"][0]["ipd"] = "77ЛН602214-01-926"
    data["payment_documents"][2]["ipd"] = "77ЛН602214-01-1026x"


def duplicate_ipd_in_file(data: dict) -> None:
    data["payment_documents"].append(copy.deepcopy(data["payment_documents"][1]))
    data["payment_documents"][3]["number"] = "БР-2026-10-006-копия"


def duplicate_ipd_in_db(data: dict) -> None:
    """The demo set already has ООО «УК «Рассвет»»'s октябрь 2026 document for 77АБ123456-01."""
    document = data["payment_documents"][0]
    document["provider_inn"] = "7718012340"
    document["ipd"] = "77АБ123456-01-1026"
    document["izhku"] = "77АБ123456-01"
    document["els"] = "77АБ123456"
    document["number"] = "ПД-2026-10-999999"
    document["period"] = {"year": 2026, "month": 10}
    document["issue_date"], document["due_date"] = "2026-11-01", "2026-11-15"
    data["payment_documents"] = [document]


def unknown_account(data: dict) -> None:
    data["payment_documents"][0]["izhku"] = "77ЛН999999-01"
    data["payment_documents"][0]["els"] = "77ЛН999999"
    data["payment_documents"][0]["ipd"] = "77ЛН999999-01-0926"
    data["payment_documents"][2]["account_number"] = "БР-404"
    # ИЖКУ of ООО «УК «Рассвет»» (Иванов) in a document of ТСН «Берёзовая роща»
    data["payment_documents"][1]["izhku"] = "77АБ123456-01"
    data["payment_documents"][1]["ipd"] = "77АБ123456-01-0125"
    del data["payment_documents"][1]["account_number"]


def wrong_format(data: dict) -> None:
    data["format"] = "gkh.payments"
    data["version"] = 2


MUTATIONS: dict[str, Callable[[dict], None]] = {
    name: function for name, function in globals().items()
    if callable(function) and getattr(function, "__module__", None) == __name__ and not name.startswith("_")
    and name not in ("main",)
}


def main() -> None:
    for name, mutate in MUTATIONS.items():
        data = _load()
        mutate(data)
        (HERE / "bad" / f"{name}.json").write_text(_dump(data), encoding="utf-8")
    (HERE / "bad" / "not_json.json").write_text(_dump(_load()).replace('"version": 1,', '"version": 1', 1), encoding="utf-8")
    (HERE / "bad" / "cp1251.json").write_bytes(_dump(_load()).encode("cp1251", errors="replace"))


if __name__ == "__main__":
    main()
