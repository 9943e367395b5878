"""Tests for gkh_web.domain.commission: the rate, its rounding and minimum, in integer kopecks."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkh_web.domain.commission import (
    FREE,
    CommissionRate,
    RateError,
    commission_kopecks,
    describe_rate,
    format_percent,
    parse_percent,
    parse_rate_setting,
    percent_value,
)

NBSP = "\u00a0"
CARD = CommissionRate(100, 1000)
"""The sandbox's demo card: 1 %, at least 10 ₽."""


@pytest.mark.parametrize(("amount", "rate", "expected"), [
    (123456, CommissionRate(100), 1235),  # 1 234,56 ₽ × 1 % = 12,3456 ₽ → 12,35 ₽
    (50, CommissionRate(100), 1),  # 0,5 коп. rounds half up to 1 коп.
    (49, CommissionRate(100), 0),  # 0,49 коп. rounds down
    (150, CommissionRate(100), 2),  # 1,5 коп. → 2 коп.
    (100_000, CommissionRate(150), 1500),
    (123456, CommissionRate(25), 309),  # 123456 × 0,25 % = 308,64 коп. → 309
    (999, CARD, 1000),  # the minimum wins on small sums
    (100_000, CARD, 1000),  # 1 000 ₽ × 1 % = 10 ₽ = the minimum
    (200_000, CARD, 2000),
    (123456, FREE, 0),
    (1, CommissionRate(0, 500), 500),  # a flat fee is a minimum with a zero rate
    (1, CommissionRate(10_000), 1),  # 100 %
])
def test_commission_vectors(amount, rate, expected):
    assert commission_kopecks(amount, rate) == expected


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "100"])
def test_commission_needs_a_positive_integer_sum(amount):
    with pytest.raises(ValueError):
        commission_kopecks(amount, CARD)  # type: ignore[arg-type]  # the wrong types are the point


@given(st.integers(min_value=1, max_value=10**13), st.integers(min_value=0, max_value=10_000),
       st.integers(min_value=0, max_value=10**8))
def test_commission_is_the_rate_rounded_half_up_and_at_least_the_minimum(amount, basis_points, minimum):
    rate = CommissionRate(basis_points, minimum)
    exact = Decimal(amount) * basis_points / 10_000
    rounded = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert commission_kopecks(amount, rate) == max(rounded, minimum)


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=10**12),
       st.integers(min_value=0, max_value=10_000))
def test_commission_never_decreases_as_the_sum_grows(smaller, extra, basis_points):
    rate = CommissionRate(basis_points, 1000)
    assert commission_kopecks(smaller, rate) <= commission_kopecks(smaller + extra, rate)


@given(st.integers(min_value=1, max_value=10**13))
def test_a_free_rate_charges_nothing(amount):
    assert commission_kopecks(amount, FREE) == 0 and FREE.is_free


@pytest.mark.parametrize(("text", "rate"), [
    ("1%", CommissionRate(100)),
    ("1 %", CommissionRate(100)),
    ("1,5%", CommissionRate(150)),
    ("0.25%", CommissionRate(25)),
    ("0", FREE),
    ("0%", FREE),
    ("1% min 1000", CommissionRate(100, 1000)),
    ("  2.5 % MIN 50 ", CommissionRate(250, 50)),
    ("0 min 500", CommissionRate(0, 500)),
])
def test_settings_are_read(text, rate):
    assert parse_rate_setting(text) == rate


@pytest.mark.parametrize("text", ["", "-1%", "1.234%", "101%", "1e2", "abc", "1% min -5", "1% min", "1.5.5%"])
def test_bad_settings_are_refused(text):
    with pytest.raises(RateError):
        parse_rate_setting(text)


@pytest.mark.parametrize(("basis_points", "minimum"), [(-1, 0), (0, -1), (10_001, 0), (True, 0)])
def test_a_rate_is_sane_or_refused(basis_points, minimum):
    with pytest.raises(RateError):
        CommissionRate(basis_points, minimum)


@given(st.integers(min_value=0, max_value=10_000))
def test_percent_round_trips_through_the_gateway_string(basis_points):
    assert parse_percent(percent_value(basis_points)) == basis_points


@pytest.mark.parametrize(("rate", "text"), [
    (FREE, "без комиссии"),
    (CommissionRate(100), f"1{NBSP}%"),
    (CommissionRate(150, 1000), f"1,5{NBSP}%, не менее 10,00{NBSP}₽"),
    (CommissionRate(25), f"0,25{NBSP}%"),
    (CommissionRate(0, 500), f"5,00{NBSP}₽"),
])
def test_rates_are_described_in_russian(rate, text):
    assert describe_rate(rate) == text


def test_only_a_free_rate_is_said_to_be_free():
    assert format_percent(0) == f"0{NBSP}%"
    assert describe_rate(CommissionRate(0, 1)) != "без комиссии"
    assert describe_rate(CommissionRate(1, 0)) != "без комиссии"
