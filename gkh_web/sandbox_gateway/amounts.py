"""``amount.value`` strings ⇄ integer kopecks, without ever touching float.

YooKassa sends money as a decimal string with exactly two decimals; anything
else (``"12.3"``, ``"12.345"``, ``"1e3"``, a JSON number) is refused so a
rounding error can never change what the payer is charged.
"""

from __future__ import annotations

import re

_VALUE_RE = re.compile(r"(0|[1-9][0-9]{0,12})\.([0-9]{2})")


class AmountError(ValueError):
    """The amount is not a positive ``"rubles.kk"`` string in RUB."""


def parse_amount_value(value: object) -> int:
    """``"1234.56"`` → ``123456``; raise AmountError for anything else or for zero."""
    if not isinstance(value, str):
        raise AmountError("amount.value must be a string like \"1234.56\"")
    match = _VALUE_RE.fullmatch(value)
    if match is None:
        raise AmountError("amount.value must have exactly two decimals, e.g. \"1234.56\"")
    kopecks = int(match.group(1)) * 100 + int(match.group(2))
    if kopecks <= 0:
        raise AmountError("amount.value must be positive")
    return kopecks


def parse_commission_value(value: object) -> int:
    """Like ``parse_amount_value``, but a commission may be ``"0.00"``."""
    if value == "0.00":
        return 0
    return parse_amount_value(value)


def format_amount_value(kopecks: int) -> str:
    """``123456`` → ``"1234.56"``."""
    rubles, rest = divmod(kopecks, 100)
    return f"{rubles}.{rest:02d}"


def format_rubles_ru(kopecks: int) -> str:
    """``123456`` → ``"1 234,56 ₽"`` for the hosted page."""
    rubles, rest = divmod(kopecks, 100)
    return f"{rubles:,}".replace(",", "\u00a0") + f",{rest:02d}\u00a0\u20bd"
