"""Идентификаторы: СНИЛС, ИНН, КПП, БИК, банковские счета, ЕЛС, ИЖКУ, ИПД.

Checks follow design/domain.md §1: the official checksums (СНИЛС mod 101,
ИНН mod 11, bank account «ключевание» with the БИК) and the ГИС ЖКХ XSD
lengths for ЕЛС (10), ИЖКУ (13) and ИПД (18). ``normalize_*`` / ``validate_*``
functions return the canonical form or raise ``IdentifierError`` whose text can
be shown next to the form field; ``is_valid_*`` functions return a bool.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import cycle

from gkh_web.domain.text import hidden_character

_SEPARATORS_RE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_WHITESPACE_RE = re.compile(r"\s+")
_DASHES_RE = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2212]")
_DIGITS_RE = re.compile(r"[0-9]+")

MSG_SNILS_EMPTY = "Введите СНИЛС"
MSG_SNILS_FORMAT = "СНИЛС состоит из 11 цифр"
MSG_SNILS_CHECKSUM = "Проверьте СНИЛС: контрольное число не совпадает"
MSG_INN_EMPTY = "Введите ИНН"
MSG_INN_FORMAT = "ИНН должен состоять из 10 или 12 цифр"
MSG_INN_CHECKSUM = "Неверное контрольное число ИНН"
MSG_KPP_FORMAT = "КПП — 9 знаков, например 770901001"
MSG_BIK_FORMAT = "БИК состоит из 9 цифр"
MSG_ACCOUNT_FORMAT = "Номер банковского счёта состоит из 20 цифр"
MSG_ELS_EMPTY = "Введите ЕЛС"
MSG_ELS_FORMAT = "ЕЛС — 10 знаков: 2 цифры, 2 буквы, 6 цифр, например 77АБ123456"
MSG_IZHKU_EMPTY = "Введите идентификатор ЖКУ"
MSG_IZHKU_FORMAT = "Идентификатор ЖКУ — 13 знаков: ЕЛС, дефис и 2 цифры, например 77АБ123456-01"
MSG_IPD_EMPTY = "Введите идентификатор платёжного документа"
MSG_IPD_FORMAT = (
    "Идентификатор платёжного документа — 18 знаков: идентификатор ЖКУ, "
    "дефис и 4 цифры, например 77АБ123456-01-1126"
)
MSG_ACCOUNT_NUMBER_LENGTH = "Номер лицевого счёта — от 1 до 30 знаков"
MSG_ACCOUNT_NUMBER_CONTENT = "Номер лицевого счёта должен содержать хотя бы одну букву или цифру"
MSG_ACCOUNT_NUMBER_HIDDEN = "В номере лицевого счёта есть невидимый или управляющий символ — наберите номер заново"


class IdentifierError(ValueError):
    """An identifier that fails format or checksum; ``str(error)`` is shown to the user."""


def _is_digits(text: str, length: int | None = None) -> bool:
    """True for ASCII digits only (``str.isdigit`` would also take «²» or «٣»)."""
    if _DIGITS_RE.fullmatch(text) is None:
        return False
    return length is None or len(text) == length


def _without_separators(text: str | None) -> str:
    """Drop spaces, NBSP and hyphen-like characters people type inside numbers."""
    return _SEPARATORS_RE.sub("", text or "")


# --- СНИЛС --------------------------------------------------------------------

SNILS_UNCHECKED_MAX = 1_001_998
"""Numbers up to 001-001-998 were issued before the checksum existed: accept them as is."""


def snils_checksum(first9: str) -> str:
    """Two check digits of a СНИЛС from its first 9 digits (weights 9…1, mod 101)."""
    if not _is_digits(first9, 9):
        raise IdentifierError(MSG_SNILS_FORMAT)
    weighted = sum(
        int(digit) * weight for digit, weight in zip(first9, range(9, 0, -1), strict=True)
    )
    if weighted < 100:
        return f"{weighted:02d}"
    if weighted in (100, 101):
        return "00"
    remainder = weighted % 101
    return "00" if remainder == 100 else f"{remainder:02d}"


def normalize_snils(text: str) -> str:
    """Return the 11 digits of a СНИЛС typed as «112-233-445 95» or raise IdentifierError."""
    digits = _without_separators(text)
    if not digits:
        raise IdentifierError(MSG_SNILS_EMPTY)
    if not _is_digits(digits, 11):
        raise IdentifierError(MSG_SNILS_FORMAT)
    number, check = digits[:9], digits[9:]
    if int(number) > SNILS_UNCHECKED_MAX and snils_checksum(number) != check:
        raise IdentifierError(MSG_SNILS_CHECKSUM)
    return digits


def is_valid_snils(text: str) -> bool:
    """True if ``normalize_snils`` would accept the text."""
    return _accepts(normalize_snils, text)


def format_snils(digits: str) -> str:
    """Show a СНИЛС the official way, «XXX-XXX-XXX YY»; does not check the checksum."""
    plain = _without_separators(digits)
    if not _is_digits(plain, 11):
        raise IdentifierError(MSG_SNILS_FORMAT)
    return f"{plain[0:3]}-{plain[3:6]}-{plain[6:9]} {plain[9:11]}"


# --- ИНН, КПП, БИК -------------------------------------------------------------

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_check_digit(digits: str, weights: tuple[int, ...]) -> str:
    """One ИНН check digit: (Σ weight·digit mod 11) mod 10."""
    weighted = sum(
        int(digit) * weight for digit, weight in zip(digits[: len(weights)], weights, strict=True)
    )
    return str(weighted % 11 % 10)


def _inn_checksum_ok(inn: str) -> bool:
    """Check the last one (legal entity) or two (person) digits of an ИНН."""
    if len(inn) == 10:
        return inn[9] == _inn_check_digit(inn, _INN10_WEIGHTS)
    first_ok = inn[10] == _inn_check_digit(inn, _INN11_WEIGHTS)
    return first_ok and inn[11] == _inn_check_digit(inn, _INN12_WEIGHTS)


def validate_inn(text: str) -> str:
    """Return the ИНН digits (10 for organisations, 12 for people) or raise IdentifierError."""
    inn = _WHITESPACE_RE.sub("", text or "")
    if not inn:
        raise IdentifierError(MSG_INN_EMPTY)
    if not (_is_digits(inn, 10) or _is_digits(inn, 12)):
        raise IdentifierError(MSG_INN_FORMAT)
    if not _inn_checksum_ok(inn):
        raise IdentifierError(MSG_INN_CHECKSUM)
    return inn


def is_valid_inn(text: str) -> bool:
    """True for a 10- or 12-digit ИНН with correct check digits."""
    return _accepts(validate_inn, text)


_KPP_RE = re.compile(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}")


def validate_kpp(text: str) -> str:
    """Return a КПП («NNNNPPXXX», PP may be Latin capitals) or raise IdentifierError."""
    kpp = _WHITESPACE_RE.sub("", text or "").upper()
    if _KPP_RE.fullmatch(kpp) is None:
        raise IdentifierError(MSG_KPP_FORMAT)
    return kpp


def is_valid_kpp(text: str) -> bool:
    """True for a 9-character КПП; there is no checksum to verify."""
    return _accepts(validate_kpp, text)


def validate_bik(text: str) -> str:
    """Return a БИК (9 digits, no checksum) or raise IdentifierError."""
    bik = _WHITESPACE_RE.sub("", text or "")
    if not _is_digits(bik, 9):
        raise IdentifierError(MSG_BIK_FORMAT)
    return bik


def is_valid_bik(text: str) -> bool:
    """True for 9 digits."""
    return _accepts(validate_bik, text)


# --- Банковские счета: «ключевание» с БИК ------------------------------------

_ACCOUNT_KEY_INDEX = 8
"""The control key is the 9th digit of a 20-digit account."""


def _account_base(bik: str, correspondent: bool) -> str:
    """Three digits that precede the account in the key calculation (Банк России rules).

    A settlement account (расчётный счёт) in a bank uses the last 3 digits of
    the БИК; a correspondent account uses «0» + БИК digits 5–6.
    """
    return "0" + bik[4:6] if correspondent else bik[-3:]


def _account_weighted_sum(bik: str, account: str, correspondent: bool) -> int:
    """Σ of the last digits of digit × (7, 1, 3, 7, 1, 3, …) over the 23-digit string."""
    digits = _account_base(bik, correspondent) + account
    return sum(int(digit) * weight % 10 for digit, weight in zip(digits, cycle((7, 1, 3))))


def _require_bik_and_account(bik: str, account: str) -> None:
    """Raise IdentifierError unless the БИК has 9 and the account 20 digits."""
    if not _is_digits(bik or "", 9):
        raise IdentifierError(MSG_BIK_FORMAT)
    if not _is_digits(account or "", 20):
        raise IdentifierError(MSG_ACCOUNT_FORMAT)


def account_key(bik: str, account: str, correspondent: bool = False) -> str:
    """Compute the control key (9th digit) that makes ``account`` valid for ``bik``.

    The current 9th digit of ``account`` is ignored, so the function can both
    fill in a key for a new account and show what the key should have been.
    """
    _require_bik_and_account(bik, account)
    zeroed = account[:_ACCOUNT_KEY_INDEX] + "0" + account[_ACCOUNT_KEY_INDEX + 1 :]
    weighted = _account_weighted_sum(bik, zeroed, correspondent)
    return str(weighted % 10 * 3 % 10)


def _account_key_ok(bik: str, account: str, correspondent: bool) -> bool:
    """True if both numbers are well-formed and the weighted sum ends in 0."""
    try:
        _require_bik_and_account(bik, account)
    except IdentifierError:
        return False
    return _account_weighted_sum(bik, account, correspondent) % 10 == 0


def is_valid_settlement_account(bik: str, account: str) -> bool:
    """True if the расчётный счёт matches the bank's БИК (key uses last 3 digits of БИК)."""
    return _account_key_ok(bik, account, correspondent=False)


def is_valid_correspondent_account(bik: str, account: str) -> bool:
    """True if the корреспондентский счёт matches the БИК (key uses «0» + БИК digits 5–6)."""
    return _account_key_ok(bik, account, correspondent=True)


RUBLE_CURRENCY_CODE = "810"
SETTLEMENT_SERIAL_DIGITS = 11


def make_settlement_account(bik: str, prefix5: str = "40702", serial: int = 1) -> str:
    """Build a valid 20-digit ruble account for demo data: prefix5 + «810» + key + serial.

    ``prefix5`` is the balance account («40702» commercial organisation,
    «40703» non-profit such as a ТСЖ); ``serial`` fills the last 11 digits.
    """
    if not _is_digits(prefix5 or "", 5):
        raise IdentifierError("Балансовый счёт — 5 цифр, например 40702")
    if isinstance(serial, bool) or not isinstance(serial, int):
        raise TypeError(f"Порядковый номер счёта должен быть целым числом, получено {serial!r}")
    if not 0 <= serial < 10**SETTLEMENT_SERIAL_DIGITS:
        raise IdentifierError("Порядковый номер счёта — от 0 до 11 цифр")
    draft = f"{prefix5}{RUBLE_CURRENCY_CODE}0{serial:0{SETTLEMENT_SERIAL_DIGITS}d}"
    return _with_key(draft, account_key(bik, draft))


def make_correspondent_account(bik: str) -> str:
    """Build the bank's correspondent account «30101 810 K 00000000 + last 3 of БИК»."""
    if not _is_digits(bik or "", 9):
        raise IdentifierError(MSG_BIK_FORMAT)
    draft = f"30101{RUBLE_CURRENCY_CODE}0{'0' * 8}{bik[-3:]}"
    return _with_key(draft, account_key(bik, draft, correspondent=True))


def _with_key(account: str, key: str) -> str:
    """Put the control key into position 9 of a 20-digit account."""
    return account[:_ACCOUNT_KEY_INDEX] + key + account[_ACCOUNT_KEY_INDEX + 1 :]


# --- ЕЛС, ИЖКУ, ИПД ------------------------------------------------------------

_LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
_ELS_PATTERN = r"[0-9]{2}[А-ЯЁ]{2}[0-9]{6}"
_ELS_RE = re.compile(_ELS_PATTERN)
_IZHKU_RE = re.compile(_ELS_PATTERN + r"-[0-9]{2}")
_IPD_RE = re.compile(_ELS_PATTERN + r"-[0-9]{2}-[0-9]{4}")


def _canonical_gis_id(text: str | None) -> str:
    """Upper-case, drop whitespace, unify dashes and turn Latin look-alikes into Cyrillic.

    Residents copy ЕЛС from PDFs and bank apps where «К» and «K» look the same;
    storing one spelling lets exact matching work.
    """
    compact = _WHITESPACE_RE.sub("", text or "").upper()
    return _DASHES_RE.sub("-", compact).translate(_LATIN_TO_CYRILLIC)


def _normalize_gis_id(text: str, pattern: re.Pattern[str], empty: str, wrong: str) -> str:
    """Canonicalise a ГИС ЖКХ identifier and check it against its mask."""
    canonical = _canonical_gis_id(text)
    if not canonical:
        raise IdentifierError(empty)
    if pattern.fullmatch(canonical) is None:
        raise IdentifierError(wrong)
    return canonical


def normalize_els(text: str) -> str:
    """Return a ЕЛС (единый лицевой счёт) like «77АБ123456» or raise IdentifierError."""
    return _normalize_gis_id(text, _ELS_RE, MSG_ELS_EMPTY, MSG_ELS_FORMAT)


def normalize_izhku(text: str) -> str:
    """Return an ИЖКУ (идентификатор ЖКУ) like «77АБ123456-01» or raise IdentifierError."""
    return _normalize_gis_id(text, _IZHKU_RE, MSG_IZHKU_EMPTY, MSG_IZHKU_FORMAT)


def normalize_ipd(text: str) -> str:
    """Return an ИПД like «77АБ123456-01-1126» or raise IdentifierError."""
    return _normalize_gis_id(text, _IPD_RE, MSG_IPD_EMPTY, MSG_IPD_FORMAT)


def is_valid_els(text: str) -> bool:
    """True if ``normalize_els`` would accept the text."""
    return _accepts(normalize_els, text)


def is_valid_izhku(text: str) -> bool:
    """True if ``normalize_izhku`` would accept the text."""
    return _accepts(normalize_izhku, text)


def is_valid_ipd(text: str) -> bool:
    """True if ``normalize_ipd`` would accept the text."""
    return _accepts(normalize_ipd, text)


def els_of_izhku(izhku: str) -> str:
    """The ЕЛС inside an ИЖКУ: its first 10 characters."""
    return normalize_izhku(izhku)[:10]


def izhku_of_ipd(ipd: str) -> str:
    """The ИЖКУ inside an ИПД: its first 13 characters."""
    return normalize_ipd(ipd)[:13]


# --- Номер лицевого счёта у поставщика, ФИАС ---------------------------------

ACCOUNT_NUMBER_MAX_LENGTH = 30
_LETTER_OR_DIGIT_RE = re.compile(r"[0-9а-яА-ЯёЁa-zA-Z]")


def normalize_account_number(text: str) -> str:
    """Return a provider's account number (XSD ``AccountNumber``: 1–30 chars, trimmed).

    The format is free, so only the length and «at least one letter or digit»
    rule from the ГИС ЖКХ schema are checked; inner spaces are kept because
    matching in ГИС ЖКХ is exact. Control and invisible characters (a NUL, a
    line break, U+200B, U+202E) are refused: nobody can see them on a bill.
    """
    number = (text or "").strip()
    if not 1 <= len(number) <= ACCOUNT_NUMBER_MAX_LENGTH:
        raise IdentifierError(MSG_ACCOUNT_NUMBER_LENGTH)
    if hidden_character(number) is not None:
        raise IdentifierError(MSG_ACCOUNT_NUMBER_HIDDEN)
    if _LETTER_OR_DIGIT_RE.search(number) is None:
        raise IdentifierError(MSG_ACCOUNT_NUMBER_CONTENT)
    return number


_FIAS_GUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def is_valid_fias_guid(text: str) -> bool:
    """True for a house GUID in ФИАС/ГАР form «8-4-4-4-12» hex digits."""
    return _FIAS_GUID_RE.fullmatch(text or "") is not None


def _accepts(validator: Callable[[str], object], text: str) -> bool:
    """Turn a raising validator into a yes/no answer for ``is_valid_*`` helpers."""
    try:
        validator(text)
    except IdentifierError:
        return False
    return True
