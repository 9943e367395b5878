"""Арифметика платёжного документа: строки услуг, итог, сумма к оплате.

Everything is ``int`` kopecks. The invariant per service line comes from the
43/пр form and the ГИС ЖКХ schema: «к оплате = начислено + перерасчёт − льгота»
(design/domain.md §3.3). The document total adds debt (positive) or advance
(negative) and пени. Only ``charge_kopecks`` touches fractions: volume × tariff
is computed with ``Decimal`` and rounded half-up to a whole kopeck, as on bills.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext

from gkh_web.domain.money import format_rubles

_KOPECKS_PER_RUBLE = Decimal(100)
_WHOLE = Decimal(1)
_PRECISION = 60
"""Enough digits that volume × tariff × 100 is exact before the single rounding."""


class ChargeError(ValueError):
    """Amounts of a payment document that do not add up (message in Russian)."""


def _require_int(value: int, what: str) -> None:
    """Refuse anything but ``int`` kopecks so no fractional value slips into totals."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}: ожидается целое число копеек, получено {value!r}")


def line_to_pay(charged: int, recalculation: int, benefit: int) -> int:
    """«Итого к оплате» of a service line: начислено + перерасчёт − льготы.

    ``recalculation`` may be negative (уменьшение); the result may be negative
    when a large recalculation exceeds the month's charge.
    """
    for value, what in ((charged, "Начислено"), (recalculation, "Перерасчёт"), (benefit, "Льгота")):
        _require_int(value, what)
    return charged + recalculation - benefit


def check_service_line(charged: int, recalculation: int, benefit: int, to_pay: int) -> None:
    """Raise ChargeError if a line from a provider's file is inconsistent.

    Catches import mistakes (a lost minus, swapped columns) before residents
    see a квитанция whose rows do not add up.
    """
    _require_int(to_pay, "К оплате")
    expected = line_to_pay(charged, recalculation, benefit)
    if charged < 0:
        raise ChargeError(f"Начислено не может быть отрицательным: {format_rubles(charged)}")
    if benefit < 0:
        raise ChargeError(f"Льгота не может быть отрицательной: {format_rubles(benefit)}")
    if expected != to_pay:
        raise ChargeError(
            f"Строка не сходится: начислено {format_rubles(charged)}"
            f" + перерасчёт {format_rubles(recalculation)}"
            f" − льгота {format_rubles(benefit)}"
            f" ≠ к оплате {format_rubles(to_pay)}"
        )


def document_total(lines_to_pay: Iterable[int], debt_or_advance: int, penalties: int) -> int:
    """«Итого к оплате» of the document: Σ lines + долг (или − аванс) + пени.

    The raw sum is returned, so a large advance gives a negative total
    (переплата); use ``amount_due`` for what the resident still has to pay.
    """
    lines = list(lines_to_pay)
    for value in lines:
        _require_int(value, "Строка документа")
    _require_int(debt_or_advance, "Задолженность или аванс")
    _require_int(penalties, "Пени")
    if penalties < 0:
        raise ChargeError(f"Пени не могут быть отрицательными: {format_rubles(penalties)}")
    return sum(lines) + debt_or_advance + penalties


def amount_due(total: int, paid: int) -> int:
    """What is left to pay after ``paid`` kopecks; never below zero (overpayment shows as 0)."""
    _require_int(total, "Итого")
    _require_int(paid, "Оплачено")
    if paid < 0:
        raise ChargeError(f"Оплаченная сумма не может быть отрицательной: {format_rubles(paid)}")
    return max(total - paid, 0)


def charge_kopecks(volume: Decimal, tariff: Decimal) -> int:
    """Charge for a service: volume × tariff (rubles per unit), rounded half-up to a kopeck.

    Example: 4.512 м³ × 52,94 ₽ = 238,86528 ₽ → 23 887 kopecks. Both numbers
    must be exact ``Decimal`` (or ``int``) values and not negative.
    """
    _require_exact_number(volume, "Объём")
    _require_exact_number(tariff, "Тариф")
    if volume < 0:
        raise ChargeError("Объём не может быть отрицательным")
    if tariff < 0:
        raise ChargeError("Тариф не может быть отрицательным")
    with localcontext() as context:
        context.prec = _PRECISION
        kopecks = Decimal(volume) * Decimal(tariff) * _KOPECKS_PER_RUBLE
        return int(kopecks.quantize(_WHOLE, rounding=ROUND_HALF_UP))


def _require_exact_number(value: Decimal, what: str) -> None:
    """Accept finite ``Decimal`` or ``int`` only: binary fractions would break rounding."""
    exact = isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool))
    if not exact:
        raise TypeError(f"{what}: ожидается Decimal или int, получено {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ChargeError(f"{what}: недопустимое значение {value}")
