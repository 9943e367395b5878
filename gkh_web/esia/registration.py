"""«Зарегистрироваться» at the demo ЕСИА: a person creates their own account, as with ``gkh esia add-user``.

A simplified stand-in for Госуслуги, which confirms the phone by SMS and the person at a service centre:
the demo takes what is typed. What is typed is checked by the very code of ``gkh esia add-user``
(``users.check_esia_user``, ``users.add_esia_user``, the same argon2 hash) and stored in one transaction:
the account is there whole, or not at all.

Registration is also an oracle («this phone is taken»), so:

* a taken phone, e-mail or СНИЛС is told per field with one fixed sentence (``users.MSG_TAKEN``), never
  whose it is nor whether two of them belong to one account;
* every attempt that gets as far as that check counts against ``register_per_address`` (GKH_RATE_LIMITS,
  the numbers of ``sign_in_per_address``), before the database is asked; typos caught without the
  database cost nothing;
* in production the demo ЕСИА is not there, and neither is its registration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from gkh_web.db.engine import session_scope
from gkh_web.domain.contacts import format_phone
from gkh_web.esia.users import EsiaUserInvalid, NewEsiaUser, UserProblem, add_esia_user, check_esia_user
from gkh_web.services import rate_limits
from gkh_web.settings import get_settings

MSG_NOT_SERVING = "Регистрация недоступна: демо-ЕСИА в этой установке не работает"
RATE_LIMIT_NAME = "register_per_address"


@dataclass(frozen=True)
class RegistrationOutcome:
    """What the registration page shows: the new login, or messages at the fields, or a refusal."""

    login: str = ""
    """The phone («+7 (903) 555-01-01») or, without one, the e-mail to fill in on the sign-in page."""
    field_problems: dict[str, str] = field(default_factory=dict)
    """``NewEsiaUser`` attribute → the message shown under that field."""
    refusal: str = ""
    """For the whole form: too many attempts (with the time to try again), or no demo ЕСИА here."""

    @property
    def registered(self) -> bool:
        return bool(self.login)


def _at_fields(problems: list[UserProblem]) -> RegistrationOutcome:
    """The first problem of each field, as a sentence: the label is already on screen above it."""
    shown: dict[str, str] = {}
    for problem in problems:
        shown.setdefault(problem.field, problem.text[:1].upper() + problem.text[1:])
    return RegistrationOutcome(field_problems=shown)


def _store(new: NewEsiaUser) -> str:
    """One transaction; returns the login to sign in with. EsiaUserInvalid when something is wrong or taken."""
    with session_scope() as session:
        user = add_esia_user(session, new)
        return format_phone(user.phone) if user.phone else user.email or ""


def _attempt(new: NewEsiaUser) -> RegistrationOutcome:
    try:
        return RegistrationOutcome(login=_store(new))
    except EsiaUserInvalid as invalid:
        return _at_fields(invalid.field_problems)


def register_esia_user(
    new: NewEsiaUser, *, client_address: str, now: float | None = None  # ok-float: unix time
) -> RegistrationOutcome:
    """Check, count the attempt against the client's address, and store; blocking (argon2 and the database).

    ``client_address`` is the one the server saw on the connection, never a value from the form.
    """
    if not get_settings().embedded_esia_serving:
        return RegistrationOutcome(refusal=MSG_NOT_SERVING)
    checked = check_esia_user(new)
    if checked.problems:
        return _at_fields(checked.problems)
    try:
        rate_limits.spend([(RATE_LIMIT_NAME, client_address)], now=now)
    except rate_limits.RateLimited as limited:
        return RegistrationOutcome(refusal=str(limited))
    try:
        return _attempt(new)
    except sa.exc.IntegrityError:  # registered a moment ago by another tab: the second look names the field
        return _attempt(new)
