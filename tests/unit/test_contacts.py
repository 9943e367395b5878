"""Phones, e-mails and the login guess of the ЕСИА sign-in form."""

from __future__ import annotations

import pytest

from gkh_web.domain.contacts import (
    MSG_EMAIL,
    MSG_PHONE,
    ContactError,
    format_phone,
    is_valid_email,
    is_valid_phone,
    login_kind,
    normalize_email,
    normalize_phone,
)


@pytest.mark.parametrize("typed", [
    "+7 (903) 555-01-01",
    "8 903 555 01 01",
    "89035550101",
    "+79035550101",
    "9035550101",
    "7 903 555-01-01",
    "  +7(903)5550101 ",
    "8-903-555-01-01",
    "+7\u00a0903\u00a0555\u201101\u201101",
])
def test_phone_in_any_usual_mask_becomes_plus7_and_ten_digits(typed):
    assert normalize_phone(typed) == "+79035550101"


@pytest.mark.parametrize("typed, expected", [
    ("8 (495) 123-45-67", "+74951234567"),
    ("+7 (343) 222-33-44", "+73432223344"),
    ("8 800 100-70-10", "+78001007010"),
])
def test_landlines_and_free_numbers_are_russian_phones_too(typed, expected):
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize("typed", [
    "", "   ", "+7", "903555010", "+7903555010", "+790355501011", "903555010111",
    "+8 903 555 01 01", "+1 202 555 0101", "9 903 555 01 01", "+7 (903) 555-01-0a",
    "ivanov@example.com", "+7 (703) 555-01-01", "+7 (603) 555-01-01", "+7 (103) 555-01-01",
    "++79035550101", "79035550101+",
])
def test_what_is_not_a_russian_phone_is_refused_with_the_hint(typed):
    with pytest.raises(ContactError) as error:
        normalize_phone(typed)
    assert str(error.value) == MSG_PHONE == "Телефон — 10 цифр после +7, например +7 (903) 555-01-01"
    assert not is_valid_phone(typed)


def test_phone_is_shown_the_gosuslugi_way():
    assert format_phone("+79035550101") == "+7 (903) 555-01-01"
    assert format_phone("84951234567") == "+7 (495) 123-45-67"
    with pytest.raises(ContactError):
        format_phone("12345")


@pytest.mark.parametrize("typed, expected", [
    ("ivanov@example.com", "ivanov@example.com"),
    ("  Ivanov@Example.COM ", "ivanov@example.com"),
    ("ivan.ivanov+gkh@mail.example.ru", "ivan.ivanov+gkh@mail.example.ru"),
    ("иванов@почта.рф", "иванов@почта.рф"),
    ("a@b.ru", "a@b.ru"),
    ("x" * 64 + "@example.com", "x" * 64 + "@example.com"),
])
def test_email_is_trimmed_and_lower_cased(typed, expected):
    assert normalize_email(typed) == expected
    assert is_valid_email(typed)


@pytest.mark.parametrize("typed", [
    "", "   ", "ivanov", "ivanov@", "@example.com", "ivanov@example", "ivanov@@example.com",
    "iv@nov@example.com", "ivan ov@example.com", "ivanov@exa mple.com", "ivanov@.example.com",
    "ivanov@example..com", "ivanov@example.com.", "x" * 65 + "@example.com",
    "a@" + "b" * 250 + ".ru",
])
def test_broken_email_is_refused_with_the_hint(typed):
    with pytest.raises(ContactError) as error:
        normalize_email(typed)
    assert str(error.value) == MSG_EMAIL == "Проверьте адрес электронной почты, например ivanov@example.com"
    assert not is_valid_email(typed)


def test_contact_error_is_a_value_error_so_forms_can_catch_either():
    assert issubclass(ContactError, ValueError)


@pytest.mark.parametrize("typed, kind", [
    ("ivanov@example.com", "email"),
    ("IVANOV@EXAMPLE.COM", "email"),
    ("not-an-email@", "email"),
    ("145-267-389 79", "snils"),
    ("145 267 389 79", "snils"),
    ("145-267-389-79", "snils"),
    ("14526738979", "snils"),
    (" 14526738979 ", "snils"),
    ("745-088-239 75", "snils"),
    ("+7 (903) 555-01-01", "phone"),
    ("8 903 555 01 01", "phone"),
    ("89035550101", "phone"),
    ("79035550101", "phone"),
    ("+79035550101", "phone"),
    ("9035550101", "phone"),
    ("8-903-555-01-01", "phone"),
    ("", "phone"),
    ("abc", "phone"),
])
def test_login_kind_follows_the_documented_rule(typed, kind):
    assert login_kind(typed) == kind
