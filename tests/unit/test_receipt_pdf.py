"""The PDF receipt opens and shows the payment's amounts, commission, recipients and masked card."""

import io

from pypdf import PdfReader

from gkh_web.services.payments import PaymentItemView, PaymentView
from gkh_web.services.payments.receipt_pdf import receipt_pdf

VIEW = PaymentView(
    number="П-000042", public_id="abc", created_text="25 ноября 2026 г., 18:34", amount_kopecks=1_234_550,
    amount_text="12\u00a0345,50\u00a0₽", status="succeeded", status_text="Оплачено",
    in_progress=False, card_text="МИР •••• 2987", method_text="банковская карта МИР •••• 2987",
    items=[
        PaymentItemView("ПД-2026-10-000084", "октябрь 2026", "1001042", "10\u00a0775,38\u00a0₽",
                        "ООО «УК «Рассвет», ИНН 7718012340, р/с 40702810200000012345 в ПАО Сбербанк, БИК 044525225"),
        PaymentItemView("ПД-2026-10-000085", "октябрь 2026", "СК-56003", "1\u00a0570,12\u00a0₽",
                        "ООО «УК «Северный квартал», ИНН 7728045610, р/с 40702810000000000001 в Банк ВТБ (ПАО), "
                        "БИК 044525187"),
    ],
    commission_kopecks=12_346, commission_text="123,46\u00a0₽", charged_text="12\u00a0468,96\u00a0₽",
    status_name="Оплачено",
)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    return " ".join(text.split())  # justified lines come out with doubled spaces and breaks


def test_the_receipt_is_a_pdf_with_the_amounts_and_recipients():
    pdf = receipt_pdf(VIEW)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for expected in ("П-000042", "25 ноября 2026 г., 18:34", "10 775,38 ₽", "1 570,12 ₽", "12 345,50 ₽",
                     "ИНН 7718012340", "БИК 044525187", "МИР •••• 2987", "СК-56003"):
        assert expected in text, expected


def test_the_receipt_states_the_commission_and_the_total_charged():
    text = _text(receipt_pdf(VIEW))
    assert "Сумма по документам: 12 345,50 ₽" in text
    assert "Комиссия: 123,46 ₽" in text
    assert "Итого с комиссией: 12 468,96 ₽" in text


def test_the_receipt_never_carries_a_full_card_number():
    text = _text(receipt_pdf(VIEW)).replace(" ", "")
    assert "2202474301322987" not in text
