"""Tests for gkh_web.domain.quantities: volumes and tariffs as Russian decimal text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkh_web.domain.quantities import format_decimal, format_tariff, format_volume

NBSP = "\u00a0"


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("4.5120"), "4,512"),
    (Decimal("54.3000"), "54,3"),
    (Decimal("1.0000"), "1"),
    (Decimal("100.0000"), "100"),
    (Decimal("1E+2"), "100"),
    (Decimal("0.0000"), "0"),
    (Decimal("0.6516"), "0,6516"),
    (Decimal("1234.5"), f"1{NBSP}234,5"),
    (Decimal("-2.50"), "−2,5"),
    (7, "7"),
])
def test_format_decimal(value, text):
    assert format_decimal(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("52.9400"), f"52,94{NBSP}₽"),
    (Decimal("38.4000"), f"38,40{NBSP}₽"),
    (Decimal("3412.5600"), f"3{NBSP}412,56{NBSP}₽"),
    (Decimal("62"), f"62,00{NBSP}₽"),
    (Decimal("1.2345"), f"1,2345{NBSP}₽"),
    (None, "—"),
])
def test_format_tariff(value, text):
    assert format_tariff(value) == text


def test_format_volume():
    assert format_volume(Decimal("4.5120"), "м³") == f"4,512{NBSP}м³"
    assert format_volume(Decimal("1.0000"), "шт.") == f"1{NBSP}шт."
    assert format_volume(None, "м³") == "—"


@pytest.mark.parametrize("bad", [1.5, "1", True])
def test_floats_and_text_are_refused(bad):
    with pytest.raises(TypeError):
        format_decimal(bad)


@given(st.decimals(min_value=0, max_value=10 ** 9, places=4, allow_nan=False, allow_infinity=False))
def test_text_reads_back_to_the_same_number(value):
    text = format_decimal(value)
    assert "E" not in text and not text.endswith(",")
    assert Decimal(text.replace(NBSP, "").replace(",", ".")) == value
