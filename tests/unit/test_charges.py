"""Tests for gkh_web.domain.charges: payment document arithmetic in kopecks."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from gkh_web.domain.charges import (
    ChargeError,
    amount_due,
    charge_kopecks,
    check_service_line,
    document_total,
    line_to_pay,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("charged", "recalculation", "benefit", "to_pay"),
    [
        (100000, 0, 0, 100000),
        (100000, 5000, 0, 105000),
        (100000, -5000, 0, 95000),
        (100000, -5000, 20000, 75000),
        (0, -3000, 0, -3000),
        (123456, 1, 123457, 0),
    ],
)
def test_line_to_pay(charged, recalculation, benefit, to_pay):
    assert line_to_pay(charged, recalculation, benefit) == to_pay
    check_service_line(charged, recalculation, benefit, to_pay)


@pytest.mark.parametrize("bad", [1.5, "100", None, True, Decimal("1")])
def test_line_to_pay_requires_int_kopecks(bad):
    with pytest.raises(TypeError):
        line_to_pay(bad, 0, 0)
    with pytest.raises(TypeError):
        line_to_pay(0, bad, 0)
    with pytest.raises(TypeError):
        line_to_pay(0, 0, bad)


def test_check_service_line_message_shows_all_amounts():
    with pytest.raises(ChargeError) as error:
        check_service_line(100000, -5000, 20000, 80000)
    assert str(error.value) == (
        f"Строка не сходится: начислено 1{NBSP}000,00{NBSP}₽ + перерасчёт \u221250,00{NBSP}₽"
        f" − льгота 200,00{NBSP}₽ ≠ к оплате 800,00{NBSP}₽"
    )


@pytest.mark.parametrize("to_pay", [74999, 75001, -75000, 0])
def test_check_service_line_off_by_anything(to_pay):
    with pytest.raises(ChargeError, match="Строка не сходится"):
        check_service_line(100000, -5000, 20000, to_pay)


def test_check_service_line_rejects_negative_benefit():
    # Even though the arithmetic adds up, a negative «льгота» is a sign error in the import.
    with pytest.raises(ChargeError, match="Льгота не может быть отрицательной"):
        check_service_line(100000, 0, -100, 100100)


def test_check_service_line_rejects_negative_charge():
    with pytest.raises(ChargeError, match="Начислено не может быть отрицательным"):
        check_service_line(-100, 0, 0, -100)


def test_check_service_line_type_errors():
    with pytest.raises(TypeError):
        check_service_line(100, 0, 0, 1.0)
    with pytest.raises(TypeError):
        check_service_line("100", 0, 0, 100)


@pytest.mark.parametrize(
    ("lines", "debt_or_advance", "penalties", "total"),
    [
        ([100000, 50000], 0, 0, 150000),
        ([100000, 50000], 30000, 0, 180000),
        ([100000, 50000], -30000, 0, 120000),
        ([100000, 50000], 30000, 1234, 181234),
        ([100000], -250000, 0, -150000),
        ([], 0, 0, 0),
        ([], 5000, 100, 5100),
        ([100000, -3000], 0, 0, 97000),
    ],
)
def test_document_total(lines, debt_or_advance, penalties, total):
    assert document_total(lines, debt_or_advance, penalties) == total


def test_document_total_accepts_generators():
    assert document_total((amount for amount in (1, 2, 3)), 0, 0) == 6


def test_document_total_rejects_negative_penalties():
    with pytest.raises(ChargeError, match="Пени не могут быть отрицательными"):
        document_total([100], 0, -1)


def test_document_total_requires_ints():
    with pytest.raises(TypeError):
        document_total([100, 1.5], 0, 0)
    with pytest.raises(TypeError):
        document_total([100], Decimal("1"), 0)
    with pytest.raises(TypeError):
        document_total([100], 0, None)


@pytest.mark.parametrize(
    ("total", "paid", "due"),
    [
        (150000, 0, 150000),
        (150000, 50000, 100000),
        (150000, 150000, 0),
        (150000, 200000, 0),
        (-5000, 0, 0),
        (0, 0, 0),
    ],
)
def test_amount_due(total, paid, due):
    assert amount_due(total, paid) == due


def test_amount_due_rejects_negative_paid():
    with pytest.raises(ChargeError):
        amount_due(100, -1)


def test_amount_due_requires_ints():
    with pytest.raises(TypeError):
        amount_due(100.0, 0)


@pytest.mark.parametrize(
    ("volume", "tariff", "kopecks"),
    [
        (Decimal("4.512"), Decimal("52.94"), 23887),  # 238.86528 ₽
        (Decimal("1"), Decimal("52.94"), 5294),
        (Decimal("0"), Decimal("52.94"), 0),
        (Decimal("54.3"), Decimal("38.12"), 206992),  # 2069.916 ₽
        (Decimal("0.5"), Decimal("0.01"), 1),  # 0.005 ₽ → half up → 1 kopeck
        (Decimal("0.49"), Decimal("0.01"), 0),  # 0.0049 ₽
        (Decimal("0.15"), Decimal("0.1"), 2),  # 1.5 kopecks → 2
        (Decimal("0.25"), Decimal("0.1"), 3),  # 2.5 kopecks → 3 (not banker's 2)
        (Decimal("0.0000001"), Decimal("2345.678901"), 0),
        (Decimal("152.1234567"), Decimal("2345.678901"), 35683278),  # 356832.7827… ₽
        (3, Decimal("10.005"), 3002),  # 30.015 ₽ → 3001.5 → 3002
        (Decimal("1E+3"), 5, 500000),
    ],
)
def test_charge_kopecks(volume, tariff, kopecks):
    result = charge_kopecks(volume, tariff)
    assert result == kopecks
    assert type(result) is int


def half_up_kopecks(volume: str, tariff: str) -> int:
    """Independent reference: exact rational arithmetic, then round half up."""
    kopecks = Fraction(volume) * Fraction(tariff) * 100
    return math.floor(kopecks + Fraction(1, 2))


@pytest.mark.parametrize(
    ("volume", "tariff"),
    [
        ("123456789.1234567", "98765.432109"),  # product has more digits than Decimal's default 28
        ("99999999999.9999999", "999999.999999"),
        ("4.512", "52.94"),
        ("0.0000005", "1000"),
        ("12.3456789", "0.000001"),
        # 0.4999…9 kopecks with 31 significant digits: rounding the product to 28 digits
        # first would turn it into 0.5 and then into a whole kopeck.
        ("0.4999999999999999999999999999999", "0.01"),
    ],
)
def test_charge_kopecks_matches_exact_rational_rounding(volume, tariff):
    assert charge_kopecks(Decimal(volume), Decimal(tariff)) == half_up_kopecks(volume, tariff)


@pytest.mark.parametrize(
    ("volume", "tariff"), [(Decimal("-1"), Decimal("1")), (Decimal("1"), Decimal("-0.01"))]
)
def test_charge_kopecks_rejects_negative(volume, tariff):
    with pytest.raises(ChargeError):
        charge_kopecks(volume, tariff)


@pytest.mark.parametrize(
    ("volume", "tariff"),
    [(4.512, Decimal("52.94")), (Decimal("1"), 52.94), ("4.5", Decimal("1")), (True, Decimal("1"))],
)
def test_charge_kopecks_rejects_inexact_types(volume, tariff):
    with pytest.raises(TypeError):
        charge_kopecks(volume, tariff)


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity")])
def test_charge_kopecks_rejects_non_finite(bad):
    with pytest.raises(ChargeError):
        charge_kopecks(bad, Decimal("1"))


def test_charge_error_is_value_error():
    assert issubclass(ChargeError, ValueError)
