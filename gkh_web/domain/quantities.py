"""Volumes and tariffs of a payment document as Russian decimal text.

A service line stores its volume and tariff as exact ``Decimal`` values at the
column's scale (``Decimal("4.5120")``). On screen they read the Russian way:
decimal comma, groups of three split by a no-break space, no trailing zeros
(«4,512 м³»), tariffs with at least kopecks («52,94 ₽», «38,40 ₽»). Never
scientific notation, never a float.
"""

from __future__ import annotations

from decimal import Decimal

from gkh_web.domain.money import MINUS_SIGN, NBSP, RUBLE_SIGN

NO_VALUE = "—"
"""Shown in place of a volume or tariff the provider did not give."""


def format_decimal(value: Decimal | int, *, min_places: int = 0) -> str:
    """«1 234,5» from ``Decimal("1234.5000")``: trailing zeros dropped, but at least ``min_places`` decimals."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"Ожидается Decimal или int, получено {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"Недопустимое значение {value}")
    text = format(abs(number).normalize(), "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(min_places, "0")
    grouped = f"{int(whole):,}".replace(",", NBSP)
    sign = MINUS_SIGN if number < 0 else ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_volume(volume: Decimal | None, unit: str) -> str:
    """«4,512 м³», «54,3 м²», «1 шт.»; «—» when there is no volume."""
    if volume is None:
        return NO_VALUE
    return f"{format_decimal(volume)}{NBSP}{unit}" if unit else format_decimal(volume)


def format_tariff(tariff: Decimal | None) -> str:
    """«52,94 ₽», «3 412,56 ₽», «1,2345 ₽» (at least two decimals, as money); «—» when absent."""
    if tariff is None:
        return NO_VALUE
    return f"{format_decimal(tariff, min_places=2)}{NBSP}{RUBLE_SIGN}"
