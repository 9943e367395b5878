"""The safety net under the logs: whatever looks like a СНИЛС, a phone number, an e-mail address or a card
number is masked before a line is written.

It is a net, not the rule. The rule is that no code logs a name, a СНИЛС, a phone, an e-mail or card
digits at all (tests/browser/test_logs_and_metrics.py walks the whole flow at DEBUG and finds none). A
person's name cannot be recognised by a pattern, so only that rule protects names; the patterns below catch
the identifiers that a careless ``log.info("… %s", claims)`` or an exception text would leak.

Card numbers are masked only when they pass the Luhn check, so that long numeric ids and timestamps stay
readable; a СНИЛС is masked with or without its separators (11 digits in a row), which also covers a phone
number written without ``+``.
"""

from __future__ import annotations

import logging
import re

MASK = "[скрыто]"

_SNILS = re.compile(r"(?<!\d)\d{3}[- ]?\d{3}[- ]?\d{3}[- ]?\d{2}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+7|8|7)[\s\-(]*\d{3}[\s\-)]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}(?!\d)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_CARD = re.compile(r"(?<!\d)(?:\d[ \-]?){12,18}\d(?!\d)")
_TAB_TOKEN = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
TOKEN_MASK = "[токен]"


def luhn_valid(digits: str) -> bool:
    """The payment cards' check digit (ISO/IEC 7812): True for a plausible card number."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return MASK if luhn_valid(digits) else match.group(0)


def redact(text: str) -> str:
    """``text`` with every СНИЛС-, phone-, e-mail- and card-like piece replaced by ``[скрыто]``."""
    if not any(char.isdigit() for char in text) and "@" not in text:
        return text  # most lines: nothing that could match, no regex run
    text = _TAB_TOKEN.sub(TOKEN_MASK, text)  # Reflex names tabs by their token in its warnings: a key to the tab
    text = _EMAIL.sub(MASK, text)
    text = _CARD.sub(_mask_card, text)
    text = _PHONE.sub(MASK, text)
    return _SNILS.sub(MASK, text)


class RedactionFilter(logging.Filter):
    """Masks the message (arguments merged in) and the exception text of every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
