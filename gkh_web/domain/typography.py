"""Glue that keeps Russian requisites readable where lines wrap: a sign stays with its number.

A no-break space joins «№», «ИНН», «БИК», «р/с» to the number after them; «р/с» itself would still
break after its slash in a browser, so a word joiner sits inside it. The PDF receipt drops the
joiner (its font need not have the character; fpdf2 wraps by spaces only).
"""

NBSP = "\u00a0"
WORD_JOINER = "\u2060"
SETTLEMENT_ACCOUNT = f"р/{WORD_JOINER}с"
"""«р/с» (расчётный счёт) that never splits at its «/»."""
