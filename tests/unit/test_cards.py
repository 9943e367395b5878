"""Tests for gkh_web.domain.cards: Luhn, brand detection, masking."""

import pytest

from gkh_web.domain.cards import (
    CardError,
    card_brand,
    format_pan,
    is_valid_card_number,
    luhn_is_valid,
    mask_pan,
    validate_card_number,
)

VALID_TEST_CARDS = [
    ("2200 0000 0000 0004", "МИР"),
    ("2200 7000 0000 0009", "МИР"),
    ("2204 0000 0000 0000 006", "МИР"),
    ("4111 1111 1111 1111", "Visa"),
    ("4222222222222", "Visa"),
    ("4000000000000000006", "Visa"),
    ("5555 5555 5555 4444", "Mastercard"),
    ("2221000000000009", "Mastercard"),
    ("2720000000000005", "Mastercard"),
    ("3530 1113 3330 0000", "JCB"),
    ("6200 0000 0000 0005", "UnionPay"),
    ("8171000000000000001", "UnionPay"),
    ("378282246310005", "American Express"),
    ("371449635398431", "American Express"),
    ("6759649826438453", "Maestro"),
    ("5018000000000009", "Maestro"),
    ("501800000009", "Maestro"),
    ("6304000000000000", "Maestro"),
    ("4936980000000004", "Maestro"),
]


@pytest.mark.parametrize(("pan", "brand"), VALID_TEST_CARDS)
def test_valid_test_cards(pan, brand):
    assert luhn_is_valid(pan)
    assert card_brand(pan) == brand
    assert is_valid_card_number(pan)
    assert validate_card_number(pan) == pan.replace(" ", "")


@pytest.mark.parametrize(
    "pan",
    ["2200000000000005", "4111111111111112", "5555555555555555", "378282246310006", "79927398710"],
)
def test_luhn_rejects_typos(pan):
    assert not luhn_is_valid(pan)


def test_luhn_classic_example():
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398710")


def test_luhn_detects_adjacent_swap():
    assert luhn_is_valid("4111111111111111")
    assert not luhn_is_valid("1411111111111111")


@pytest.mark.parametrize(
    "pan", ["", "   ", "abcd", "4111 1111 1111 111a", "4111.1111.1111.1111", None]
)
def test_luhn_rejects_non_digits(pan):
    assert not luhn_is_valid(pan)


def test_luhn_accepts_hyphens_and_spaces():
    assert luhn_is_valid("4111-1111-1111-1111")
    assert luhn_is_valid(" 4111 1111\t1111 1111 ")


@pytest.mark.parametrize(
    ("prefix", "brand"),
    [
        ("2200", "МИР"),
        ("2201", "МИР"),
        ("2204", "МИР"),
        ("2205", None),
        ("2220", None),
        ("2221", "Mastercard"),
        ("2720", "Mastercard"),
        ("2721", None),
        ("4", "Visa"),
        ("4936", "Visa"),
        ("493698", "Maestro"),
        ("51", "Mastercard"),
        ("55", "Mastercard"),
        ("500000", "Maestro"),
        ("504174", "Maestro"),
        ("504175", None),
        ("504176", "Maestro"),
        ("506698", "Maestro"),
        ("506699", None),
        ("506779", "Maestro"),
        ("508999", "Maestro"),
        ("509000", None),
        ("56", "Maestro"),
        ("59", "Maestro"),
        ("34", "American Express"),
        ("37", "American Express"),
        ("35", None),
        ("3528", "JCB"),
        ("3589", "JCB"),
        ("3590", None),
        ("2131", "JCB"),
        ("1800", "JCB"),
        ("62", "UnionPay"),
        ("6212", "UnionPay"),
        ("8100", "UnionPay"),
        ("8171", "UnionPay"),
        ("8172", None),
        ("63", "Maestro"),
        ("67", "Maestro"),
        ("6011", "Maestro"),
        ("1", None),
        ("9", None),
        ("", None),
    ],
)
def test_card_brand_by_prefix(prefix, brand):
    assert card_brand(prefix + "0" * (16 - len(prefix))) == brand


def test_card_brand_works_on_partial_input():
    assert card_brand("4") == "Visa"
    assert card_brand("2200") == "МИР"
    assert card_brand("22") is None
    assert card_brand("6") == "Maestro"
    assert card_brand("62") == "UnionPay"


def test_card_brand_of_garbage_is_none():
    assert card_brand("4111 abcd") is None
    assert card_brand(None) is None


@pytest.mark.parametrize(
    ("pan", "message"),
    [
        ("", "Введите номер карты"),
        ("   ", "Введите номер карты"),
        ("2200 0000 000", "Номер карты — от 12 до 19 цифр"),
        ("2200 0000 0000 0000 0004", "Номер карты — от 12 до 19 цифр"),
        ("2200 0000 0000 000x", "Номер карты — от 12 до 19 цифр"),
        ("9000 0000 0000 0008", "Карты этой платёжной системы не принимаются"),
        ("2200 0000 0000 09", "Проверьте количество цифр в номере карты"),
        ("5555 5555 5555 5555 4", "Проверьте количество цифр в номере карты"),
        ("3782 8224 6310 0005", "Проверьте количество цифр в номере карты"),
        ("4111 1111 1111 1112", "Проверьте номер карты: в нём опечатка"),
    ],
)
def test_validate_card_number_messages(pan, message):
    with pytest.raises(CardError) as error:
        validate_card_number(pan)
    assert str(error.value) == message
    assert not is_valid_card_number(pan)


def test_visa_17_digits_is_not_a_valid_length():
    pan = "4" + "0" * 15
    for last in "0123456789":
        candidate = pan + last
        if luhn_is_valid(candidate):
            break
    assert len(candidate) == 17
    assert not is_valid_card_number(candidate)


@pytest.mark.parametrize(
    ("pan", "masked"),
    [
        ("2200000000000004", "2200 •••• •••• 0004"),
        ("2200 0000 0000 0004", "2200 •••• •••• 0004"),
        ("378282246310005", "3782 •••• ••• 0005"),
        ("2204000000000000006", "2204 •••• •••• ••• 0006"),
        ("501800000009", "5018 •••• 0009"),
        ("1234", "•••• 1234"),
        ("", "••••"),
    ],
)
def test_mask_pan(pan, masked):
    assert mask_pan(pan) == masked


def test_mask_pan_never_shows_middle_digits():
    masked = mask_pan("4111 2222 3333 4444")
    assert "2222" not in masked and "3333" not in masked
    assert sum(char.isdigit() for char in masked) == 8


@pytest.mark.parametrize(
    ("pan", "formatted"),
    [
        ("2200000000000004", "2200 0000 0000 0004"),
        ("2200-0000-0000-0004", "2200 0000 0000 0004"),
        ("220000", "2200 00"),
        ("378282246310005", "3782 8224 6310 005"),
        ("2204000000000000006", "2204 0000 0000 0000 006"),
        ("", ""),
    ],
)
def test_format_pan(pan, formatted):
    assert format_pan(pan) == formatted


def test_card_error_is_value_error():
    assert issubclass(CardError, ValueError)
