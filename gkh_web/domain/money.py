"""Деньги: разбор ввода и форматирование сумм в рублях.

Amounts live as ``int`` kopecks everywhere (like ГИС ЖКХ payment notices), so
sums never drift by a kopeck. Text appears only at the edges: ``parse_rubles``
reads what a resident typed, ``format_rubles`` prints Russian-style amounts
(«1 234,56 ₽», U+00A0 between groups and before the sign, CLDR ``ru``).
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
MINUS_SIGN = "\u2212"
RUBLE_SIGN = "\u20bd"

KOPECKS_PER_RUBLE = 100
MAX_RUBLE_DIGITS = 15

MSG_EMPTY = "Введите сумму"
MSG_NOT_A_NUMBER = "Сумма должна быть числом, например 1 234,56"
MSG_TOO_PRECISE = "Не больше двух знаков после запятой"
MSG_NEGATIVE = "Сумма не может быть отрицательной"
MSG_TOO_LARGE = "Слишком большая сумма"

# Longest suffixes first so «руб.» is not cut as «р».
_CURRENCY_SUFFIXES = ("рублей", "руб.", "руб", "р.", "р", RUBLE_SIGN)
_MINUS_CHARS = ("-", MINUS_SIGN, "\u2013", "\u2014")
_AMOUNT_RE = re.compile(
    r"(?P<rubles>[0-9]*|[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+)"
    r"(?:[.,](?P<kopecks>[0-9]*))?"
)


class MoneyError(ValueError):
    """A sum that cannot be accepted; ``str(error)`` is shown next to the field."""


def parse_rubles(text: str) -> int:
    """Read a sum typed by a resident («1 234,56 ₽», «1234.5») into kopecks.

    Group separators must split real groups of three digits, so a typo such as
    «12 34» is rejected instead of silently becoming 1 234 rubles. Zero is
    returned as 0: whether zero is allowed depends on the form.
    """
    cleaned = _strip_currency_suffix((text or "").strip())
    if not cleaned:
        raise MoneyError(MSG_EMPTY)
    negative = cleaned.startswith(_MINUS_CHARS)
    if negative:
        cleaned = cleaned[1:].lstrip()
    kopecks = _parse_unsigned_amount(cleaned)
    if negative:
        raise MoneyError(MSG_NEGATIVE)
    return kopecks


def _strip_currency_suffix(text: str) -> str:
    """Drop one trailing «₽», «руб.» or «р.», as people copy amounts from bills."""
    lowered = text.lower()
    for suffix in _CURRENCY_SUFFIXES:
        if lowered.endswith(suffix):
            return text[: -len(suffix)].strip()
    return text


def _parse_unsigned_amount(text: str) -> int:
    """Convert «1 234,56» (no sign, no currency) to kopecks or raise MoneyError."""
    match = _AMOUNT_RE.fullmatch(text)
    if match is None:
        raise MoneyError(MSG_NOT_A_NUMBER)
    ruble_digits = re.sub(r"[^0-9]", "", match["rubles"])
    kopeck_digits = match["kopecks"] or ""
    if not ruble_digits and not kopeck_digits:
        raise MoneyError(MSG_NOT_A_NUMBER)
    if len(kopeck_digits) > 2:
        raise MoneyError(MSG_TOO_PRECISE)
    if len(ruble_digits) > MAX_RUBLE_DIGITS:
        raise MoneyError(MSG_TOO_LARGE)
    rubles = int(ruble_digits or "0")
    return rubles * KOPECKS_PER_RUBLE + int(kopeck_digits.ljust(2, "0"))


def format_amount(kopecks: int) -> str:
    """Print kopecks as «1 234,56» for input fields; ``parse_rubles`` reads it back.

    (Only non-negative amounts round-trip: ``parse_rubles`` refuses a minus.)

    Four-digit amounts are grouped too («1 234,00»), like CLDR ``ru``, so all
    amounts on a page look the same. Negative values get a typographic minus.
    """
    _require_kopecks(kopecks)
    rubles, rest = divmod(abs(kopecks), KOPECKS_PER_RUBLE)
    grouped = f"{rubles:,}".replace(",", NBSP)
    sign = MINUS_SIGN if kopecks < 0 else ""
    return f"{sign}{grouped},{rest:02d}"


def format_rubles(kopecks: int) -> str:
    """Print kopecks as «1 234,56 ₽» (never breaks between number and sign)."""
    return f"{format_amount(kopecks)}{NBSP}{RUBLE_SIGN}"


def _require_kopecks(kopecks: int) -> None:
    """Refuse anything but a real ``int`` so fractional rubles cannot sneak in."""
    if isinstance(kopecks, bool) or not isinstance(kopecks, int):
        raise TypeError(f"Сумма в копейках должна быть целым числом, получено {kopecks!r}")
