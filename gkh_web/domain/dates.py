"""Расчётные периоды и даты по-русски, сроки оплаты по ЖК РФ.

A billing period is a (year, month) pair. Month + year uses the nominative
month («ноябрь 2026», also after «за»), a date with a day uses the genitive
(«5 ноября 2026 г.»), see design/domain.md §7.
"""

from __future__ import annotations

from datetime import date, datetime

MONTHS_NOMINATIVE: tuple[str, ...] = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)

MONTHS_GENITIVE: tuple[str, ...] = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)

PAYMENT_DUE_DAY = 15
"""ЖК РФ ст. 155 (с 1 марта 2026): плата вносится до 15-го числа следующего месяца."""

ISSUE_DAY = 1
"""Платёжный документ выставляется 1-го числа следующего месяца (доставка — не позднее 5-го)."""


def _check_month(month: int) -> None:
    """Reject month numbers outside 1–12 before they index the month tables."""
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError(f"Месяц должен быть числом от 1 до 12, получено {month!r}")


def format_period(year: int, month: int) -> str:
    """«ноябрь 2026» — for use inside a sentence: «Оплата ЖКУ за ноябрь 2026»."""
    _check_month(month)
    return f"{MONTHS_NOMINATIVE[month - 1]} {year}"


def format_period_capitalized(year: int, month: int) -> str:
    """«Ноябрь 2026» — for headings and the start of a sentence."""
    period = format_period(year, month)
    return period[0].upper() + period[1:]


def format_period_numeric(year: int, month: int) -> str:
    """«11.2026» — the compact form banks use in «ПРД 11.2026»."""
    _check_month(month)
    return f"{month:02d}.{year}"


def format_date(day: date) -> str:
    """«5 ноября 2026 г.» — the genitive month, as Russians write full dates."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def format_moment(moment: datetime) -> str:
    """«5 ноября 2026 г., 09:07» — a date and a time in the same style as ``format_date``, so that a
    payment's time and a document's due date read alike on every page (the caller picks the zone)."""
    return f"{format_date(moment.date())}, {moment.hour:02d}:{moment.minute:02d}"


def format_date_numeric(day: date) -> str:
    """«05.11.2026» — for tables and receipts."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """Move a period by ``delta`` months across year boundaries: (2026, 12) + 1 → (2027, 1)."""
    _check_month(month)
    index = year * 12 + (month - 1) + delta
    new_year, new_month_index = divmod(index, 12)
    return new_year, new_month_index + 1


def due_date(year: int, month: int) -> date:
    """Last day to pay for a period without пени: the 15th of the next month."""
    next_year, next_month = shift_month(year, month, 1)
    return date(next_year, next_month, PAYMENT_DUE_DAY)


def issue_date(year: int, month: int) -> date:
    """Date the payment document for a period is issued: the 1st of the next month."""
    next_year, next_month = shift_month(year, month, 1)
    return date(next_year, next_month, ISSUE_DAY)
