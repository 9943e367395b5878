"""Import of providers' payment documents from a JSON file (format «gkh.payment-documents», version 1).

The format is described in docs/import-format.md. A file is all-or-nothing:
every problem is collected (not only the first), each with its JSON path such
as ``payment_documents[2].services[0].to_pay_kopecks`` and a plain-Russian
message, and nothing is written while any problem remains. The checks run in
three layers, cheapest first:

1. the bytes: size, UTF-8, JSON syntax (one message, nothing else is checked);
2. the shape: pydantic v2 models in strict mode (an amount written as the
   string "100" or as 1234.5 is an error, not silently converted);
3. the meaning: identifiers and their checksums, amounts that add up,
   references to providers and accounts that exist, no ИПД loaded twice.

No Reflex here: the ``gkh import`` command runs this without the web app.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError
from sqlmodel import Session, select

from gkh_web.db.models import (
    SERVICE_KINDS,
    PaymentDocument,
    PersonalAccount,
    ProviderOrganisation,
    ServiceLine,
    stored_id,
)
from gkh_web.domain.charges import ChargeError, check_service_line, document_total
from gkh_web.domain.dates import due_date, format_period, issue_date
from gkh_web.domain.identifiers import (
    IdentifierError,
    normalize_account_number,
    normalize_els,
    normalize_ipd,
    normalize_izhku,
    validate_inn,
)
from gkh_web.domain.money import format_rubles
from gkh_web.domain.text import character_code, hidden_character, shown_value

FORMAT_NAME = "gkh.payment-documents"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ABS_KOPECKS = 9_999_999_999
"""99 999 999,99 ₽: the range of amounts in the ГИС ЖКХ schema."""
MAX_SERVICES_PER_DOCUMENT = 100


# --- Result ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file: where (JSON path, "" for the whole file) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True)
class ImportResult:
    """What happened: documents written (0 when there is any problem) and every problem found."""

    created: int = 0
    errors: tuple[ImportProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def _failed(*problems: ImportProblem) -> ImportResult:
    return ImportResult(created=0, errors=tuple(problems))


# --- Shape: pydantic models ------------------------------------------------------------


def _exact_number(value: Any) -> Decimal:
    """Volumes and tariffs are JSON numbers, read exactly (the parser yields Decimal, never float)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise PydanticCustomError(
            "number_type", "ожидается число без кавычек, например 12.345, {received}", {"received": _describe(value)}
        )
    return Decimal(value)


def _iso_date(value: Any) -> date:
    """Dates are strings «ГГГГ-ММ-ДД»; anything else is refused with a readable message."""
    if not isinstance(value, str) or len(value) != 10:
        raise PydanticCustomError(
            "date_format", "ожидается дата в формате ГГГГ-ММ-ДД, {received}", {"received": _describe(value)}
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_value", "такой даты нет в календаре") from None


def _plain_text(value: str) -> str:
    """No NUL, line break, zero-width space or bidi override inside a one-line field."""
    char = hidden_character(value)
    if char is not None:
        raise PydanticCustomError(
            "hidden_character", "недопустимый невидимый или управляющий символ {code} (знак № {position})",
            {"code": character_code(char), "position": value.index(char) + 1},
        )
    return value


Text = Annotated[str, AfterValidator(_plain_text)]
Kopecks = Annotated[int, Field(ge=-MAX_ABS_KOPECKS, le=MAX_ABS_KOPECKS)]
NonNegativeKopecks = Annotated[int, Field(ge=0, le=MAX_ABS_KOPECKS)]
Volume = Annotated[Decimal, BeforeValidator(_exact_number), Field(ge=0, max_digits=14, decimal_places=4)]
Tariff = Annotated[Decimal, BeforeValidator(_exact_number), Field(ge=0, max_digits=12, decimal_places=4)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
ServiceKind = Literal["housing", "communal", "capital_repair", "other"]
assert set(get_args(ServiceKind)) == set(SERVICE_KINDS)


class StrictModel(BaseModel):
    """No type coercion, no unknown fields, surrounding spaces trimmed from strings."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class ServiceLineIn(StrictModel):
    service_name: Text = Field(min_length=1, max_length=255)
    service_kind: ServiceKind
    unit: Text = Field(min_length=1, max_length=20)
    volume: Volume | None = None
    tariff: Tariff | None = None
    charged_kopecks: NonNegativeKopecks
    recalculation_kopecks: Kopecks = 0
    benefit_kopecks: NonNegativeKopecks = 0
    to_pay_kopecks: Kopecks


class PeriodIn(StrictModel):
    year: int = Field(ge=2000, le=2099)
    month: int = Field(ge=1, le=12)


class PaymentDocumentIn(StrictModel):
    provider_inn: Text
    ipd: Text
    number: Text = Field(min_length=1, max_length=30)
    izhku: Text | None = None
    account_number: Text | None = None
    els: Text | None = None
    period: PeriodIn
    issue_date: IsoDate | None = None
    due_date: IsoDate | None = None
    debt_or_advance_kopecks: Kopecks = 0
    penalties_kopecks: NonNegativeKopecks = 0
    total_kopecks: Kopecks
    paid_kopecks: NonNegativeKopecks = 0
    services: list[ServiceLineIn] = Field(min_length=1, max_length=MAX_SERVICES_PER_DOCUMENT)


class ImportFileIn(StrictModel):
    """The envelope; documents are validated one by one so each gets its own errors."""

    format: Literal["gkh.payment-documents"]
    version: Literal[1]
    payment_documents: list[Any] = Field(min_length=1)


# --- Shape: pydantic errors in Russian ---------------------------------------------------


def json_path(location: Iterable[str | int]) -> str:
    """('payment_documents', 2, 'services', 0, 'to_pay_kopecks') → payment_documents[2].services[0].to_pay_kopecks."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _describe(value: Any) -> str:
    """How a received JSON value is named in a message («получена строка "100"»)."""
    if value is None:
        return "получено null"
    if isinstance(value, bool):
        return f"получено логическое значение {'true' if value else 'false'}"
    if isinstance(value, (int, Decimal)):
        return f"получено число {value}"
    if isinstance(value, str):
        return f'получена строка "{shown_value(value)}"'
    if isinstance(value, list):
        return "получен список"
    if isinstance(value, dict):
        return "получен объект"
    return f"получено {value!r}"


def _kopecks_type_message(value: Any) -> str:
    """A kopeck amount that is not an integer: name the usual mistakes plainly."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"дробные копейки недопустимы ({value}): суммы указываются целым числом копеек"
    if isinstance(value, Decimal):
        return f"ожидается целое число копеек без десятичной точки ({value})"
    return f"ожидается целое число копеек, {_describe(value)}"


def _translate(error: ErrorDetails) -> str:
    """A pydantic error as a short Russian message for a provider's accountant."""
    kind, value, context = error["type"], error.get("input"), error.get("ctx") or {}
    field_name = next((part for part in reversed(error["loc"]) if isinstance(part, str)), "")
    is_kopecks = field_name.endswith("_kopecks")
    if kind == "missing":
        return "обязательное поле не заполнено"
    if kind == "extra_forbidden":
        return "неизвестное поле"
    if kind == "int_type":
        return _kopecks_type_message(value) if is_kopecks else f"ожидается целое число, {_describe(value)}"
    if kind == "string_type":
        hint = " — возьмите значение в кавычки" if isinstance(value, (int, Decimal)) else ""
        return f"ожидается строка, {_describe(value)}{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"ожидается объект {{…}}, {_describe(value)}"
    if kind == "list_type":
        return f"ожидается список […], {_describe(value)}"
    if kind == "literal_error":
        return _literal_message(field_name, value, context)
    if kind == "greater_than_equal":
        if is_kopecks and context.get("ge") == 0:
            return f"сумма не может быть отрицательной ({value})"
        return f"значение должно быть не меньше {context.get('ge')}, {_describe(value)}"
    if kind == "less_than_equal":
        if is_kopecks:
            return f"сумма слишком большая: допускается не более {format_rubles(MAX_ABS_KOPECKS)}"
        return f"значение должно быть не больше {context.get('le')}, {_describe(value)}"
    if kind == "string_too_short":
        return "поле не должно быть пустым"
    if kind == "string_too_long":
        return f"слишком длинное значение: не более {context.get('max_length')} символов"
    if kind == "too_short":
        return "список пуст: нужен хотя бы один элемент"
    if kind == "too_long":
        return f"слишком много элементов: не более {context.get('max_length')}"
    if kind == "decimal_max_places":
        return f"слишком много знаков после точки: не более {context.get('decimal_places')}"
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return "слишком большое число"
    if kind in ("number_type", "date_format", "date_value", "hidden_character"):
        return error["msg"]
    return f"неверное значение ({error['msg']})"


def _literal_message(field_name: str, value: Any, context: dict) -> str:
    """Wrong format name, unsupported version, or an unknown service kind."""
    if field_name == "format":
        return f'ожидается "{FORMAT_NAME}": файл другого формата'
    if field_name == "version":
        return f"версия формата {_literal(value)} не поддерживается; поддерживается версия {FORMAT_VERSION}"
    allowed = str(context.get("expected", "")).replace(" or ", ", ").replace("'", "")
    return f"недопустимое значение {_literal(value)}; допустимые: {allowed}"


def _literal(value: Any) -> str:
    """A received value as ``repr`` shows it, but a long or invisible-laden string shortened and escaped."""
    return f"'{shown_value(value)}'" if isinstance(value, str) else shown_value(repr(value))


def validation_problems(error: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[ImportProblem]:
    return [ImportProblem(json_path(prefix + tuple(item["loc"])), _translate(item)) for item in error.errors()]


# --- Bytes ---------------------------------------------------------------------------------


def size_problem(size: int) -> ImportProblem | None:
    """Refuse big files before reading them: «Файл слишком большой: 20,0 МБ; допускается не более 10 МБ»."""
    if size <= MAX_FILE_BYTES:
        return None
    megabytes = (Decimal(size) / (1024 * 1024)).quantize(Decimal("0.1"), rounding=ROUND_CEILING)
    limit = MAX_FILE_BYTES // (1024 * 1024)
    shown = str(megabytes).replace(".", ",")
    return ImportProblem("", f"Файл слишком большой: {shown} МБ; допускается не более {limit} МБ")


_JSON_MESSAGES = {
    "Expecting value": "ожидается значение",
    "Expecting property name enclosed in double quotes": "ожидается имя поля в двойных кавычках",
    "Expecting ',' delimiter": "ожидается запятая",
    "Expecting ':' delimiter": "ожидается двоеточие",
    "Unterminated string starting at": "строка не закрыта кавычкой",
    "Extra data": "лишние данные после конца JSON",
    "Invalid control character at": "недопустимый управляющий символ в строке",
    "Invalid \\escape": "неверная escape-последовательность",
    "Illegal trailing comma before end of object": "лишняя запятая перед }",
    "Illegal trailing comma before end of array": "лишняя запятая перед ]",
}


class _ForbiddenConstant(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: valid for Python's parser, not for money."""


def _reject_constant(name: str) -> None:
    raise _ForbiddenConstant(name)


def parse_json_bytes(raw: bytes) -> tuple[Any, ImportProblem | None]:
    """Decode UTF-8 (a BOM is allowed) and parse JSON with exact decimals; or say what is wrong."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, ImportProblem(
            "", f"Файл не в кодировке UTF-8: неверный байт 0x{raw[error.start]:02X} в строке {line}"
            f" (байт № {error.start + 1}). Сохраните файл в кодировке UTF-8"
        )
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant), None
    except json.JSONDecodeError as error:
        reason = _JSON_MESSAGES.get(error.msg, error.msg)
        return None, ImportProblem(
            "", f"Файл не является JSON: строка {error.lineno}, столбец {error.colno} ({reason})"
        )
    except _ForbiddenConstant as error:
        return None, ImportProblem("", f"Файл не является JSON: значение {error} не допускается")
    except ValueError:  # Python refuses integers of more than 4300 digits (sys.get_int_max_str_digits)
        return None, ImportProblem("", "Файл не является JSON: в нём слишком длинное число")
    except RecursionError:
        return None, ImportProblem("", "Файл не является JSON: слишком глубокая вложенность")


# --- Meaning ----------------------------------------------------------------------------------


@dataclass
class _PreparedDocument:
    """A document that passed every check, ready to insert."""

    row: PaymentDocument
    lines: list[dict]


@dataclass
class _Checker:
    """Domain checks of parsed documents, with the look-ups they need cached per file."""

    session: Session
    today: date
    problems: list[ImportProblem] = field(default_factory=list)
    ipd_seen: dict[str, str] = field(default_factory=dict)
    number_seen: dict[tuple, str] = field(default_factory=dict)
    providers: dict[str, ProviderOrganisation | None] = field(default_factory=dict)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(ImportProblem(path, message))

    def identifier(self, path: str, value: str | None, normalize) -> str | None:
        """Normalise an identifier; on failure record its message (with the value) and return None."""
        if value is None:
            return None
        try:
            return normalize(value)
        except IdentifierError as error:
            self.problem(path, f"{error} (в файле: «{shown_value(value)}»)")
            return None

    def provider(self, path: str, inn_text: str) -> ProviderOrganisation | None:
        inn = self.identifier(f"{path}.provider_inn", inn_text, validate_inn)
        if inn is None:
            return None
        if inn not in self.providers:
            self.providers[inn] = self.session.exec(
                select(ProviderOrganisation).where(ProviderOrganisation.inn == inn)
            ).first()
        if self.providers[inn] is None:
            self.problem(f"{path}.provider_inn", f"поставщик с ИНН {inn} не зарегистрирован в системе")
        return self.providers[inn]

    def check(self, path: str, document: PaymentDocumentIn) -> _PreparedDocument | None:
        """All domain checks of one document; returns it ready to insert if nothing is wrong."""
        before = len(self.problems)
        provider = self.provider(path, document.provider_inn)
        ipd = self.identifier(f"{path}.ipd", document.ipd, normalize_ipd)
        account = self.account(path, document, provider)
        ipd_is_new = ipd is not None and self.check_ipd(path, ipd, account)
        if account is not None and ipd_is_new:
            self.check_number(path, document, account)
        issued, due = self.check_dates(path, document)
        lines = self.check_lines(path, document.services)
        if lines is not None:
            self.check_totals(path, document, lines)
        if len(self.problems) > before:
            return None
        assert ipd is not None and account is not None and lines is not None, "each None came with its problem"
        row = PaymentDocument(
            ipd=ipd, number=document.number, personal_account_id=stored_id(account),
            period_year=document.period.year, period_month=document.period.month,
            issue_date=issued, due_date=due, debt_or_advance_kopecks=document.debt_or_advance_kopecks,
            penalties_kopecks=document.penalties_kopecks, total_kopecks=document.total_kopecks,
            paid_kopecks=document.paid_kopecks, status="issued",
        )
        return _PreparedDocument(row, lines)

    def account(
        self, path: str, document: PaymentDocumentIn, provider: ProviderOrganisation | None
    ) -> PersonalAccount | None:
        """The referenced personal account: by ИЖКУ and/or by the provider's account number."""
        izhku = self.identifier(f"{path}.izhku", document.izhku, normalize_izhku)
        number = self.identifier(f"{path}.account_number", document.account_number, normalize_account_number)
        els = self.identifier(f"{path}.els", document.els, normalize_els)
        if document.izhku is None and document.account_number is None:
            self.problem(path, "не указан лицевой счёт: заполните izhku или account_number")
            return None
        if provider is None:
            return None
        account = self.account_by_izhku(path, izhku, provider) if izhku else None
        if number is not None and (izhku is None or account is not None):
            account = self.account_by_number(path, number, provider, account)
        if account is not None and els is not None and els != account.els:
            self.problem(f"{path}.els", f"ЕЛС {els} не совпадает с ЕЛС лицевого счёта {account.els}")
        return account

    def account_by_izhku(
        self, path: str, izhku: str, provider: ProviderOrganisation
    ) -> PersonalAccount | None:
        account = self.session.exec(select(PersonalAccount).where(PersonalAccount.izhku == izhku)).first()
        if account is None:
            self.problem(f"{path}.izhku", f"лицевой счёт с ИЖКУ {izhku} не найден")
        elif account.provider_id != provider.id:
            self.problem(
                f"{path}.izhku",
                f"лицевой счёт с ИЖКУ {izhku} ведёт другой поставщик, не {provider.short_name} (ИНН {provider.inn})",
            )
            return None
        return account

    def account_by_number(
        self, path: str, number: str, provider: ProviderOrganisation, by_izhku: PersonalAccount | None
    ) -> PersonalAccount | None:
        if by_izhku is not None:
            if by_izhku.number != number:
                self.problem(
                    f"{path}.account_number",
                    f"номер лицевого счёта {number} не совпадает с ИЖКУ {by_izhku.izhku}: "
                    f"у него номер {by_izhku.number}",
                )
            return by_izhku
        account = self.session.exec(
            select(PersonalAccount).where(
                PersonalAccount.provider_id == provider.id, PersonalAccount.number == number
            )
        ).first()
        if account is None:
            self.problem(
                f"{path}.account_number",
                f"у поставщика {provider.short_name} (ИНН {provider.inn}) нет лицевого счёта № {number}",
            )
        return account

    def check_ipd(self, path: str, ipd: str, account: PersonalAccount | None) -> bool:
        """ИПД: starts with the account's ИЖКУ, unique in the file and in the database; True if new."""
        if account is not None and not ipd.startswith(account.izhku):
            self.problem(f"{path}.ipd", f"ИПД {ipd} должен начинаться с ИЖКУ лицевого счёта {account.izhku}")
        if ipd in self.ipd_seen:
            self.problem(f"{path}.ipd", f"ИПД {ipd} повторяется: он уже есть в {self.ipd_seen[ipd]}")
            return False
        self.ipd_seen[ipd] = path
        exists = self.session.exec(select(PaymentDocument.id).where(PaymentDocument.ipd == ipd)).first()
        if exists is not None:
            self.problem(f"{path}.ipd", f"платёжный документ с ИПД {ipd} уже загружен")
            return False
        return True

    def check_number(self, path: str, document: PaymentDocumentIn, account: PersonalAccount) -> None:
        """One document number per account and period, in the file and in the database."""
        year, month = document.period.year, document.period.month
        key = (account.id, year, month, document.number)
        what = f"документ № {document.number} за {format_period(year, month)} по лицевому счёту {account.number}"
        if key in self.number_seen:
            self.problem(f"{path}.number", f"{what} повторяется: он уже есть в {self.number_seen[key]}")
            return
        self.number_seen[key] = path
        exists = self.session.exec(
            select(PaymentDocument.id).where(
                PaymentDocument.personal_account_id == account.id,
                PaymentDocument.period_year == year,
                PaymentDocument.period_month == month,
                PaymentDocument.number == document.number,
            )
        ).first()
        if exists is not None:
            self.problem(f"{path}.number", f"{what} уже загружен")

    def check_dates(self, path: str, document: PaymentDocumentIn) -> tuple[date, date]:
        """Period not in the future; issued after the period starts; due not before issue (defaults: 1st and 15th)."""
        year, month = document.period.year, document.period.month
        if (year, month) > (self.today.year, self.today.month):
            self.problem(f"{path}.period", f"расчётный период {format_period(year, month)} ещё не наступил")
        issued = document.issue_date or issue_date(year, month)
        due = document.due_date or due_date(year, month)
        if issued < date(year, month, 1):
            self.problem(
                f"{path}.issue_date",
                f"дата выставления {issued:%d.%m.%Y} раньше начала расчётного периода {format_period(year, month)}",
            )
        if due < issued:
            self.problem(f"{path}.due_date", f"срок оплаты {due:%d.%m.%Y} раньше даты выставления {issued:%d.%m.%Y}")
        return issued, due

    def check_lines(self, path: str, services: list[ServiceLineIn]) -> list[dict] | None:
        """Every line must add up: к оплате = начислено + перерасчёт − льготы."""
        lines, ok = [], True
        for position, line in enumerate(services, start=1):
            try:
                check_service_line(
                    line.charged_kopecks, line.recalculation_kopecks, line.benefit_kopecks, line.to_pay_kopecks
                )
            except ChargeError as error:
                self.problem(f"{path}.services[{position - 1}].to_pay_kopecks", str(error))
                ok = False
            lines.append({"position": position, **line.model_dump()})
        return lines if ok else None

    def check_totals(self, path: str, document: PaymentDocumentIn, lines: list[dict]) -> None:
        """Итого = Σ к оплате + задолженность/аванс + пени; paid no more than the total."""
        lines_sum = sum(line["to_pay_kopecks"] for line in lines)
        expected = document_total(
            [line["to_pay_kopecks"] for line in lines], document.debt_or_advance_kopecks, document.penalties_kopecks
        )
        if expected != document.total_kopecks:
            self.problem(
                f"{path}.total_kopecks",
                f"итого {format_rubles(document.total_kopecks)} не сходится: услуги {format_rubles(lines_sum)}"
                f" + задолженность/аванс {format_rubles(document.debt_or_advance_kopecks)}"
                f" + пени {format_rubles(document.penalties_kopecks)} = {format_rubles(expected)}",
            )
        if document.paid_kopecks > max(document.total_kopecks, 0):
            self.problem(
                f"{path}.paid_kopecks",
                f"оплачено {format_rubles(document.paid_kopecks)} — больше, чем итого к оплате"
                f" {format_rubles(max(document.total_kopecks, 0))}",
            )


# --- Entry points ------------------------------------------------------------------------------


def read_import_file(path: str | Path) -> tuple[bytes | None, ImportProblem | None]:
    """A file's bytes, or why not: the size is checked before a single byte is read (every import uses it)."""
    file_path = Path(path)
    try:
        size = file_path.stat().st_size
    except FileNotFoundError:
        return None, ImportProblem("", f"Файл не найден: {file_path}")
    except OSError as error:
        return None, ImportProblem("", f"Файл не удаётся открыть: {file_path} ({error.strerror})")
    too_big = size_problem(size)
    if too_big is not None:
        return None, too_big
    if file_path.is_dir():
        return None, ImportProblem("", f"Это папка, а не файл: {file_path}")
    return file_path.read_bytes(), None


M = TypeVar("M", bound=BaseModel)


def parse_envelope(raw: bytes, model: type[M]) -> tuple[M | None, list[ImportProblem]]:
    """Size, UTF-8, JSON and the strict shape of a whole file, with every problem found (every import uses it)."""
    too_big = size_problem(len(raw))
    if too_big is not None:
        return None, [too_big]
    data, problem = parse_json_bytes(raw)
    if problem is not None:
        return None, [problem]
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, validation_problems(error)


def import_payment_documents_file(session: Session, path: str | Path, *, today: date | None = None) -> ImportResult:
    """Import a file from disk."""
    raw, problem = read_import_file(path)
    if raw is None:
        return _failed(*([problem] if problem else []))
    return import_payment_documents(session, raw, today=today)


def import_payment_documents(session: Session, raw: bytes, *, today: date | None = None) -> ImportResult:
    """Check a whole file and, only if nothing is wrong, add all its documents to the session.

    The caller commits (``session_scope``); on any problem nothing is added,
    so the database stays exactly as it was.
    """
    envelope, problems = parse_envelope(raw, ImportFileIn)
    if envelope is None:
        return _failed(*problems)
    checker = _Checker(session, today or date.today())
    prepared = _check_documents(checker, envelope.payment_documents)
    if checker.problems:
        return _failed(*checker.problems)
    _write(session, prepared)
    return ImportResult(created=len(prepared))


def _check_documents(checker: _Checker, documents: list[Any]) -> list[_PreparedDocument]:
    """Validate each document separately, so one broken document does not hide the others' errors."""
    prepared = []
    for index, raw_document in enumerate(documents):
        path = f"payment_documents[{index}]"
        try:
            document = PaymentDocumentIn.model_validate(raw_document)
        except ValidationError as error:
            checker.problems.extend(validation_problems(error, ("payment_documents", index)))
            continue
        ready = checker.check(path, document)
        if ready is not None:
            prepared.append(ready)
    return prepared


def _write(session: Session, prepared: list[_PreparedDocument]) -> None:
    """Insert the documents, then all their lines in one bulk statement."""
    session.add_all([item.row for item in prepared])
    session.flush()
    rows = [{**line, "payment_document_id": item.row.id} for item in prepared for line in item.lines]
    session.execute(sa.insert(ServiceLine), rows)
    session.flush()
