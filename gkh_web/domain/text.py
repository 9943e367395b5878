"""Текст из полей и файлов: невидимые и управляющие символы, которым не место в однострочном поле.

A NUL byte, a line break, a zero-width space (U+200B) or a right-to-left
override (U+202E) cannot be seen on screen or on a receipt, yet they make two
equal-looking values different or reorder what an operator reads in a
terminal. One-line fields (e-mail, account number, document number, service
name …) refuse them instead of storing them.
"""

from __future__ import annotations

import unicodedata

_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
"""Control, format (zero-width, bidi overrides, BOM), surrogate, private-use, line and paragraph separators."""


def hidden_character(text: str) -> str | None:
    """The first control or invisible formatting character of ``text``, or None if there is none."""
    if text.isprintable():  # fast path (C speed): printable text has none of them
        return None
    return next((char for char in text if unicodedata.category(char) in _HIDDEN_CATEGORIES), None)


def character_code(char: str) -> str:
    """«U+202E»: how a character nobody can see is named in a message."""
    return f"U+{ord(char):04X}"


def shown_value(text: str, limit: int = 40) -> str:
    """``text`` safe to quote in a message: at most ``limit`` characters, invisible ones written as «\\u202e»."""
    shortened = text if len(text) <= limit else text[:limit] + "…"
    return "".join(char if char == " " or char.isprintable() else ascii(char)[1:-1] for char in shortened)
