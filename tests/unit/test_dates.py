"""Tests for gkh_web.domain.dates: Russian month names, periods, deadlines."""

from datetime import date, datetime

import pytest

from gkh_web.domain.dates import (
    MONTHS_GENITIVE,
    MONTHS_NOMINATIVE,
    due_date,
    format_date,
    format_date_numeric,
    format_moment,
    format_period,
    format_period_capitalized,
    format_period_numeric,
    issue_date,
    shift_month,
)


def test_month_tables():
    assert MONTHS_NOMINATIVE == (
        "январь", "февраль", "март", "апрель", "май", "июнь",
        "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
    )  # fmt: skip
    assert MONTHS_GENITIVE == (
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    )  # fmt: skip
    assert isinstance(MONTHS_NOMINATIVE, tuple) and isinstance(MONTHS_GENITIVE, tuple)


@pytest.mark.parametrize(
    ("year", "month", "text"),
    [
        (2026, 11, "ноябрь 2026"),
        (2026, 1, "январь 2026"),
        (2025, 5, "май 2025"),
        (2027, 12, "декабрь 2027"),
    ],
)
def test_format_period(year, month, text):
    assert format_period(year, month) == text
    assert format_period_capitalized(year, month) == text[0].upper() + text[1:]


def test_format_period_capitalized_example():
    assert format_period_capitalized(2026, 11) == "Ноябрь 2026"


@pytest.mark.parametrize(
    ("year", "month", "text"), [(2026, 11, "11.2026"), (2026, 1, "01.2026"), (2024, 12, "12.2024")]
)
def test_format_period_numeric(year, month, text):
    assert format_period_numeric(year, month) == text


@pytest.mark.parametrize("month", [0, 13, -1, "11", True])
def test_bad_month_is_rejected(month):
    with pytest.raises(ValueError, match="Месяц"):
        format_period(2026, month)
    with pytest.raises(ValueError):
        format_period_numeric(2026, month)
    with pytest.raises(ValueError):
        shift_month(2026, month, 1)


@pytest.mark.parametrize(
    ("day", "text", "numeric"),
    [
        (date(2026, 11, 5), "5 ноября 2026 г.", "05.11.2026"),
        (date(2026, 3, 1), "1 марта 2026 г.", "01.03.2026"),
        (date(2026, 5, 31), "31 мая 2026 г.", "31.05.2026"),
        (date(2027, 1, 15), "15 января 2027 г.", "15.01.2027"),
        (datetime(2026, 8, 20, 23, 59), "20 августа 2026 г.", "20.08.2026"),
    ],
)
def test_format_date(day, text, numeric):
    assert format_date(day) == text
    assert format_date_numeric(day) == numeric


@pytest.mark.parametrize(
    ("year", "month", "delta", "result"),
    [
        (2026, 11, 1, (2026, 12)),
        (2026, 12, 1, (2027, 1)),
        (2026, 1, -1, (2025, 12)),
        (2026, 11, 0, (2026, 11)),
        (2026, 11, 14, (2028, 1)),
        (2026, 11, -23, (2024, 12)),
        (2026, 11, -24, (2024, 11)),
        (2026, 6, 12, (2027, 6)),
    ],
)
def test_shift_month(year, month, delta, result):
    assert shift_month(year, month, delta) == result


@pytest.mark.parametrize(
    ("year", "month", "due"),
    [
        (2026, 11, date(2026, 12, 15)),
        (2026, 12, date(2027, 1, 15)),
        (2026, 1, date(2026, 2, 15)),
        (2026, 2, date(2026, 3, 15)),
    ],
)
def test_due_date_is_15th_of_next_month(year, month, due):
    assert due_date(year, month) == due


@pytest.mark.parametrize(
    ("year", "month", "issued"),
    [(2026, 11, date(2026, 12, 1)), (2026, 12, date(2027, 1, 1)), (2024, 2, date(2024, 3, 1))],
)
def test_issue_date_is_1st_of_next_month(year, month, issued):
    assert issue_date(year, month) == issued


def test_issue_comes_before_due():
    for month in range(1, 13):
        assert issue_date(2026, month) < due_date(2026, month)


@pytest.mark.parametrize(("moment", "text"), [
    (datetime(2026, 11, 5, 9, 7), "5 ноября 2026 г., 09:07"),
    (datetime(2026, 1, 31, 23, 59, 59), "31 января 2026 г., 23:59"),
])
def test_format_moment_reads_like_a_due_date(moment, text):
    assert format_moment(moment) == text
    assert format_moment(moment).startswith(format_date(moment.date()))
