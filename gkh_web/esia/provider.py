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

import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from sqlmodel import Session, select

from gkh_web.db.engine import session_scope
from gkh_web.db.esia_models import EsiaUser
from gkh_web.db.models import as_utc, utc_now
from gkh_web.domain.contacts import ContactError, normalize_login
from gkh_web.domain.identifiers import IdentifierError, format_snils
from gkh_web.esia import throttle, tokens
from gkh_web.services.esia_passwords import hash_password, verify_password
from gkh_web.settings import get_settings

MSG_WRONG_CREDENTIALS = "Неверный логин или пароль"
MSG_ENTER_LOGIN = "Введите телефон, электронную почту или СНИЛС"
MSG_ENTER_PASSWORD = "Введите пароль"
MSG_CLIENT_REJECTED = "Запрос на вход неверен: неизвестное приложение или адрес возврата"

CALLBACK_PATH = "/auth/callback"
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


def check_client(client_id: str, redirect_uri: str) -> None:
    """Raise EsiaClientRejected unless this is our ГИС ЖКХ and its callback address.

    DEMO-ONLY RELAXATION: a real provider compares ``redirect_uri`` with the
    exact addresses registered for the client. The kiosk is reached as
    localhost, 127.0.0.1 on a random test port or a tablet's LAN IP, so here
    any http(s) host and port is allowed as long as the path is exactly
    ``/auth/callback`` with no user info, query or fragment. The code is still
    bound to the exact ``redirect_uri`` it was issued for.
    """
    if not hmac.compare_digest(client_id.encode(), get_settings().esia_client_id.encode()):
        raise EsiaClientRejected
    if not _allowed_redirect_uri(redirect_uri):
        raise EsiaClientRejected


def _allowed_redirect_uri(redirect_uri: str) -> bool:
    try:
        parts = urlsplit(redirect_uri)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and parts.path == CALLBACK_PATH
        and not parts.query
        and not parts.fragment
    )


def client_authenticated(client_id: str, client_secret: str) -> bool:
    """``client_secret_post`` authentication at ``/esia/token``, in constant time."""
    settings = get_settings()
    id_ok = hmac.compare_digest(client_id.encode(), settings.esia_client_id.encode())
    secret_ok = hmac.compare_digest(client_secret.encode(), settings.esia_client_secret.encode())
    return id_ok and secret_ok


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


def _password_matches(user: EsiaUser | None, password: str) -> bool:
    """Always one argon2 verification, whether or not the user exists."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    stored = user.password_hash if user is not None else _dummy_password_hash()
    matches = verify_password(stored, password)
    return matches and user is not None


def _utc(now: datetime | None) -> datetime:
    return utc_now() if now is None else as_utc(now)


def _locked(locked_until: datetime) -> SignInOutcome:
    return SignInOutcome(None, throttle.lock_message(locked_until), locked_until)


def authenticate(session: Session, login: str, password: str, *, now: datetime | None = None) -> SignInOutcome:
    """Check a login (phone, e-mail or СНИЛС in any mask) and password; count failures.

    Nothing is committed here: the caller's transaction keeps the counter
    and whatever follows (the code) together.
    """
    now = _utc(now)
    if not (login or "").strip():
        return SignInOutcome(None, MSG_ENTER_LOGIN)
    if not password:
        return SignInOutcome(None, MSG_ENTER_PASSWORD)
    key = login_key(login)
    lock = throttle.current_lock(session, key, now)
    if lock.locked_until is not None:
        return _locked(lock.locked_until)
    user = _user_by_login_key(session, key)
    if _password_matches(user, password):
        throttle.record_success(session, key)
        return SignInOutcome(user.subject_id, "")
    lock = throttle.record_failure(session, key, now)
    if lock.locked_until is not None:
        return _locked(lock.locked_until)
    return SignInOutcome(None, MSG_WRONG_CREDENTIALS)


def issue_authorization_code(
    session: Session, subject_id: str, client_id: str, redirect_uri: str, *, now: datetime | None = None
) -> str:
    """A fresh single-use code (60 s) for a signed-in user, bound to this client and redirect_uri."""
    check_client(client_id, redirect_uri)
    return tokens.issue_code(session, subject_id, client_id, redirect_uri, _utc(now))


def sign_in_and_issue_code(
    login: str, password: str, client_id: str, redirect_uri: str, *, now: datetime | None = None
) -> SignInOutcome:
    """«Войти» on the login page: check the client, the password, and issue the code — one transaction.

    Blocking (argon2 and the database): call it from a worker thread.
    """
    try:
        check_client(client_id, redirect_uri)
    except EsiaClientRejected as rejected:
        return SignInOutcome(None, str(rejected))
    with session_scope() as session:
        outcome = authenticate(session, login, password, now=now)
        if outcome.subject_id is None:
            return outcome
        code = issue_authorization_code(session, outcome.subject_id, client_id, redirect_uri, now=now)
        return replace(outcome, code=code)


# --- Token and userinfo endpoints --------------------------------------------------------


def exchange_code_for_token(
    code: str, *, client_id: str, client_secret: str, redirect_uri: str, now: datetime | None = None
) -> tokens.IssuedToken:
    """``/esia/token``: raise InvalidClient or InvalidGrant, or return the access token (own transaction)."""
    if not client_authenticated(client_id, client_secret):
        raise InvalidClient
    with session_scope() as session:
        return tokens.exchange_code(session, code, client_id=client_id, redirect_uri=redirect_uri, now=_utc(now))


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
