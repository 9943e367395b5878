"""The PDF receipt opens and shows the payment's amounts, commission, recipients and masked card."""

import io
import math
import re
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from PIL import Image
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


# --- The receipt as a person sees it (issue 13 §0): poppler's words and their places, and a page image ---

A4_WIDTH, A4_HEIGHT = 595.28, 841.89
RECIPIENTS = [
    ("ООО «УК «Рассвет»", "7718012340", "40702810200000012345", "ПАО Сбербанк", "044525225"),
    ("ООО «УК «Северный квартал»", "7728045610", "40702810000000000001", "Банк ВТБ (ПАО)", "044525187"),
    ("АО «Энергосбыт Столица»", "7705012345", "40702810938000000777", "АО «Альфа-Банк»", "044525593"),
]


def _many(count: int) -> PaymentView:
    """A receipt of ``count`` documents over the three demo-like recipients (the long lines of the real ones)."""
    items = []
    for n in range(count):
        name, inn, account, bank, bik = RECIPIENTS[n % len(RECIPIENTS)]
        items.append(PaymentItemView(
            f"ПД-2026-{10 - n % 10:02d}-{n:06d}", "октябрь 2026", f"10010{n:02d}", f"{1000 + n}\u00a0234,56\u00a0₽",
            f"{name}, ИНН\u00a0{inn}, р/с\u00a0{account} в {bank}, БИК\u00a0{bik}"))
    return PaymentView(
        number="П-000777", public_id="f" * 32, created_text="30 ноября 2026 г., 16:25", amount_kopecks=1,
        amount_text="72\u00a0345,67\u00a0₽", status="succeeded", status_text="Оплачено", in_progress=False,
        card_text="VISA •••• 4242", method_text="банковская карта VISA •••• 4242", items=items,
        commission_kopecks=72_346, commission_text="723,46\u00a0₽", charged_text="73\u00a0069,13\u00a0₽",
        status_name="Оплачено")


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Seen:
    pages: list[tuple[float, float]]
    words: list[Word]

    def text(self, page: int | None = None) -> str:
        return " ".join(word.text for word in self.words if page is None or word.page == page)


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def _seen(pdf: bytes, tmp_path: Path) -> Seen:
    """What poppler reads where (``pdftotext -bbox``): every word with its box, page by page."""
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages, words = [], []
    for number, chunk in enumerate(html.split("<page ")[1:]):
        width, height = PAGE.match("<page " + chunk).groups()
        pages.append((float(width), float(height)))
        for x_min, y_min, x_max, y_max, text in WORD.findall(chunk):
            words.append(Word(number, unescape(text), float(x_min), float(y_min), float(x_max), float(y_max)))
    return Seen(pages, words)


def _outside(seen: Seen) -> list[Word]:
    return [word for word in seen.words
            if not (word.x_min >= 0 and word.x_max <= seen.pages[word.page][0]
                    and word.y_min >= 0 and word.y_max <= seen.pages[word.page][1])]


@pytest.mark.parametrize("count", [1, 7])
def test_every_word_lies_inside_the_page_and_everything_is_said(tmp_path, count):
    view = _many(count)
    seen = _seen(receipt_pdf(view), tmp_path)
    assert seen.pages == [(A4_WIDTH, A4_HEIGHT)]
    assert _outside(seen) == []
    assert max(word.x_max for word in seen.words) <= A4_WIDTH - 9  # fpdf2's right margin, 1 cm
    text = seen.text().replace("\u00a0", " ")
    for expected in ("Платёж П-000777 от 30 ноября 2026 г., 16:25", "Статус: Оплачено",
                     "Способ оплаты: банковская карта VISA •••• 4242", "Сумма по документам: 72 345,67 ₽",
                     "Комиссия: 723,46 ₽", "Итого с комиссией: 73 069,13 ₽"):
        assert expected in text, expected
    for item in view.items:
        assert item.document_number in text
    for _name, inn, account, bank, bik in RECIPIENTS[:count]:
        for expected in (f"ИНН {inn}", f"р/с {account}", f"БИК {bik}", bank):
            assert expected in text, expected


def test_sixty_documents_flow_onto_more_pages_with_the_total_at_the_end(tmp_path):
    view = _many(60)
    seen = _seen(receipt_pdf(view), tmp_path)
    assert len(seen.pages) >= 2
    assert _outside(seen) == []
    margin = A4_HEIGHT - 15 * 72 / 25.4
    for page in range(len(seen.pages)):  # nothing runs into the bottom margin but the page's own footer
        footer = " ".join(word.text for word in seen.words if word.page == page and word.y_min > margin)
        assert footer == f"Квитанция к платежу П-000777 · страница {page + 1} из {len(seen.pages)}"
    text = seen.text().replace("\u00a0", " ")
    for item in view.items:
        assert item.document_number in text, item.document_number
    assert text.count("Получатель:") == 60
    last = " ".join(word.text for word in seen.words if word.page == len(seen.pages) - 1 and word.y_min <= margin)
    assert last.replace("\u00a0", " ").endswith("Сумма по документам: 72 345,67 ₽ Комиссия: 723,46 ₽ "
                                                  "Итого с комиссией: 73 069,13 ₽")  # the totals together
    assert "Итого" not in seen.text(0)
    for page in range(len(seen.pages)):  # a document is never split: its heading and its recipient on one page
        words = [word.text for word in seen.words if word.page == page and word.y_min <= margin]
        assert words.count("Лицевой") == words.count("Получатель:")


def test_a_page_image_renders(tmp_path):
    """pdftoppm draws the page (60 dpi): A4, with ink on it, and no ink in the right margin."""
    pdf_path = tmp_path / "receipt.pdf"
    pdf_path.write_bytes(receipt_pdf(_many(7)))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf_path), str(tmp_path / "page")],
                   check=True, capture_output=True)
    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size == (math.ceil(A4_WIDTH / 72 * 60), math.ceil(A4_HEIGHT / 72 * 60))
    ink = image.point(lambda value: 255 if value < 128 else 0).getbbox()
    assert ink is not None
    left, _, right, _ = ink
    assert left > 0 and right <= image.size[0] - 60 / 2.54 * 0.9  # fpdf2's 1 cm right margin stays white


def test_the_screens_word_joiner_inside_rs_does_not_reach_the_pdf():
    """The views glue «р/с» with U+2060 for the browser; the PDF shows a plain «р/с» and no stray glyph."""
    from dataclasses import replace

    from gkh_web.domain.typography import SETTLEMENT_ACCOUNT

    item = replace(VIEW.items[0], recipient_text=f"ООО «УК «Рассвет», ИНН\u00a07718012340, "
                                                 f"{SETTLEMENT_ACCOUNT}\u00a040702810200000012345 в ПАО Сбербанк")
    text = _text(receipt_pdf(replace(VIEW, items=[item])))
    assert "р/с 40702810200000012345" in text and "\u2060" not in text
