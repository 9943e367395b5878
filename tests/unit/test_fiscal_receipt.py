"""The fiscal receipt (54-ФЗ) of a payment: lines add up to what is charged, limits kept, one recipient."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkh_web.domain.fiscal_receipt import (
    COMMISSION_DESCRIPTION,
    MAX_DESCRIPTION,
    MAX_LINES,
    DocumentCharge,
    ReceiptError,
    build_receipt,
    clip,
    document_description,
)


def docs(*amounts: int) -> list[DocumentCharge]:
    return [DocumentCharge(f"ЖКУ за октябрь 2026, ПД № {n}", amount) for n, amount in enumerate(amounts, 1)]


def test_one_line_per_document_and_the_commission_as_its_own_line():
    receipt = build_receipt(docs(123456, 100), commission_kopecks=1235, charged_kopecks=124791,
                            email="ivanov@example.com")
    assert [(line.description, line.amount_kopecks, line.quantity) for line in receipt.lines] == [
        ("ЖКУ за октябрь 2026, ПД № 1", 123456, 1), ("ЖКУ за октябрь 2026, ПД № 2", 100, 1),
        (COMMISSION_DESCRIPTION, 1235, 1)]
    assert (receipt.email, receipt.phone, receipt.vat_code) == ("ivanov@example.com", None, 1)


def test_no_commission_no_commission_line():
    receipt = build_receipt(docs(500), commission_kopecks=0, charged_kopecks=500, email="a@b.ru")
    assert [line.description for line in receipt.lines] == ["ЖКУ за октябрь 2026, ПД № 1"]


def test_lines_must_add_up_to_what_is_charged():
    with pytest.raises(ReceiptError, match="add up"):
        build_receipt(docs(500), commission_kopecks=10, charged_kopecks=500, email="a@b.ru")


@given(st.lists(st.integers(1, 50_000_000), min_size=1, max_size=400), st.integers(0, 1_000_000))
def test_any_payment_gets_a_receipt_within_the_limits_that_adds_up_exactly(amounts, commission):
    charged = sum(amounts) + commission
    receipt = build_receipt(docs(*amounts), commission_kopecks=commission, charged_kopecks=charged, email="a@b.ru")
    assert receipt.total_kopecks == charged
    assert 1 <= len(receipt.lines) <= MAX_LINES
    assert all(0 < len(line.description) <= MAX_DESCRIPTION and line.amount_kopecks > 0 for line in receipt.lines)


def test_the_large_set_merges_the_tail_into_one_line():
    receipt = build_receipt(docs(*[100] * 360), commission_kopecks=7, charged_kopecks=36007, email="a@b.ru")
    assert len(receipt.lines) == MAX_LINES
    assert receipt.lines[-2].description == "Прочие платёжные документы ЖКУ (262 шт.)"
    assert receipt.lines[-2].amount_kopecks == 26200 and receipt.lines[-1].description == COMMISSION_DESCRIPTION


def test_a_long_description_is_cut_on_a_character():
    long = document_description("октябрь 2026", "№" * 200, "1001027")
    assert len(long) == MAX_DESCRIPTION and long.endswith("…")
    assert clip("  ЖКУ\nза\tоктябрь  ") == "ЖКУ за октябрь"


@pytest.mark.parametrize(("email", "phone", "expected"), [
    ("ivanov@example.com", "+79035550101", ("ivanov@example.com", None)),
    (None, "+7 903 555-01-01", (None, "79035550101")),
    ("", "+79035550101", (None, "79035550101")),
])
def test_the_receipt_goes_to_the_email_else_the_phone(email, phone, expected):
    receipt = build_receipt(docs(1), commission_kopecks=0, charged_kopecks=1, email=email, phone=phone)
    assert (receipt.email, receipt.phone) == expected


@pytest.mark.parametrize(("email", "phone"), [(None, None), ("", ""), (None, "12345")])
def test_without_a_contact_there_is_no_receipt(email, phone):
    with pytest.raises(ReceiptError, match="e-mail or mobile phone"):
        build_receipt(docs(1), commission_kopecks=0, charged_kopecks=1, email=email, phone=phone)


@pytest.mark.parametrize(("amounts", "commission", "vat"), [
    ((), 0, 1), ((0,), 0, 1), ((-5,), 0, 1), ((True,), 0, 1), ((100,), -1, 1), ((100,), 0, 0), ((100,), 0, 13),
])
def test_what_is_not_money_or_not_a_vat_code_is_refused(amounts, commission, vat):
    with pytest.raises(ReceiptError):
        build_receipt(docs(*amounts), commission_kopecks=commission, charged_kopecks=sum(amounts) + commission,
                      email="a@b.ru", vat_code=vat)
