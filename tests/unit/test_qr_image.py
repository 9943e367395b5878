"""QR codes drawn on the server (``services.qr_image``): what a phone or a bank app reads back is the exact text."""

import re

from gkh_web.services.qr_image import qr_png, qr_svg
from tests.qr_decode import decode_qr
from tests.unit.test_qr import FIXTURE


def test_a_gost_payload_with_cyrillic_reads_back_exactly():
    """UTF-8 bytes, as «ST00012» promises (segno alone would pick the Kanji mode for Cyrillic letters)."""
    assert decode_qr(qr_png(FIXTURE)) == FIXTURE


def test_a_receipt_link_reads_back_exactly():
    link = "https://gkh.example.ru/receipt/0123456789abcdef0123456789abcdef.1795000900.AbCdEfGhIjKlMnOpQrStUv"
    assert decode_qr(qr_png(link, scale=4)) == link


def test_the_svg_is_inline_square_and_sized_by_its_container():
    svg = qr_svg(FIXTURE)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert not re.search(r'<svg[^>]*\b(width|height)=', svg)
    assert 'viewBox="0 0 ' in svg and "<script" not in svg
