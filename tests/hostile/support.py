"""What every hostile-input table shares: the payloads, states in memory, a signed-in tab, the database check."""

from __future__ import annotations

import re

import reflex as rx
import sqlalchemy as sa
from reflex.istate.data import ReflexURL, RouterData

from gkh_web.db.engine import session_scope
from gkh_web.db.esia_models import EsiaUser
from gkh_web.services.data.demo_data import DEMO_LOGINS
from gkh_web.services.identity import agreement, residents
from gkh_web.services.identity.esia_client import EsiaClaims
from gkh_web.state.session import SessionState
from tests.db.conftest import snapshot

# --- Payloads ---------------------------------------------------------------------------------------

SQL_OR = "' OR 1=1 --"
SQL_DROP = "; DROP TABLE resident;--"
SCRIPT = "<script>alert(1)</script>"
IMG_ONERROR = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
NUL = "\x00"
CRLF = "\r\n"
RLO = "\u202e"
"""RIGHT-TO-LEFT OVERRIDE: what follows is shown reversed."""
ZWSP = "\u200b"
"""ZERO WIDTH SPACE."""
TEN_K = 10_000
ONE_MB = 1024 * 1024
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def arabic(text: str) -> str:
    """«123» written with Arabic-Indic digits, «١٢٣»."""
    return text.translate(ARABIC_DIGITS)


def fullwidth(text: str) -> str:
    """«123» written with full-width digits, «１２３»."""
    return text.translate(FULLWIDTH_DIGITS)


_CYRILLIC = re.compile("[А-Яа-яЁё]")


def assert_russian(message: str, expected: str) -> None:
    """The message is exactly the one the code defines for the field, and it is Russian."""
    assert message == expected
    assert _CYRILLIC.search(message), message


# --- Reflex states in memory --------------------------------------------------------------------------


def state_of(cls, url: str = ""):
    """A fresh state tree (one browser tab) and its ``cls`` substate, as if the tab were at ``url``."""
    root = rx.State(_reflex_internal_init=True)
    if url:
        root.router = RouterData(url=ReflexURL(url))
    return root.get_substate(cls.get_full_name().split(".")[1:])


def redirect_path(event) -> str | None:
    """Where an ``rx.redirect(...)`` returned by a handler sends the browser (None for anything else)."""
    for name, value in getattr(event, "args", ()) or ():
        if str(name) == "path":
            return getattr(value, "_var_value", None)
    return None


def demo_login(key: str):
    return next(login for login in DEMO_LOGINS if login.key == key)


def signed_in_token(key: str, *, accept_agreement: bool = True) -> str:
    """Sign a demo person in as finish_sign_in does (Кузнецова becomes a resident here), optionally past
    the agreement page; returns the session token a tab would hold."""
    snils = demo_login(key).snils
    with session_scope() as session:
        user = session.exec(sa.select(EsiaUser).where(EsiaUser.snils == snils)).scalars().one()
        token = residents.sign_in_resident(session, EsiaClaims(
            user.subject_id, user.last_name, user.first_name, user.middle_name, user.snils, user.phone, user.email))
        if accept_agreement:
            resident = residents.resident_for_token(session, token, idle_limit_seconds=3600)
            agreement.accept_agreement(session, resident.id, email=resident.email)
    return token


async def signed_in_state(cls, key: str, *, url: str = "", accept_agreement: bool = True):
    """``cls`` in a tab where the demo person ``key`` is signed in."""
    state = state_of(cls, url)
    (await state.get_state(SessionState))._token = signed_in_token(key, accept_agreement=accept_agreement)
    return state


# --- The database did not change ---------------------------------------------------------------------------

APP_TABLES = (
    "house", "provider_organisation", "premises", "personal_account", "payment_document", "service_line",
    "resident", "resident_account_link", "payment", "payment_item", "payment_event",
    "esia_user", "esia_login_throttle", "esia_authorization_code", "esia_access_token",
)
"""Every app table whose content is compared; ``resident_session`` only by count (each request touches
its ``last_seen_at``)."""


_schemas: dict[str, sa.MetaData] = {}


def _schema(url: str) -> sa.MetaData:
    """The tables, reflected once per kind of database: every copy of the demo database has the same ones."""
    dialect = sa.make_url(url).get_backend_name()
    if dialect not in _schemas:
        engine = sa.create_engine(url)
        try:
            _schemas[dialect] = sa.MetaData()
            _schemas[dialect].reflect(bind=engine)
        finally:
            engine.dispose()
    return _schemas[dialect]


ALWAYS_COUNTED = ("rate_limit_counter",)
"""Rate-limit counters go up with every attempt, refused or not: that is their job (issue 10)."""


def app_snapshot(url: str, *, may_change: tuple[str, ...] = ()) -> dict[str, object]:
    """Row counts and content of the app's tables, leaving out the tables ``may_change`` names."""
    may_change = (*may_change, *ALWAYS_COUNTED)
    shot = snapshot(url, content=tuple(name for name in APP_TABLES if name not in may_change), metadata=_schema(url))
    shot["counts"] = {name: count for name, count in shot["counts"].items() if name not in may_change}
    return shot
