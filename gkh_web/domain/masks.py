"""Input masks applied while a resident types: «+7 (903) 555-01-01», «145-267-389 79».

They only re-arrange digits already typed (never invent or drop one), so the
field can be re-formatted on every keystroke without losing input. Only ASCII
digits count as digits: «٣» or «３» are not silently read as 3.
"""

from __future__ import annotations

import re

_PHONE_LIKE = re.compile(r"[0-9\s()+\-]*")
_NOT_DIGITS = re.compile(r"[^0-9]")


def looks_like_phone(text: str) -> bool:
    """Digits with phone punctuation only: e-mails and other logins are left alone."""
    return bool(text.strip()) and _PHONE_LIKE.fullmatch(text) is not None and any(c in "0123456789" for c in text)


def _phone_digits(text: str) -> str:
    """The up-to-10 subscriber digits after the country code (+7 or a leading 8)."""
    digits = _NOT_DIGITS.sub("", text)
    if digits[:1] in ("7", "8") and (text.strip().startswith(("+", "8", "7")) or len(digits) == 11):
        digits = digits[1:]
    return digits[:10]


def mask_phone(text: str) -> str:
    """Progressive «+7 (XXX) XXX-XX-XX»; text that is not a phone number is returned as typed."""
    if not looks_like_phone(text):
        return text
    d = _phone_digits(text)
    if not d:
        return "+7"
    out = "+7 (" + d[:3]
    if len(d) >= 3:
        out += ")"
    if len(d) > 3:
        out += " " + d[3:6]
    if len(d) > 6:
        out += "-" + d[6:8]
    if len(d) > 8:
        out += "-" + d[8:10]
    return out


def mask_snils(text: str) -> str:
    """Progressive «XXX-XXX-XXX YY» from whatever digits were typed (at most 11)."""
    d = _NOT_DIGITS.sub("", text)[:11]
    parts = [d[0:3], d[3:6], d[6:9]]
    out = "-".join(part for part in parts if part)
    if len(d) > 9:
        out += " " + d[9:]
    return out


def snils_digits(text: str) -> str:
    return _NOT_DIGITS.sub("", text)
