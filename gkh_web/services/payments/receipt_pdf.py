"""The payment receipt as a PDF (fpdf2 with DejaVu Sans for Cyrillic), built from a PaymentView.

Only what the on-screen receipt shows: number, date and time, every document with its
amount and recipient, the method with the card masked, the documents' sum, the commission and the total
charged. Never a card number.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from gkh_web.domain.typography import WORD_JOINER
from gkh_web.services.payments import PaymentView

FONT_DIR = Path(__file__).resolve().parents[2] / "fonts"
"""DejaVu Sans shipped with the app (gkh_web/fonts, licence beside it): a receipt never depends on what
fonts the server's system happens to have, and installing the app needs no root."""


BOTTOM_MARGIN_MM = 15
ITEM_MM = 26
"""Room one document takes (two bold lines, two small ones and a gap): it starts on a new page rather than split."""
TOTALS_MM = 26
"""«Сумма по документам», «Комиссия» and «Итого с комиссией» stay together, never «Итого» alone on a page."""


class _Receipt(FPDF):
    number = ""

    def footer(self) -> None:
        """Every page says whose receipt it is and which page of how many (in the bottom margin)."""
        self.set_y(-11)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, f"Квитанция к платежу {self.number} · страница {self.page_no()} из {{nb}}", align="R")


def _pdf(number: str) -> FPDF:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    pdf = _Receipt(format="A4")
    pdf.number = number
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN_MM)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, height: int, text: str) -> None:
    """One paragraph across the page, the next one below it (fpdf2's multi_cell otherwise goes on to the right),
    set ragged-right: fpdf2 justifies by default, which stretches a line of requisites into gaps."""
    text = text.replace(WORD_JOINER, "")  # screen-only glue (views: «р/с»); the font need not have it
    pdf.multi_cell(pdf.epw, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def receipt_pdf(view: PaymentView) -> bytes:
    """An A4 receipt of a succeeded payment; many documents go on over as many pages as they need."""
    pdf = _pdf(view.number)
    pdf.set_font("DejaVu", "B", 16)
    _line(pdf, 9, "Квитанция об оплате жилищно-коммунальных услуг")
    pdf.set_font("DejaVu", "", 11)
    _line(pdf, 7, f"Платёж {view.number} от {view.created_text} (время московское)")
    _line(pdf, 7, f"Статус: {view.status_text}")
    if view.method_text:
        _line(pdf, 7, f"Способ оплаты: {view.method_text}")
    pdf.ln(3)
    for item in view.items:
        if pdf.will_page_break(ITEM_MM):
            pdf.add_page()
        pdf.set_font("DejaVu", "B", 11)
        _line(pdf, 7, f"Лицевой счёт № {item.account_number}, документ № {item.document_number} "
                      f"за {item.period_text}: {item.amount_text}")
        pdf.set_font("DejaVu", "", 9)
        _line(pdf, 5, f"Получатель: {item.recipient_text}")
        pdf.ln(2)
    if pdf.will_page_break(TOTALS_MM):
        pdf.add_page()
    pdf.set_font("DejaVu", "", 11)
    _line(pdf, 7, f"Сумма по документам: {view.amount_text}")
    _line(pdf, 7, f"Комиссия: {view.commission_text}")
    pdf.set_font("DejaVu", "B", 14)
    _line(pdf, 9, f"Итого с комиссией: {view.charged_text}")
    return bytes(pdf.output())
