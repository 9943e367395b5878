"""The commission a payment method charges on top of the documents' sum, in integer kopecks.

The gateway declares a rate per method: a percentage with up to two decimals, kept as
basis points (1 % = 100), and an optional minimum in kopecks. The commission of a sum is

    max(minimum, sum × basis points / 10 000, rounded half up to a whole kopeck)

(half up: 0,5 коп. and more is one kopeck; the payer is never charged a fraction of a
kopeck, and the figure does not depend on which side computes it). A zero rate with a
zero minimum is the one commission-free way. The commission is added to the amount
charged and never taken from what the providers get: documents are paid their own amounts.

The same rate travels three ways: a setting of the sandbox («1%», «1,5 % min 1000»),
the gateway's answer (``"percent": "1.50"``, ``"min": {"value": "10.00"}``) and the screen
(«1,5 %, не менее 10,00 ₽»). Only integers are ever multiplied; no float is involved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gkh_web.domain.money import format_rubles

BASIS_POINTS_PER_PERCENT = 100
MAX_BASIS_POINTS = 100 * BASIS_POINTS_PER_PERCENT
"""100 %: anything more is a broken setting, not a rate."""
MAX_MINIMUM_KOPECKS = 1_000_000 * 100

_PERCENT_RE = re.compile(r"(\d{1,3})(?:[.,](\d{1,2}))?")
_SETTING_RE = re.compile(r"\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*%?\s*(?:min\s*(\d{1,12}))?\s*", re.IGNORECASE)


class RateError(ValueError):
    """A rate that cannot be a commission (negative, more than 100 %, three decimals, text)."""


@dataclass(frozen=True)
class CommissionRate:
    """A method's rate: ``basis_points`` hundredths of a percent, at least ``min_kopecks``."""

    basis_points: int
    min_kopecks: int = 0

    def __post_init__(self) -> None:
        for value in (self.basis_points, self.min_kopecks):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise RateError("a rate is made of non-negative integers")
        if self.basis_points > MAX_BASIS_POINTS or self.min_kopecks > MAX_MINIMUM_KOPECKS:
            raise RateError("a rate above 100 % or a minimum above a million rubles is not a commission")

    @property
    def is_free(self) -> bool:
        """True only when no sum can carry a commission: the one case «без комиссии» may be said."""
        return self.basis_points == 0 and self.min_kopecks == 0


FREE = CommissionRate(0, 0)


def commission_kopecks(amount_kopecks: int, rate: CommissionRate) -> int:
    """The commission on ``amount_kopecks``: the rate rounded half up to a kopeck, never below the minimum."""
    if not isinstance(amount_kopecks, int) or isinstance(amount_kopecks, bool) or amount_kopecks <= 0:
        raise ValueError("a commission is charged on a positive whole number of kopecks")
    by_rate = (amount_kopecks * rate.basis_points + 5_000) // 10_000
    return max(by_rate, rate.min_kopecks)


def parse_percent(text: str) -> int:
    """«1», «1.5», «1,50», «0.25» (percent) → basis points; RateError for anything else."""
    match = _PERCENT_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise RateError(f"unusable percentage {text!r}")
    whole, fraction = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(whole) * BASIS_POINTS_PER_PERCENT + int(fraction)


def parse_rate_setting(text: str) -> CommissionRate:
    """A sandbox setting: «1%», «1,5 %», «1% min 1000» (minimum in kopecks), «0» → a rate."""
    match = _SETTING_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise RateError(f"unusable commission setting {text!r}; expected e.g. «1% min 1000»")
    return CommissionRate(parse_percent(match.group(1)), int(match.group(2) or 0))


def format_percent(basis_points: int) -> str:
    """150 → «1,5 %», 100 → «1 %», 25 → «0,25 %» (a no-break space before the sign)."""
    whole, fraction = divmod(basis_points, BASIS_POINTS_PER_PERCENT)
    decimals = f"{fraction:02d}".rstrip("0")
    return f"{whole},{decimals}\u00a0%" if decimals else f"{whole}\u00a0%"


def percent_value(basis_points: int) -> str:
    """150 → "1.50": how the gateway writes a percentage (a string, like its amounts)."""
    whole, fraction = divmod(basis_points, BASIS_POINTS_PER_PERCENT)
    return f"{whole}.{fraction:02d}"


def describe_rate(rate: CommissionRate) -> str:
    """What the resident reads next to a method: «1 %, не менее 10,00 ₽», «без комиссии», «10,00 ₽»."""
    if rate.is_free:
        return "без комиссии"
    if rate.basis_points == 0:
        return format_rubles(rate.min_kopecks)
    if rate.min_kopecks == 0:
        return format_percent(rate.basis_points)
    return f"{format_percent(rate.basis_points)}, не менее {format_rubles(rate.min_kopecks)}"
