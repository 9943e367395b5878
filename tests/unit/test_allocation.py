"""Tests for gkh_web.domain.allocation: typed amounts and the sums of a selection, to the kopeck."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkh_web.domain.allocation import (
    MSG_ZERO,
    NOTE_ADVANCE,
    NOTE_PARTIAL,
    STATUS_TEXTS,
    AmountCheck,
    DocumentChoice,
    cap_message,
    check_document_amount,
    document_status,
    selection_figures,
)
from gkh_web.domain.money import (
    MSG_EMPTY,
    MSG_NEGATIVE,
    MSG_NOT_A_NUMBER,
    MSG_TOO_LARGE,
    MSG_TOO_PRECISE,
    format_amount,
)

NBSP = "\u00a0"
CAP = 500_000_00
DUE = 5_234_56


def check(text: str, due: int = DUE, cap: int = CAP) -> AmountCheck:
    return check_document_amount(text, due_kopecks=due, cap_kopecks=cap)


# --- Typed amounts: examples ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kopecks"), [
    ("1 234,56", 123456),
    (f"1{NBSP}234,56", 123456),
    ("1234.56", 123456),
    ("1234", 123400),
    ("1 234,5", 123450),
    ("0,01", 1),
    ("5 234,56 ₽", DUE),
])
def test_accepts_russian_and_plain_spellings(text, kopecks):
    result = check(text)
    assert (result.kopecks, result.error) == (kopecks, "")
    assert result.ok


@pytest.mark.parametrize(("text", "message"), [
    ("", MSG_EMPTY),
    ("   ", MSG_EMPTY),
    ("abc", MSG_NOT_A_NUMBER),
    ("12a", MSG_NOT_A_NUMBER),
    ("сто", MSG_NOT_A_NUMBER),
    ("12 34", MSG_NOT_A_NUMBER),
    ("1,234", MSG_TOO_PRECISE),
    ("1.005", MSG_TOO_PRECISE),
    ("-5", MSG_NEGATIVE),
    ("−1 234,56", MSG_NEGATIVE),
    ("0", MSG_ZERO),
    ("0,00", MSG_ZERO),
    ("0.0", MSG_ZERO),
    ("9999999999999999", MSG_TOO_LARGE),
    ("500 000,01", f"Не больше 500{NBSP}000,00{NBSP}₽ по одному документу"),
    ("1 000 000", f"Не больше 500{NBSP}000,00{NBSP}₽ по одному документу"),
])
def test_each_bad_amount_has_its_message(text, message):
    result = check(text)
    assert result == AmountCheck(None, message, "")
    assert not result.ok


def test_cap_message_formats_the_configured_cap():
    assert cap_message(CAP) == "Не больше 500\u00a0000,00\u00a0₽ по одному документу"
    assert check("100,01", cap=10_000).error == "Не больше 100,00\u00a0₽ по одному документу"


def test_cap_edge_exactly_cap_is_accepted_one_kopeck_more_is_not():
    assert check(format_amount(CAP)).kopecks == CAP
    assert check("500 000").kopecks == CAP
    assert check(format_amount(CAP + 1)) == AmountCheck(None, cap_message(CAP), "")
    assert check("500000.01").kopecks is None


@pytest.mark.parametrize(("text", "due", "note"), [
    ("5 234,56", DUE, ""),
    ("5 234,57", DUE, NOTE_ADVANCE),
    ("6000", DUE, NOTE_ADVANCE),
    ("5 234,55", DUE, NOTE_PARTIAL),
    ("100", DUE, NOTE_PARTIAL),
    ("100", 0, NOTE_ADVANCE),
])
def test_notes_advance_and_partial_payment(text, due, note):
    assert check(text, due=due).note == note
    assert note in ("", "Аванс", "Частичная оплата")


def test_not_a_string_is_treated_as_empty():
    assert check(None) == AmountCheck(None, MSG_EMPTY, "")  # type: ignore[arg-type]


@pytest.mark.parametrize(("total", "paid", "in_progress", "status"), [
    (1000, 0, False, "unpaid"),
    (1000, 400, False, "partially_paid"),
    (1000, 1000, False, "paid"),
    (1000, 1200, False, "paid"),
    (-500, 0, False, "paid"),
    (0, 0, False, "paid"),
    (1000, 0, True, "in_progress"),
    (1000, 1000, True, "in_progress"),
])
def test_document_status(total, paid, in_progress, status):
    assert document_status(total_kopecks=total, paid_kopecks=paid, in_progress=in_progress) == status
    assert STATUS_TEXTS[status] in ("Не оплачен", "Оплачен частично", "Оплачен", "Платёж в обработке")


# --- Typed amounts: properties --------------------------------------------------------------------


@given(st.integers(1, CAP), st.integers(0, CAP), st.booleans())
def test_any_valid_amount_round_trips_in_both_spellings(kopecks, due, russian):
    rubles, rest = divmod(kopecks, 100)
    text = format_amount(kopecks) if russian else f"{rubles}.{rest:02d}"
    result = check(text, due=due)
    assert (result.kopecks, result.error) == (kopecks, "")
    expected_note = NOTE_ADVANCE if kopecks > due else NOTE_PARTIAL if kopecks < due else ""
    assert result.note == expected_note


@given(st.text(max_size=30), st.integers(0, CAP))
def test_any_text_gives_either_an_amount_within_bounds_or_a_message(text, due):
    result = check(text, due=due)
    if result.kopecks is None:
        assert result.error and result.note == ""
    else:
        assert type(result.kopecks) is int and 1 <= result.kopecks <= CAP and result.error == ""


@given(st.integers(CAP + 1, 10 ** 15))
def test_everything_above_the_cap_is_refused(kopecks):
    assert check(format_amount(kopecks)) == AmountCheck(None, cap_message(CAP), "")


# --- Selections: properties -------------------------------------------------------------------------


@st.composite
def selections(draw) -> list[DocumentChoice]:
    """A random tree: 1–6 accounts, 0–8 documents each, random amounts (some invalid) and ticks."""
    choices = []
    document_id = 0
    for account_id in range(1, draw(st.integers(1, 6)) + 1):
        for _ in range(draw(st.integers(0, 8))):
            document_id += 1
            amount = draw(st.one_of(st.none(), st.integers(1, CAP)))
            choices.append(DocumentChoice(document_id, account_id, draw(st.booleans()), amount))
    return draw(st.permutations(choices))


def expected_total(choices: list[DocumentChoice]) -> int:
    total = 0
    for choice in choices:
        if choice.selected and choice.amount_kopecks is not None:
            total += choice.amount_kopecks
    return total


def figures(choices: list[DocumentChoice]):
    return selection_figures(choices)


@given(selections())
def test_total_is_the_sum_of_selected_valid_amounts_and_of_account_sums(choices):
    found = figures(choices)
    assert type(found.total_kopecks) is int
    assert found.total_kopecks == expected_total(choices)
    accounts = {choice.account_id for choice in choices}
    assert set(found.account_kopecks) == accounts
    assert found.total_kopecks == sum(found.account_kopecks.values())
    for account_id in accounts:
        own = [choice for choice in choices if choice.account_id == account_id]
        assert found.account_kopecks[account_id] == expected_total(own)


@given(selections(), st.data())
def test_toggling_one_document_moves_the_total_by_exactly_its_amount(choices, data):
    if not choices:
        return
    index = data.draw(st.integers(0, len(choices) - 1))
    choice = choices[index]
    toggled = list(choices)
    toggled[index] = DocumentChoice(choice.document_id, choice.account_id, not choice.selected, choice.amount_kopecks)
    before, after = figures(choices), figures(toggled)
    delta = after.total_kopecks - before.total_kopecks
    amount = choice.amount_kopecks or 0
    assert delta == (amount if not choice.selected else -amount)
    assert after.account_kopecks[choice.account_id] - before.account_kopecks[choice.account_id] == delta


@given(selections(), st.data())
def test_invalid_amounts_never_count_and_block_proceeding(choices, data):
    if not choices:
        assert not figures(choices).can_proceed and figures(choices).total_kopecks == 0
        return
    index = data.draw(st.integers(0, len(choices) - 1))
    choice = choices[index]
    broken = list(choices)
    broken[index] = DocumentChoice(choice.document_id, choice.account_id, True, None)
    without = [other for position, other in enumerate(choices) if position != index]
    assert figures(broken).total_kopecks == figures(without).total_kopecks
    assert not figures(broken).can_proceed


@given(selections())
def test_can_proceed_means_nothing_invalid_selected_and_a_positive_total(choices):
    invalid = any(choice.selected and choice.amount_kopecks is None for choice in choices)
    assert figures(choices).can_proceed == (not invalid and expected_total(choices) > 0)


def test_unselected_invalid_amount_does_not_block():
    choices = [DocumentChoice(1, 1, True, 100), DocumentChoice(2, 1, False, None)]
    assert figures(choices).can_proceed
    assert figures(choices).total_kopecks == 100


def test_nothing_selected_cannot_proceed():
    choices = [DocumentChoice(1, 1, False, 100), DocumentChoice(2, 2, False, 200)]
    assert figures(choices) == selection_figures(choices, [1, 2]) and figures(choices).total_kopecks == 0
    assert not figures(choices).can_proceed
    assert not figures([]).can_proceed


def test_every_account_shown_gets_a_figure_even_with_nothing_counted():
    found = selection_figures([DocumentChoice(1, 1, True, 250)], [1, 2, 3])
    assert found.account_kopecks == {1: 250, 2: 0, 3: 0} and found.total_kopecks == 250
