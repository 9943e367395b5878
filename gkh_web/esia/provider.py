"""Sign-in at the demo ЕСИА: check the login and password, hand out a code, trade it for claims.

The login page (a Reflex page of the provider) calls ``check_client`` when it
opens and ``sign_in_and_issue_code`` when the person presses «Войти»; the
``/esia/token`` and ``/esia/userinfo`` endpoints (``gkh_web.esia.api``) call
``exchange_code_for_token`` and ``claims_for_access_token``. Each of those
opens its own session: one transaction per request.

What the person is told never depends on whether the login exists: a wrong
password and an unknown login get the same message, cost the same argon2
verification (against a dummy hash) and lock after the same five failures.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import TypeGuard

from sqlmodel import Session, select

from gkh_web.db.engine import session_scope
from gkh_web.db.esia_models import EsiaUser
from gkh_web.db.models import as_utc, utc_now
from gkh_web.domain import pkce
from gkh_web.domain.contacts import ContactError, normalize_login
from gkh_web.domain.identifiers import IdentifierError, format_snils
from gkh_web.esia import clients, throttle, tokens
from gkh_web.esia.passwords import hash_password, verify_password

MSG_WRONG_CREDENTIALS = "Неверный логин или пароль"
MSG_ENTER_LOGIN = "Введите телефон, электронную почту или СНИЛС"
MSG_ENTER_PASSWORD = "Введите пароль"
MSG_CLIENT_REJECTED = "Запрос на вход неверен: неизвестное приложение или адрес возврата"

MAX_PASSWORD_LENGTH = 256
"""Longer input is refused without hashing, so nobody can make argon2 chew megabytes."""


class EsiaClientRejected(ValueError):
    """The relying party is not ours, or asks to be sent back to an address we do not allow."""

    def __init__(self, message: str = MSG_CLIENT_REJECTED) -> None:
        super().__init__(message)


class InvalidClient(Exception):
    """``/esia/token`` was called with a wrong client id or secret."""


InvalidGrant = tokens.InvalidGrant


@dataclass(frozen=True)
class SignInOutcome:
    """What the login page shows or does after «Войти».

    ``subject_id`` is set only on success; then ``message`` is empty and, from
    ``sign_in_and_issue_code``, ``code`` holds the authorization code to send
    back. ``locked_until`` (UTC) is set while the login is locked.
    """

    subject_id: str | None
    message: str
    locked_until: datetime | None = None
    code: str | None = None

    @property
    def ok(self) -> bool:
        return self.subject_id is not None


# --- Relying party --------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationRequest:
    """What the relying party asked for in the query of ``/esia/login``."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    challenge_method: str


def _check_request(session: Session, request: AuthorizationRequest) -> None:
    if not request.client_id or not request.redirect_uri:
        raise EsiaClientRejected
    if any(ord(char) < 0x20 for char in request.client_id + request.redirect_uri):
        raise EsiaClientRejected  # a NUL or a line break is no registered value (and PostgreSQL refuses NUL)
    if len(request.redirect_uri) > clients.MAX_REDIRECT_URI_LENGTH:
        raise EsiaClientRejected
    if request.challenge_method != pkce.METHOD_S256 or not pkce.is_s256_challenge(request.code_challenge):
        raise EsiaClientRejected
    if not clients.redirect_uri_registered(session, request.client_id, request.redirect_uri):
        raise EsiaClientRejected


def check_client(request: AuthorizationRequest) -> None:
    """Raise EsiaClientRejected unless the client is registered, ``redirect_uri`` is exactly one of its
    registered addresses, and the request carries an S256 PKCE challenge.

    A refused request is shown on the provider's own page and never redirected:
    an address we did not register is the one place the browser must not go.
    """
    with session_scope() as session:
        _check_request(session, request)


def client_authenticated(client_id: str, client_secret: str) -> bool:
    """``client_secret_post`` authentication at ``/esia/token``, in constant time, against the registry."""
    if "\x00" in client_id:
        return False
    with session_scope() as session:
        return clients.secret_matches(session, client_id, client_secret)


# --- Sign-in -----------------------------------------------------------------------


def login_key(login: str) -> str:
    """The normalised login the throttle counts under: «phone:+79035550101», «email:…», «snils:…».

    Text that is none of the three still gets a key («invalid:…»), so garbage
    is counted and locked like any unknown login.
    """
    try:
        kind, value = normalize_login(login)
    except (ContactError, IdentifierError):
        return "invalid:" + " ".join(login.split()).lower()
    return f"{kind}:{value}"


def _user_by_login_key(session: Session, key: str) -> EsiaUser | None:
    kind, _, value = key.partition(":")
    column = {"phone": EsiaUser.phone, "email": EsiaUser.email, "snils": EsiaUser.snils}.get(kind)
    if column is None:
        return None
    return session.exec(select(EsiaUser).where(column == value)).first()


@lru_cache(maxsize=1)
def _dummy_password_hash() -> str:
    """A hash no password matches, verified for unknown logins so they take as long as known ones."""
    return hash_password(secrets.token_urlsafe(32))


def _password_matches(user: EsiaUser | None, password: str) -> TypeGuard[EsiaUser]:
    """Always one argon2 verification, whether or not the user exists; True only for an existing user."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    stored = user.password_hash if user is not None else _dummy_password_hash()
    matches = verify_password(stored, password)
    return matches and user is not None


def _utc(now: datetime | None) -> datetime:
    return utc_now() if now is None else as_utc(now)


def _locked(locked_until: datetime) -> SignInOutcome:
    return SignInOutcome(None, throttle.lock_message(locked_until), locked_until)


def authenticate(
    session: Session, login: str, password: str, *, client_address: str = "", now: datetime | None = None
) -> SignInOutcome:
    """Check a login (phone, e-mail or СНИЛС in any mask) and password; count failures.

    Failures are counted twice: for the login (5, then a lock of that login)
    and for the browser's address (``sign_in_per_address`` in GKH_RATE_LIMITS,
    then a lock of every login tried from there). A success clears only the
    login's count: an attacker must not reset the address count with an
    account of their own. Nothing is committed here: the caller's
    transaction keeps the counters and whatever follows (the code) together.
    """
    now = _utc(now)
    if not (login or "").strip():
        return SignInOutcome(None, MSG_ENTER_LOGIN)
    if not password:
        return SignInOutcome(None, MSG_ENTER_PASSWORD)
    address_key = throttle.address_key(client_address)
    address_lock = throttle.current_lock(session, address_key, now)
    if address_lock.locked_until is not None:
        return SignInOutcome(None, throttle.address_lock_message(address_lock.locked_until), address_lock.locked_until)
    key = login_key(login)
    lock = throttle.current_lock(session, key, now)
    if lock.locked_until is not None:
        return _locked(lock.locked_until)
    user = _user_by_login_key(session, key)
    if _password_matches(user, password):
        throttle.record_success(session, key)
        return SignInOutcome(user.subject_id, "")
    address_lock = throttle.record_address_failure(session, address_key, now)
    lock = throttle.record_failure(session, key, now)
    if lock.locked_until is not None:
        return _locked(lock.locked_until)
    if address_lock.locked_until is not None:
        return SignInOutcome(None, throttle.address_lock_message(address_lock.locked_until), address_lock.locked_until)
    return SignInOutcome(None, MSG_WRONG_CREDENTIALS)


def issue_authorization_code(
    session: Session, subject_id: str, request: AuthorizationRequest, *, now: datetime | None = None
) -> str:
    """A fresh single-use code (60 s) for a signed-in user, bound to this client, redirect_uri and PKCE challenge."""
    _check_request(session, request)
    return tokens.issue_code(session, subject_id, request.client_id, request.redirect_uri, _utc(now),
                             code_challenge=request.code_challenge)


def sign_in_and_issue_code(
    login: str, password: str, request: AuthorizationRequest, *, client_address: str = "",
    now: datetime | None = None,
) -> SignInOutcome:
    """«Войти» on the login page: check the client, the password, and issue the code — one transaction.

    ``client_address`` (the browser's address) has a failure counter of its own, so one password tried
    across many logins from one place is stopped too. Blocking (argon2 and the database): call it from
    a worker thread.
    """
    try:
        check_client(request)
    except EsiaClientRejected as rejected:
        return SignInOutcome(None, str(rejected))
    with session_scope() as session:
        outcome = authenticate(session, login, password, client_address=client_address, now=now)
        if outcome.subject_id is None:
            return outcome
        code = issue_authorization_code(session, outcome.subject_id, request, now=now)
        return replace(outcome, code=code)


# --- Token and userinfo endpoints --------------------------------------------------------


def exchange_code_for_token(
    code: str, *, client_id: str, client_secret: str, redirect_uri: str, code_verifier: str,
    now: datetime | None = None,
) -> tokens.IssuedToken:
    """``/esia/token``: raise InvalidClient or InvalidGrant, or return the access token (own transaction)."""
    if not client_authenticated(client_id, client_secret):
        raise InvalidClient
    with session_scope() as session:
        return tokens.exchange_code(session, code, client_id=client_id, redirect_uri=redirect_uri,
                                    code_verifier=code_verifier, now=_utc(now))


def claims_for_access_token(token: str, *, now: datetime | None = None) -> dict[str, str | None] | None:
    """``/esia/userinfo``: the person's data for a valid access token, or None."""
    with session_scope() as session:
        user = tokens.user_for_access_token(session, token, _utc(now))
        return None if user is None else user_claims(user)


def user_claims(user: EsiaUser) -> dict[str, str | None]:
    """The scopes «fullname snils mobile email», flattened the way the demo userinfo returns them."""
    return {
        "sub": user.subject_id,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "middle_name": user.middle_name,
        "snils": format_snils(user.snils),
        "phone": user.phone,
        "email": user.email,
    }
