"""The sink's letters on disk: one ``.eml`` file per Message-ID, so a letter sent again after an unknown
outcome (the same Message-ID) is kept once. Every backend worker reads the same folder."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from gkh_web.domain.dates import format_moment

KEY_LENGTH = 32
MOSCOW = ZoneInfo("Europe/Moscow")


def letter_key(message_id: str | None) -> str:
    """The file name (without ``.eml``) of a letter: a hash of its Message-ID, or random without one."""
    if not message_id:
        return uuid.uuid4().hex[:KEY_LENGTH]
    return hashlib.sha256(message_id.strip().encode("utf-8", "replace")).hexdigest()[:KEY_LENGTH]


def is_key(text: str) -> bool:
    return len(text) == KEY_LENGTH and all(ch in "0123456789abcdef" for ch in text)


def parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def save(directory: Path, raw: bytes) -> bool:
    """Keep the letter; False (and nothing written) when a letter with its Message-ID is already kept."""
    directory.mkdir(parents=True, exist_ok=True)
    key = letter_key(parse(raw).get("Message-ID"))
    final = directory / f"{key}.eml"
    temporary = directory / f".{key}.{uuid.uuid4().hex}.tmp"
    temporary.write_bytes(raw)
    try:
        os.link(temporary, final)  # atomic and exclusive: two deliveries of one letter keep one
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)
    return True


@dataclass(frozen=True)
class Attachment:
    index: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Letter:
    key: str
    subject: str
    sender: str
    to: str
    date_text: str
    message_id: str
    text: str
    html: str
    attachments: list[Attachment]
    received_ns: int


def _date_text(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return value
    if moment.tzinfo is None:
        return value
    return format_moment(moment.astimezone(MOSCOW))  # the one date style of the app


def read(directory: Path, key: str) -> Letter | None:
    if not is_key(key):
        return None
    path = directory / f"{key}.eml"
    try:
        raw, received = path.read_bytes(), path.stat().st_mtime_ns
    except OSError:
        return None
    message = parse(raw)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    attachments = [
        Attachment(index, part.get_filename() or "без имени", part.get_content_type(),
                   len(part.get_payload(decode=True) or b""))
        for index, part in enumerate(message.iter_attachments())
    ]
    return Letter(
        key=key, subject=str(message.get("Subject", "")), sender=str(message.get("From", "")),
        to=str(message.get("To", "")), date_text=_date_text(message.get("Date")),
        message_id=str(message.get("Message-ID", "")),
        text=text_part.get_content() if isinstance(text_part, EmailMessage) else "",
        html=html_part.get_content() if isinstance(html_part, EmailMessage) else "",
        attachments=attachments, received_ns=received,
    )


def attachment(directory: Path, key: str, index: int) -> tuple[str, str, bytes] | None:
    """(file name, content type, bytes) of a letter's attachment."""
    if not is_key(key):
        return None
    try:
        message = parse((directory / f"{key}.eml").read_bytes())
    except OSError:
        return None
    for position, part in enumerate(message.iter_attachments()):
        if position == index:
            data = part.get_payload(decode=True)
            content = data if isinstance(data, bytes) else b""
            return part.get_filename() or "attachment", part.get_content_type(), content
    return None


def letters(directory: Path, *, limit: int = 100) -> list[Letter]:
    """The newest letters first."""
    try:
        paths = sorted(directory.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns, reverse=True)[:limit]
    except OSError:
        return []
    found = (read(directory, path.stem) for path in paths)
    return [letter for letter in found if letter is not None]
