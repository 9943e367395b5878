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


@dataclass(frozen=True)
class UserProblem:
    """One thing wrong with a new account, tied to the field it is about.

    ``str()`` is the operator's line («Фамилия: не указано»); a form shows ``text`` at ``field``, whose
    label is already on screen.
    """

    field: str
    """``NewEsiaUser`` attribute the problem is about (``phone`` also for «no phone and no e-mail»)."""
    text: str
    label: str | None = None

    def __str__(self) -> str:
        return f"{self.label}: {self.text}" if self.label else self.text


class EsiaUserInvalid(ValueError):
    """The new user cannot be stored; ``problems`` lists every reason in Russian."""

    def __init__(self, problems: list[UserProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.field_problems = problems
        self.problems = [str(problem) for problem in problems]


@dataclass(frozen=True)
class NewEsiaUser:
    """What an operator (or a person on the registration page) types for a new Госуслуги account (unchecked).

    Either ``phone`` or ``email`` may be empty, not both: as at Госуслуги, one of them is the login.
    """

    last_name: str
    first_name: str
    middle_name: str | None
    snils: str
    phone: str | None
    email: str | None
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


@dataclass(frozen=True)
class CheckedEsiaUser:
    """The typed data in stored form, with what is wrong with it (duplicates not looked up yet)."""

    problems: list[UserProblem]
    snils: str | None
    phone: str | None
    email: str | None


MSG_NO_CONTACT = "Укажите мобильный телефон или электронную почту (хотя бы одно)"
MSG_TAKEN = {
    "snils": "Пользователь ЕСИА с таким СНИЛС уже есть",
    "phone": "Пользователь ЕСИА с таким телефоном уже есть",
    "email": "Пользователь ЕСИА с такой электронной почтой уже есть",
}
"""Said per field, the same whoever holds the value: never a name, nor whether two values share an account."""


def _name_problem(field: str, label: str, value: str | None, *, required: bool) -> UserProblem | None:
    text = (value or "").strip()
    if not text:
        return UserProblem(field, "не указано", label) if required else None
    if len(text) > NAME_MAX_LENGTH or _NAME_RE.fullmatch(text) is None:
        return UserProblem(field, f"только буквы, пробел, дефис или апостроф, не длиннее {NAME_MAX_LENGTH} знаков",
                           label)
    return None


def password_problem(password: str) -> str | None:
    """At least 8 characters with both letters and digits: the demo's «Demo-2026!» qualifies."""
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        return f"от {PASSWORD_MIN_LENGTH} до {PASSWORD_MAX_LENGTH} знаков"
    if not (any(ch.isalpha() for ch in password) and any(ch.isdigit() for ch in password)):
        return "нужны и буквы, и цифры"
    return None


def _normalized(check, value: str | None, field: str, label: str, problems: list[UserProblem]) -> str | None:
    """Run one normaliser, turning its error into a problem at ``field``; an empty optional value is None."""
    if value is None:
        return None
    try:
        return check(value)
    except (ContactError, IdentifierError) as error:
        problems.append(UserProblem(field, str(error), label))
        return None


def _optional(value: str | None) -> str | None:
    return value if value and value.strip() else None


def check_esia_user(new: NewEsiaUser) -> CheckedEsiaUser:
    """Every problem of the typed data that needs no database: the check of ``add-user`` and of the form."""
    problems = [problem for problem in (
        _name_problem("last_name", "Фамилия", new.last_name, required=True),
        _name_problem("first_name", "Имя", new.first_name, required=True),
        _name_problem("middle_name", "Отчество", new.middle_name, required=False),
    ) if problem]
    snils = _normalized(normalize_snils, new.snils, "snils", "СНИЛС", problems)
    phone = _normalized(normalize_phone, _optional(new.phone), "phone", "Телефон", problems)
    email = _normalized(normalize_email, _optional(new.email), "email", "Электронная почта", problems)
    if _optional(new.phone) is None and _optional(new.email) is None:
        problems.append(UserProblem("phone", MSG_NO_CONTACT))
    if (password_text := password_problem(new.password)) is not None:
        problems.append(UserProblem("password", password_text, "Пароль"))
    return CheckedEsiaUser(problems, snils, phone, email)


def _taken(session: Session, column, value: str | None) -> bool:
    return value is not None and session.exec(select(EsiaUser.id).where(column == value)).first() is not None


def _duplicates(session: Session, checked: CheckedEsiaUser) -> list[UserProblem]:
    return [
        UserProblem(field, MSG_TAKEN[field])
        for field, column, value in (("snils", EsiaUser.snils, checked.snils), ("phone", EsiaUser.phone, checked.phone),
                                     ("email", EsiaUser.email, checked.email))
        if _taken(session, column, value)
    ]


def add_esia_user(session: Session, new: NewEsiaUser) -> EsiaUser:
    """Check everything, then store the account with an argon2 hash; EsiaUserInvalid lists what is wrong.

    Flushed, not committed: the caller's transaction stores the account or nothing.
    """
    checked = check_esia_user(new)
    problems = checked.problems + _duplicates(session, checked)
    if problems or checked.snils is None:  # None comes with its problem listed
        raise EsiaUserInvalid(problems)
    user = EsiaUser(
        subject_id=str(uuid.uuid4()), last_name=new.last_name.strip(), first_name=new.first_name.strip(),
        middle_name=(new.middle_name or "").strip() or None, snils=checked.snils, phone=checked.phone,
        email=checked.email, password_hash=hash_password(new.password),
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
            snils=format_snils(user.snils), phone=format_phone(user.phone) if user.phone else "—",
            email=user.email or "—",
            created_at=user.created_at,
        )
        for user in users
    ]
