"""The redaction net of the logs (``observability.redaction``): every shape of a СНИЛС, a phone, an e-mail
and a card number that a careless line could carry is masked; ids, sums, times and ordinary words are not."""

from __future__ import annotations

import logging

import pytest

from gkh_web.observability.redaction import MASK, RedactionFilter, luhn_valid, redact
from gkh_web.sandbox_gateway.cards import TEST_CARDS
from gkh_web.services.data.demo_data import DEMO_LOGINS


@pytest.mark.parametrize("text", [
    "145-267-389 79", "145-267-389-79", "14526738979", "145 267 389 79",
    "+79035550101", "+7 903 555-01-01", "+7 (903) 555-01-01", "8 (903) 555-01-01", "89035550101",
    "ivanov@example.com", "Kvitanciya.Test+1@mail.example.ru",
    "2202 4743 0132 2987", "2202474301322987", "4242-4242-4242-4242", "370000000000002",
])
def test_each_shape_is_masked(text):
    assert redact(f"login «{text}» refused") == f"login «{MASK}» refused"


def test_every_demo_identifier_and_test_card_is_masked():
    for login in DEMO_LOGINS:
        for value in (login.snils, f"{login.snils[:3]}-{login.snils[3:6]}-{login.snils[6:9]} {login.snils[9:]}",
                      login.phone, login.phone.removeprefix("+"), login.email):
            assert value not in redact(f"x {value} y"), value
    for number in TEST_CARDS:
        spaced = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
        assert redact(number) == MASK and redact(spaced) == MASK


@pytest.mark.parametrize("text", [
    "payment 3f2a9c0d1e4b5a6978877665544332211 → succeeded",  # a public id (uuid hex)
    "correlation_id 0123456789abcdef", "GET /pay/result 200 12.3 ms", "1 234,56 ₽ за октябрь 2026",
    "лицевой счёт 5600100064", "ИНН 7718012340", "ЕЛС 77НР482913", "2026-11-30T18:45:12.123+00:00",
    "pid 15478", "event 1733000000123", "4242424242424241",  # 16 digits failing the Luhn check: not a card
])
def test_ordinary_text_is_kept(text):
    assert redact(text) == text


def test_luhn():
    assert luhn_valid("4242424242424242") and luhn_valid("2202474301322987")
    assert not luhn_valid("4242424242424241")


def test_the_filter_masks_arguments_and_exceptions():
    record = logging.LogRecord("t", logging.INFO, "", 0, "sign-in by %s", ("+79035550101",), None)
    try:
        raise ValueError("snils 14526738979 is taken")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactionFilter().filter(record)
    assert record.getMessage() == f"sign-in by {MASK}"
    assert "14526738979" not in record.exc_text and MASK in record.exc_text and record.exc_info is None


def test_a_reflex_tab_token_is_masked():
    line = "Attempting to send delta to disconnected client 'f65d2692-c714-4eb8-a5d6-f9b94faa34c6'"
    assert redact(line) == "Attempting to send delta to disconnected client '[токен]'"
