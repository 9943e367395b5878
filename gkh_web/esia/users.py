"""Accounts of the demo ЕСИА, as created by ``gkh esia add-user`` and listed by ``gkh esia list-users``.

Every problem with the input is collected and reported at once, in Russian,
so an operator fixes the command line in one go.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from gkh_web.db.esia_models import EsiaUser
from gkh_web.domain.contacts import ContactError, format_phone, normalize_email, normalize_phone
from gkh_web.domain.identifiers import IdentifierError, format_snils, normalize_snils
from gkh_web.esia.passwords import hash_password

NAME_MAX_LENGTH = 100
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256
_NAME_RE = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:[ '\-.’][A-Za-zА-Яа-яЁё]+)*\.?")


class EsiaUserInvalid(ValueError):
    """The new user cannot be stored; ``problems`` lists every reason in Russian."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class NewEsiaUser:
    """What an operator types for a new Госуслуги account (unchecked)."""

    last_name: str
    first_name: str
    middle_name: str | None
    snils: str
    phone: str
    email: str
    password: str


@dataclass(frozen=True)
class EsiaUserListing:
    """One line of ``gkh esia list-users``: everything but the password hash."""

    subject_id: str
    fio: str
    snils: str
    phone: str
    email: str
    created_at: datetime


def _name_problem(label: str, value: str | None, *, required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        return f"{label}: не указано" if required else None
    if len(text) > NAME_MAX_LENGTH or _NAME_RE.fullmatch(text) is None:
        return f"{label}: только буквы, пробел, дефис или апостроф, не длиннее {NAME_MAX_LENGTH} знаков"
    return None


def _password_problem(password: str) -> str | None:
    """At least 8 characters with both letters and digits: the demo's «Demo-2026!» qualifies."""
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        return f"Пароль: от {PASSWORD_MIN_LENGTH} до {PASSWORD_MAX_LENGTH} знаков"
    if not (any(ch.isalpha() for ch in password) and any(ch.isdigit() for ch in password)):
        return "Пароль: нужны и буквы, и цифры"
    return None


def _normalized(check, value: str, label: str, problems: list[str]) -> str | None:
    """Run one normaliser, turning its error into «Label: message»."""
    try:
        return check(value)
    except (ContactError, IdentifierError) as error:
        problems.append(f"{label}: {error}")
        return None


def _taken(session: Session, column, value: str | None) -> bool:
    return value is not None and session.exec(select(EsiaUser.id).where(column == value)).first() is not None


def add_esia_user(session: Session, new: NewEsiaUser) -> EsiaUser:
    """Check everything, then store the account with an argon2 hash; EsiaUserInvalid lists what is wrong."""
    problems = [problem for problem in (
        _name_problem("Фамилия", new.last_name, required=True),
        _name_problem("Имя", new.first_name, required=True),
        _name_problem("Отчество", new.middle_name, required=False),
    ) if problem]
    snils = _normalized(normalize_snils, new.snils, "СНИЛС", problems)
    phone = _normalized(normalize_phone, new.phone, "Телефон", problems)
    email = _normalized(normalize_email, new.email, "Электронная почта", problems)
    if (password_problem := _password_problem(new.password)) is not None:
        problems.append(password_problem)
    for column, value, taken_message in (
        (EsiaUser.snils, snils, "Пользователь ЕСИА с таким СНИЛС уже есть"),
        (EsiaUser.phone, phone, "Пользователь ЕСИА с таким телефоном уже есть"),
        (EsiaUser.email, email, "Пользователь ЕСИА с такой электронной почтой уже есть"),
    ):
        if _taken(session, column, value):
            problems.append(taken_message)
    if problems or snils is None or phone is None or email is None:  # None comes with its problem listed
        raise EsiaUserInvalid(problems)
    user = EsiaUser(
        subject_id=str(uuid.uuid4()), last_name=new.last_name.strip(), first_name=new.first_name.strip(),
        middle_name=(new.middle_name or "").strip() or None, snils=snils, phone=phone, email=email,
        password_hash=hash_password(new.password),
    )
    session.add(user)
    session.flush()
    return user


def list_esia_users(session: Session) -> list[EsiaUserListing]:
    """All accounts, by surname, without password hashes."""
    users = session.exec(select(EsiaUser).order_by(col(EsiaUser.last_name), col(EsiaUser.first_name), col(EsiaUser.id)))
    return [
        EsiaUserListing(
            subject_id=user.subject_id,
            fio=" ".join(part for part in (user.last_name, user.first_name, user.middle_name) if part),
            snils=format_snils(user.snils), phone=format_phone(user.phone), email=user.email,
            created_at=user.created_at,
        )
        for user in users
    ]
