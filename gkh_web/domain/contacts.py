"""Контакты: телефон и электронная почта, и что за логин ввёл человек.

People type phones in every mask they have seen («+7 (903) 555-01-01»,
«8 903 555 01 01», «9035550101»), so everything is reduced to one canonical
form before it is stored or compared: «+7XXXXXXXXXX» for phones, a trimmed
lower-case address for e-mail. ``ContactError`` carries the Russian text shown
next to the form field.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from gkh_web.domain.identifiers import IdentifierError, normalize_snils
from gkh_web.domain.masks import looks_like_phone
from gkh_web.domain.text import hidden_character

MSG_PHONE = "Телефон — 10 цифр после +7, например +7 (903) 555-01-01"
MSG_EMAIL = "Проверьте адрес электронной почты, например ivanov@example.com"
MSG_EMAIL_MIXED_SCRIPTS = (
    "В адресе электронной почты смешаны буквы разных алфавитов (например, русская «а» вместо латинской «a»)"
)
MSG_LOGIN = "Введите телефон, например +7 (903) 555-01-01, адрес электронной почты или СНИЛС"

EMAIL_MAX_LENGTH = 254
EMAIL_LOCAL_MAX_LENGTH = 64

RUSSIAN_AREA_CODE_FIRST_DIGITS = "3489"
"""Russian numbers after +7 begin with 3, 4, 8 (landlines, 800) or 9 (mobiles); 6 and 7 are Kazakhstan."""

_PHONE_PUNCTUATION_RE = re.compile(r"[\s()\-\u2010\u2011\u2012\u2013\u2014\u2212.]+")
_DIGITS_RE = re.compile(r"[0-9]+")
_SEPARATOR = r"[\s\-\u2010-\u2014\u2212]"
_SNILS_GROUPED_RE = re.compile(rf"[0-9]{{3}}{_SEPARATOR}[0-9]{{3}}{_SEPARATOR}[0-9]{{3}}{_SEPARATOR}?[0-9]{{2}}")
_WHITESPACE_RE = re.compile(r"\s")
_EMAIL_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_EMAIL_LOCAL_RE = re.compile(rf"{_EMAIL_ATOM}(?:\.{_EMAIL_ATOM})*")
"""RFC 5322 dot-atom (letters of any alphabet allowed, RFC 6531): no quotes, brackets, «<», «>», «;» or «:»."""
_EMAIL_LABEL_RE = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")
"""A domain label: letters and digits, hyphens inside (no «_»)."""

LoginKind = Literal["phone", "email", "snils"]


class ContactError(ValueError):
    """A phone or e-mail that cannot be used; ``str(error)`` is shown to the user."""


# --- Телефон -------------------------------------------------------------------


def _subscriber_digits(text: str) -> str:
    """The 10 digits after the country code, or raise ContactError.

    Accepted prefixes: «+7», «7» and «8» (the domestic trunk prefix) before 10
    digits, or the 10 digits alone.
    """
    compact = _PHONE_PUNCTUATION_RE.sub("", text or "")
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if _DIGITS_RE.fullmatch(digits) is None:
        raise ContactError(MSG_PHONE)
    if plus:
        if len(digits) != 11 or digits[0] != "7":
            raise ContactError(MSG_PHONE)
        return digits[1:]
    if len(digits) == 11 and digits[0] in "78":
        return digits[1:]
    if len(digits) == 10:
        return digits
    raise ContactError(MSG_PHONE)


def normalize_phone(text: str) -> str:
    """Return a Russian phone as «+7XXXXXXXXXX» from any usual mask, or raise ContactError."""
    subscriber = _subscriber_digits(text)
    if subscriber[0] not in RUSSIAN_AREA_CODE_FIRST_DIGITS:
        raise ContactError(MSG_PHONE)
    return "+7" + subscriber


def format_phone(phone: str) -> str:
    """Show a phone the way Госуслуги does: «+7 (903) 555-01-01»."""
    digits = normalize_phone(phone)[2:]
    return f"+7 ({digits[0:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:10]}"


def is_valid_phone(text: str) -> bool:
    """True if ``normalize_phone`` would accept the text."""
    try:
        normalize_phone(text)
    except ContactError:
        return False
    return True


# --- Электронная почта -----------------------------------------------------------


def normalize_email(text: str) -> str:
    """Return the trimmed, lower-case address or raise ContactError.

    A pragmatic check, not RFC 5322: exactly one «@», a local part of 1–64
    characters, a domain with a dot and no empty labels, no spaces, at most 254
    characters. Lower-casing the local part is technically lossy, but every
    mailbox provider people use treats it case-insensitively, and a single
    spelling makes «войти по e-mail» and uniqueness checks work.
    """
    email = (text or "").strip().lower()
    if not email or len(email) > EMAIL_MAX_LENGTH or _WHITESPACE_RE.search(email) or hidden_character(email):
        raise ContactError(MSG_EMAIL)
    if unicodedata.normalize("NFKC", email) != email:  # full-width «ｉｖａｎｏｖ», «＠», ligatures
        raise ContactError(MSG_EMAIL)
    local, at, domain = email.partition("@")
    if not at or "@" in domain or not 1 <= len(local) <= EMAIL_LOCAL_MAX_LENGTH:
        raise ContactError(MSG_EMAIL)
    labels = domain.split(".")
    if len(labels) < 2 or _EMAIL_LOCAL_RE.fullmatch(local) is None:
        raise ContactError(MSG_EMAIL)
    if any(_EMAIL_LABEL_RE.fullmatch(label) is None for label in labels):
        raise ContactError(MSG_EMAIL)
    if any(len(_scripts(part)) > 1 for part in (local, *labels)):
        raise ContactError(MSG_EMAIL_MIXED_SCRIPTS)
    return email


def _scripts(text: str) -> set[str]:
    """Alphabets of the letters in ``text`` by Unicode name: {"LATIN"}, {"LATIN", "CYRILLIC"}, …"""
    return {unicodedata.name(char, "?").split()[0] for char in text if char.isalpha()}


def is_valid_email(text: str) -> bool:
    """True if ``normalize_email`` would accept the text."""
    try:
        normalize_email(text)
    except ContactError:
        return False
    return True


# --- Логин ---------------------------------------------------------------------


def login_kind(text: str) -> LoginKind:
    """Guess what a sign-in login is, without checking that it is valid.

    The rule, in order:

    1. contains «@» → ``"email"``;
    2. 11 digits grouped the СНИЛС way, «145-267-389 79» (also «145 267 389 79»,
       «145-267-389-79», «145-267-38979») → ``"snils"``;
    3. exactly 11 plain digits not starting with 7 or 8 → ``"snils"`` (a phone
       of 11 digits always starts with 7 or 8);
    4. anything else → ``"phone"``.

    So a СНИЛС that starts with 7 or 8 must be typed with its separators.
    """
    stripped = (text or "").strip()
    if "@" in stripped:
        return "email"
    if _SNILS_GROUPED_RE.fullmatch(stripped) is not None:
        return "snils"
    if _DIGITS_RE.fullmatch(stripped) is not None and len(stripped) == 11 and stripped[0] not in "78":
        return "snils"
    return "phone"


def normalize_login(text: str) -> tuple[LoginKind, str]:
    """(kind, canonical value) of a sign-in login, or raise ContactError / IdentifierError for its kind."""
    kind = login_kind(text)
    if kind == "email":
        return kind, normalize_email(text)
    if kind == "snils":
        return kind, normalize_snils(text)
    return kind, normalize_phone(text)


def login_problem(text: str) -> str:
    """"" for a well-formed phone, e-mail or СНИЛС; else the Russian message for the login field.

    Says nothing about whether such a person exists: only the shape is checked.
    """
    try:
        normalize_login(text)
    except (ContactError, IdentifierError) as error:
        if login_kind(text) == "phone" and not looks_like_phone(text):
            return MSG_LOGIN
        return str(error)
    return ""
