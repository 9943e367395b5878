"""Tests for gkh_web.domain.money: parsing typed sums and Russian formatting."""

from decimal import Decimal

import pytest

from gkh_web.domain.money import (
    MoneyError,
    format_amount,
    format_rubles,
    parse_rubles,
)

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("text", "kopecks"),
    [
        ("1 234,56", 123456),
        ("1234.56", 123456),
        ("1234,56", 123456),
        ("1234", 123400),
        ("1 234", 123400),
        (f"1{NBSP}234,56", 123456),
        (f"1{NNBSP}234,56", 123456),
        (f"1{NBSP}234{NBSP}567,89", 123456789),
        ("12,5", 1250),
        ("12.5", 1250),
        ("0,01", 1),
        ("0", 0),
        ("0,00", 0),
        ("  42  ", 4200),
        (f"{NBSP}42{NBSP}", 4200),
        ("1 234,56 ₽", 123456),
        (f"1{NBSP}234,56{NBSP}₽", 123456),
        ("1234,56₽", 123456),
        ("100 руб.", 10000),
        ("100 руб", 10000),
        ("100 р.", 10000),
        ("100р.", 10000),
        ("100 Руб.", 10000),
        ("100 рублей", 10000),
        (",5", 50),
        ("12,", 1200),
        ("007", 700),
        ("999 999 999 999 999,99", 99999999999999999),
        ("999999999999999", 99999999999999900),
    ],
)
def test_parse_rubles_accepts_common_spellings(text, kopecks):
    assert parse_rubles(text) == kopecks


def test_parse_rubles_returns_int():
    assert type(parse_rubles("1,5")) is int


@pytest.mark.parametrize("text", ["", "   ", "\u00a0", "₽", " руб. "])
def test_parse_rubles_empty(text):
    with pytest.raises(MoneyError) as error:
        parse_rubles(text)
    assert str(error.value) == "Введите сумму"


def test_parse_rubles_none_is_treated_as_empty():
    with pytest.raises(MoneyError, match="Введите сумму"):
        parse_rubles(None)


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "12abc",
        "1o0",
        "1,2,3",
        "1.234,56",
        "1 2",
        "12 34",
        "1  234",
        "1234 567",
        ".",
        ",",
        "+5",
        "5-",
        "1e3",
        "NaN",
        "Infinity",
        "١٢٣",
        "１２",
        "$100",
        "100 $",
        "100 EUR",
        "- abc",
    ],
)
def test_parse_rubles_rejects_garbage(text):
    with pytest.raises(MoneyError) as error:
        parse_rubles(text)
    assert str(error.value) == "Сумма должна быть числом, например 1 234,56"


@pytest.mark.parametrize("text", ["1,234", "0,001", "12.345", "1 234,567 ₽", "1,500"])
def test_parse_rubles_rejects_more_than_two_decimals(text):
    with pytest.raises(MoneyError) as error:
        parse_rubles(text)
    assert str(error.value) == "Не больше двух знаков после запятой"


@pytest.mark.parametrize("text", ["-5", "−5", "- 5", "-1 234,56 ₽", "–10", "-0,01"])
def test_parse_rubles_rejects_negative(text):
    with pytest.raises(MoneyError) as error:
        parse_rubles(text)
    assert str(error.value) == "Сумма не может быть отрицательной"


@pytest.mark.parametrize("text", ["1" * 16, "1" * 16 + ",00", "9 999 999 999 999 999", "1" * 200])
def test_parse_rubles_rejects_absurdly_long_input(text):
    with pytest.raises(MoneyError, match="Слишком большая сумма"):
        parse_rubles(text)


def test_money_error_is_value_error():
    assert issubclass(MoneyError, ValueError)


@pytest.mark.parametrize(
    ("kopecks", "text"),
    [
        (0, f"0,00{NBSP}₽"),
        (1, f"0,01{NBSP}₽"),
        (50, f"0,50{NBSP}₽"),
        (100, f"1,00{NBSP}₽"),
        (99999, f"999,99{NBSP}₽"),
        (100000, f"1{NBSP}000,00{NBSP}₽"),
        (123456, f"1{NBSP}234,56{NBSP}₽"),
        (123456750, f"1{NBSP}234{NBSP}567,50{NBSP}₽"),
        (-123450, f"\u22121{NBSP}234,50{NBSP}₽"),
        (-1, f"\u22120,01{NBSP}₽"),
    ],
)
def test_format_rubles(kopecks, text):
    assert format_rubles(kopecks) == text


def test_format_rubles_uses_nbsp_only():
    text = format_rubles(123456789)
    assert " " not in text
    assert text.count(NBSP) == 3


@pytest.mark.parametrize(
    ("kopecks", "text"),
    [(0, "0,00"), (123456, f"1{NBSP}234,56"), (1250, "12,50"), (-5, "\u22120,05")],
)
def test_format_amount(kopecks, text):
    assert format_amount(kopecks) == text


@pytest.mark.parametrize("kopecks", [0, 1, 99, 100, 1250, 123456, 100000000, 99999999999999999])
def test_format_amount_round_trips_through_parse(kopecks):
    assert parse_rubles(format_amount(kopecks)) == kopecks
    assert parse_rubles(format_rubles(kopecks)) == kopecks


@pytest.mark.parametrize("bad", [1.5, "100", Decimal("1"), None, True])
def test_format_rejects_non_int(bad):
    with pytest.raises(TypeError):
        format_rubles(bad)
    with pytest.raises(TypeError):
        format_amount(bad)
