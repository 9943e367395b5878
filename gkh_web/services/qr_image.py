"""QR codes drawn on the server as inline SVG (segno): no script, no image request, nothing in the browser
decides what the code says. Used for the receipt link on the kiosk and the ГОСТ Р 56042 code of a
payment document."""

from __future__ import annotations

import io

import segno

QUIET_ZONE = 4
"""Modules of white around the code, as the QR standard asks: phones find it on any background."""


def _code(text: str) -> segno.QRCode:
    # Level M (15 % may be lost): a printed or photographed code still reads; never a Micro QR, which
    # bank apps and phone cameras do not all read. Always bytes of UTF-8, as the ГОСТ header «ST00012»
    # promises: left to itself segno writes Cyrillic in the Kanji mode (Shift JIS has these letters),
    # which a bank app would read as gibberish.
    return segno.make(text, error="m", mode="byte", encoding="utf-8", micro=False, boost_error=False)


def qr_svg(text: str) -> str:
    """``<svg …>`` for HTML: square, sized by its container (no width/height), black on white."""
    return _code(text).svg_inline(scale=1, border=QUIET_ZONE, dark="#000", light="#fff", omitsize=True,
                                  svgclass="qr-code")


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """The same code as a PNG (tests decode it with zbarimg; scale = pixels per module)."""
    buffer = io.BytesIO()
    _code(text).save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return buffer.getvalue()
