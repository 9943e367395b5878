"""The Пользовательское соглашение a resident accepts before using the ГИС ЖКХ cabinet.

The text lives in ``agreement_ru.md`` next to this module (shipped as package
data), so it can be proof-read without touching code: a ``# title`` line and
``## N. Heading`` sections of one paragraph each. ``AGREEMENT_VERSION`` names
the edition; changing it makes every resident accept again on next sign-in.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from importlib import resources

from sqlmodel import Session

from gkh_web.db.models import Resident, as_utc, utc_now
from gkh_web.domain.contacts import normalize_email

AGREEMENT_VERSION = "2026-11"
"""Edition of the agreement; bump it (and the text) together."""

AGREEMENT_FILE = "agreement_ru.md"


class ResidentNotFound(LookupError):
    """The resident id does not exist (the session outlived its resident)."""


@lru_cache(maxsize=1)
def _parsed_text() -> tuple[str, tuple[tuple[str, str], ...]]:
    """(title, sections) read once from the package file."""
    text = resources.files(__package__).joinpath(AGREEMENT_FILE).read_text(encoding="utf-8")
    title, heading = "", None
    sections: list[tuple[str, str]] = []
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            if heading is not None:
                sections.append((heading, " ".join(lines)))
            heading, lines = line[3:].strip(), []
        elif line.startswith("# "):
            title = line[2:].strip()
        elif line.strip():
            lines.append(line.strip())
    if heading is not None:
        sections.append((heading, " ".join(lines)))
    return title, tuple(sections)


def agreement_title() -> str:
    """«Пользовательское соглашение о доступе гражданина в личный кабинет ГИС ЖКХ»."""
    return _parsed_text()[0]


def agreement_sections() -> list[tuple[str, str]]:
    """(heading, paragraph) pairs in order: «1. Предмет соглашения», …"""
    return list(_parsed_text()[1])


agreement_paragraphs = agreement_sections


def needs_agreement(resident: Resident) -> bool:
    """True until the resident has accepted the current edition (never, or an older one)."""
    return resident.agreement_accepted_at is None or resident.agreement_version != AGREEMENT_VERSION


def accept_agreement(session: Session, resident_id: int, *, email: str, now: datetime | None = None) -> Resident:
    """Store the e-mail for receipts and the acceptance of the current edition together.

    The e-mail is checked first, so a ContactError leaves the resident
    untouched; nothing is committed here (the caller's transaction does it).
    """
    normalized_email = normalize_email(email)
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise ResidentNotFound(resident_id)
    resident.email = normalized_email
    resident.agreement_version = AGREEMENT_VERSION
    resident.agreement_accepted_at = utc_now() if now is None else as_utc(now)
    session.add(resident)
    session.flush()
    return resident
