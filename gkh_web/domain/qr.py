"""Строка для QR-кода платежа по ГОСТ Р 56042-2014 («ST00012|Name=…|…»).

Bank apps scan this code on a квитанция and pre-fill the transfer. Layout and
limits follow design/domain.md §4: an 8-character header, the five mandatory
requisites in fixed order, then optional ``Key=Value`` pairs. ``Sum`` is in
kopecks, which fits the app's integer money.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gkh_web.domain.dates import format_period_numeric
from gkh_web.domain.identifiers import is_valid_kpp

FORMAT_ID = "ST"
VERSION = "0001"
CHARSET_UTF8 = "2"
SEPARATOR_CANDIDATES = "|#;:^_~{}!$%&()*+,/@"
TECH_CODE_HOUSING = "02"
"""TechCode 02 = «Коммунальные услуги (ЖКХ)»."""

MAX_NAME = 160
MAX_BANK_NAME = 45
MAX_CORRESP_ACC = 20
MAX_PURPOSE = 210
MAX_SUM_DIGITS = 18
MAX_MANDATORY_BYTES = 300

_KEY_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CONTROL_CHARS_RE = re.compile(r"[\r\n\t]+")


class QrPayloadError(ValueError):
    """The requisites cannot be put into a ГОСТ Р 56042 QR code (message in Russian)."""


@dataclass(frozen=True)
class PaymentRequisites:
    """Платёжные реквизиты получателя (поставщика услуг) for the QR code and the квитанция."""

    name: str
    personal_acc: str
    bank_name: str
    bic: str
    correspondent_acc: str
    payee_inn: str
    kpp: str | None = None


def gost_paym_period(year: int, month: int) -> str:
    """``PaymPeriod`` value «MMYYYY» (e.g. «112026»), the form common on ЖКУ bills."""
    return format_period_numeric(year, month).replace(".", "")


def gost_56042_payload(
    requisites: PaymentRequisites,
    *,
    sum_kopecks: int,
    purpose: str,
    pers_acc: str,
    paym_period: str | None = None,
    payer_last_name: str | None = None,
    payer_first_name: str | None = None,
    payer_middle_name: str | None = None,
    payer_address: str | None = None,
    extra: Mapping[str, str] | None = None,
    tech_code: str = TECH_CODE_HOUSING,
) -> str:
    """Build the QR text: header, mandatory requisites, then ЖКУ and payer fields.

    Empty optional values are left out. ``extra`` pairs go last, in the given
    order. Raises QrPayloadError (a ValueError) if a limit of the standard is
    broken, so a bad квитанция fails loudly instead of printing a code banks reject.
    """
    mandatory = _mandatory_fields(requisites)
    optional = _payment_fields(requisites, sum_kopecks, purpose, pers_acc, paym_period, tech_code)
    optional += _present(
        [
            ("LastName", payer_last_name),
            ("FirstName", payer_first_name),
            ("MiddleName", payer_middle_name),
            ("PayerAddress", payer_address),
        ]
    )
    optional += _extra_fields(extra, {key for key, _ in mandatory + optional})
    separator = _choose_separator([value for _, value in mandatory + optional])
    _check_mandatory_size(mandatory, separator)
    header = FORMAT_ID + VERSION + CHARSET_UTF8 + separator
    return header + separator.join(f"{key}={value}" for key, value in mandatory + optional)


def _clean(value: str | None) -> str:
    """Trim and turn line breaks/tabs into spaces: a QR payload is a single line."""
    return _CONTROL_CHARS_RE.sub(" ", value or "").strip()


def _present(pairs: Sequence[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """Keep only the pairs whose cleaned value is not empty."""
    cleaned = [(key, _clean(value)) for key, value in pairs]
    return [(key, value) for key, value in cleaned if value]


def _mandatory_fields(requisites: PaymentRequisites) -> list[tuple[str, str]]:
    """Name, PersonalAcc, BankName, BIC, CorrespAcc — checked against the standard."""
    name = _clean(requisites.name)
    bank_name = _clean(requisites.bank_name)
    correspondent = _clean(requisites.correspondent_acc) or "0"
    _require(0 < len(name) <= MAX_NAME, f"Наименование получателя — от 1 до {MAX_NAME} символов")
    _require(_is_digits(requisites.personal_acc, 20), "Счёт получателя — 20 цифр")
    _require(
        0 < len(bank_name) <= MAX_BANK_NAME, f"Название банка — от 1 до {MAX_BANK_NAME} символов"
    )
    _require(_is_digits(requisites.bic, 9), "БИК банка получателя — 9 цифр")
    _require(
        _is_digits(correspondent) and len(correspondent) <= MAX_CORRESP_ACC,
        "Корреспондентский счёт — до 20 цифр (0, если его нет)",
    )
    return [
        ("Name", name),
        ("PersonalAcc", requisites.personal_acc),
        ("BankName", bank_name),
        ("BIC", requisites.bic),
        ("CorrespAcc", correspondent),
    ]


def _payment_fields(
    requisites: PaymentRequisites,
    sum_kopecks: int,
    purpose: str,
    pers_acc: str,
    paym_period: str | None,
    tech_code: str,
) -> list[tuple[str, str]]:
    """PayeeINN, KPP, Sum, Purpose, PersAcc, PaymPeriod, TechCode in the fixture's order."""
    inn = requisites.payee_inn
    _require(_is_digits(inn, 10) or _is_digits(inn, 12), "ИНН получателя — 10 или 12 цифр")
    kpp = _clean(requisites.kpp)
    _require(not kpp or is_valid_kpp(kpp), "КПП получателя — 9 знаков")
    purpose_text = _clean(purpose)
    _require(
        0 < len(purpose_text) <= MAX_PURPOSE, f"Назначение платежа — от 1 до {MAX_PURPOSE} символов"
    )
    _require(bool(_clean(pers_acc)), "Укажите номер лицевого счёта плательщика")
    _require(_is_digits(tech_code, 2), "Технический код — 2 цифры, например 02")
    fields: list[tuple[str, str | None]] = [("PayeeINN", inn), ("KPP", kpp), ("Sum", _sum_text(sum_kopecks))]
    fields += [("Purpose", purpose_text), ("PersAcc", pers_acc), ("PaymPeriod", paym_period)]
    return _present([*fields, ("TechCode", tech_code)])


def _sum_text(sum_kopecks: int) -> str:
    """``Sum`` is whole kopecks written with digits only, at most 18 of them."""
    if isinstance(sum_kopecks, bool) or not isinstance(sum_kopecks, int):
        raise TypeError(f"Сумма для QR-кода — целое число копеек, получено {sum_kopecks!r}")
    _require(sum_kopecks >= 0, "Сумма для QR-кода не может быть отрицательной")
    text = str(sum_kopecks)
    _require(len(text) <= MAX_SUM_DIGITS, "Сумма для QR-кода слишком большая")
    return text


def _extra_fields(extra: Mapping[str, str] | None, used: set[str]) -> list[tuple[str, str]]:
    """Additional requisites (e.g. ``ServiceName``); keys are ASCII and may not repeat."""
    pairs = list((extra or {}).items())
    for key, _ in pairs:
        _require(_KEY_RE.fullmatch(key) is not None, f"Недопустимое имя реквизита QR-кода: {key!r}")
        _require(key not in used, f"Реквизит {key} указан дважды")
    return _present(pairs)


def _choose_separator(values: list[str]) -> str:
    """First candidate (``|`` normally) that occurs in no value, as the standard requires."""
    for candidate in SEPARATOR_CANDIDATES:
        if not any(candidate in value for value in values):
            return candidate
    raise QrPayloadError("Реквизиты содержат все допустимые разделители QR-кода")


def _check_mandatory_size(mandatory: list[tuple[str, str]], separator: str) -> None:
    """The five mandatory requisites must fit in 300 bytes of UTF-8."""
    block = separator.join(f"{key}={value}" for key, value in mandatory)
    _require(
        len(block.encode("utf-8")) <= MAX_MANDATORY_BYTES,
        "Обязательные реквизиты не помещаются в QR-код: сократите наименования",
    )


def parse_gost_56042_payload(payload: str) -> dict[str, str]:
    """Split a ГОСТ Р 56042 string back into ``{key: value}`` (for tests and the sandbox bank)."""
    _require(len(payload) >= 8 and payload.startswith(FORMAT_ID + VERSION), "Это не QR-код платежа")
    separator = payload[7]
    result: dict[str, str] = {}
    for part in payload[8:].split(separator):
        if part:
            key, _, value = part.partition("=")
            result[key] = value
    return result


def _is_digits(text: str | None, length: int | None = None) -> bool:
    """ASCII digits only, optionally of an exact length."""
    if not text or re.fullmatch(r"[0-9]+", text) is None:
        return False
    return length is None or len(text) == length


def _require(condition: bool, message: str) -> None:
    """Raise QrPayloadError with a Russian message when a rule of the standard is broken."""
    if not condition:
        raise QrPayloadError(message)
