"""Банковские карты: алгоритм Луна, платёжная система, маскирование номера.

Ranges and lengths come from Braintree ``credit-card-type`` (design/domain.md §5).
The app never stores a full card number (PAN): these helpers validate what
the payer types and produce the masked form shown on receipts.
"""

from __future__ import annotations

import re

MIR = "МИР"
VISA = "Visa"
MASTERCARD = "Mastercard"
MAESTRO = "Maestro"
UNIONPAY = "UnionPay"
JCB = "JCB"
AMEX = "American Express"

MASK_CHAR = "\u2022"

MSG_CARD_EMPTY = "Введите номер карты"
MSG_CARD_FORMAT = "Номер карты — от 12 до 19 цифр"
MSG_CARD_BRAND = "Карты этой платёжной системы не принимаются"
MSG_CARD_LENGTH = "Проверьте количество цифр в номере карты"
MSG_CARD_LUHN = "Проверьте номер карты: в нём опечатка"

_SEPARATORS_RE = re.compile(r"[\s\-]+")
_DIGITS_RE = re.compile(r"[0-9]+")

# (brand, prefix ranges as (low, high) strings of equal length, allowed PAN lengths)
_BRANDS: tuple[tuple[str, tuple[tuple[str, str], ...], frozenset[int]], ...] = (
    (MIR, (("2200", "2204"),), frozenset(range(16, 20))),
    (VISA, (("4", "4"),), frozenset({13, 16, 18, 19})),
    (MASTERCARD, (("51", "55"), ("2221", "2720")), frozenset({16})),
    (AMEX, (("34", "34"), ("37", "37")), frozenset({15})),
    (JCB, (("3528", "3589"), ("2131", "2131"), ("1800", "1800")), frozenset(range(16, 20))),
    (UNIONPAY, (("62", "62"), ("8100", "8171")), frozenset(range(14, 20))),
    (
        MAESTRO,
        (
            ("493698", "493698"),
            ("500000", "504174"),
            ("504176", "506698"),
            ("506779", "508999"),
            ("56", "59"),
            ("63", "63"),
            ("67", "67"),
            ("6", "6"),
        ),
        frozenset(range(12, 20)),
    ),
)


class CardError(ValueError):
    """A card number that cannot be used; ``str(error)`` is shown next to the field."""


def card_digits(pan: str) -> str:
    """The PAN without spaces and hyphens (may still contain junk: check with ``isdigit``)."""
    return _SEPARATORS_RE.sub("", pan or "")


def _only_digits(pan: str) -> str | None:
    """Digits of the PAN, or None if anything but digits, spaces and hyphens was typed."""
    digits = card_digits(pan)
    return digits if _DIGITS_RE.fullmatch(digits) else None


def luhn_is_valid(pan: str) -> bool:
    """Luhn (mod 10) check: catches one wrong digit and most swapped neighbours."""
    digits = _only_digits(pan)
    if digits is None:
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _brand_entry(digits: str) -> tuple[str, frozenset[int]] | None:
    """The brand whose matching prefix is longest; earlier brands win ties.

    «Longest prefix wins» is what keeps Maestro's catch-all «6» from swallowing
    UnionPay «62», and Maestro «493698» from being read as Visa «4».
    """
    best: tuple[str, frozenset[int]] | None = None
    best_length = 0
    for brand, ranges, lengths in _BRANDS:
        for low, high in ranges:
            size = len(low)
            if size > best_length and len(digits) >= size and low <= digits[:size] <= high:
                best, best_length = (brand, lengths), size
    return best


def card_brand(pan: str) -> str | None:
    """Payment system by the first digits: «МИР», «Visa», … or None if unknown.

    Works on a partly typed number, so the form can show the logo early.
    """
    digits = _only_digits(pan)
    if digits is None:
        return None
    entry = _brand_entry(digits)
    return entry[0] if entry else None


def validate_card_number(pan: str) -> str:
    """Return the PAN digits or raise CardError with a message for the payment form."""
    digits = card_digits(pan)
    if not digits:
        raise CardError(MSG_CARD_EMPTY)
    if _DIGITS_RE.fullmatch(digits) is None or not 12 <= len(digits) <= 19:
        raise CardError(MSG_CARD_FORMAT)
    entry = _brand_entry(digits)
    if entry is None:
        raise CardError(MSG_CARD_BRAND)
    if len(digits) not in entry[1]:
        raise CardError(MSG_CARD_LENGTH)
    if not luhn_is_valid(digits):
        raise CardError(MSG_CARD_LUHN)
    return digits


def is_valid_card_number(pan: str) -> bool:
    """True if the PAN has a known brand, a length allowed for it and a valid Luhn digit."""
    try:
        validate_card_number(pan)
    except CardError:
        return False
    return True


def _groups_of_four(text: str) -> list[str]:
    """Split into chunks of 4 characters from the left."""
    return [text[start : start + 4] for start in range(0, len(text), 4)]


def format_pan(pan: str) -> str:
    """Show digits in groups of four («2200 0000 0000 0004»); other characters are dropped.

    Usable while typing: a partial number is grouped the same way.
    """
    digits = re.sub(r"[^0-9]", "", pan or "")
    return " ".join(_groups_of_four(digits))


def mask_pan(pan: str) -> str:
    """Hide the middle of a PAN: «2200 •••• •••• 0004» (first 4 and last 4 stay visible).

    Short inputs (fewer than 9 digits) show only «•••• 1234» so the mask never
    reveals more than the last four digits.
    """
    digits = re.sub(r"[^0-9]", "", pan or "")
    if len(digits) < 9:
        return f"{MASK_CHAR * 4} {digits[-4:]}".rstrip()
    middle = MASK_CHAR * (len(digits) - 8)
    return " ".join([digits[:4], *_groups_of_four(middle), digits[-4:]])
