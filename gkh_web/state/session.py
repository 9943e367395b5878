"""Who is signed in on this tab, and the ЕСИА sign-in round trip.

The record of a sign-in is a ``resident_session`` row; this state only keeps the
opaque session token (a backend-only var: it never reaches the browser) and what
the header shows. Every handler that reads a resident's data asks
``current_resident_id`` first, which re-checks the row in the database, so a
session ended by «Выйти», by the idle reset or on another worker is ended here too.

Two rules keep one resident's data away from the next person and from anyone
holding the tab's Reflex token:

* **The tab forgets everything when a session ends** (``wipe_tab``): every state of
  the tab is reset on the server, not just the token — «Выйти», the idle reset, a
  session found ended (idle, expired, revoked) by any handler, and a reconnect
  after it ended (``TabGuard`` checks before the hydrate sends the state back).
* **A new sign-in gets a new tab token** (``finish_sign_in``): the session is put into
  the state of a fresh Reflex token, the browser is switched to it, and the old
  token's states are wiped. A token seen or planted before sign-in opens nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import uuid
from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import BaseState

from gkh_web import paths
from gkh_web.db.engine import session_scope
from gkh_web.db.threads import in_transaction
from gkh_web.domain import pkce
from gkh_web.services import payments
from gkh_web.services.identity import esia_client, residents
from gkh_web.services.payments.gateway_factory import current_gateway
from gkh_web.settings import get_settings
from gkh_web.state.event import event

log = logging.getLogger(__name__)


# Drops the tab's Reflex token and reloads: the next visitor gets a brand-new state
# tree, and the replaced history entry cannot bring the previous page back.
FULL_RESET_SCRIPT = "window.sessionStorage.clear(); window.location.replace('/');"
TOKEN_STORAGE_KEY = "token"
"""Where Reflex's frontend keeps the tab's token (``sessionStorage``, .web/utils/state.js)."""


def _switch_token_script(new_token: str, route: str) -> str:
    """Give the tab its new Reflex token and load ``route`` under it (a full load: the old socket goes).

    JavaScript because Reflex 0.10 offers no server-side way to change a tab's token: the frontend
    keeps it in ``sessionStorage`` and only its own duplicate-tab check ever replaces it. Two
    statements, values serialised with ``json.dumps``, no logic."""
    return (f"window.sessionStorage.setItem({json.dumps(TOKEN_STORAGE_KEY)}, {json.dumps(new_token)});"
            f" window.location.replace({json.dumps(route)});")


def app_state_classes() -> list[type[BaseState]]:
    """Every state of this app (not Reflex's own), found by walking the tree from the root."""
    found: list[type[BaseState]] = []
    stack = list(rx.State.get_substates())
    while stack:
        cls = stack.pop()
        stack.extend(cls.get_substates())
        if cls.__module__.startswith("gkh_web."):
            found.append(cls)
    return sorted(found, key=lambda cls: cls.get_full_name())


async def wipe_tab(any_state: rx.State) -> None:
    """Reset every state of the tab to its defaults on the server: nothing of the last resident stays.

    The states are loaded explicitly (with Redis only those an event needs are loaded, and
    ``reset`` only reaches loaded ones); the delta of this event then blanks the screen too.
    """
    for cls in app_state_classes():
        (await any_state.get_state(cls)).reset()


@dataclasses.dataclass(frozen=True)
class SignedInResident:
    resident_id: int
    needs_agreement: bool


def _esia_server_base() -> str:
    """Where this server reaches the provider: a real ЕСИА, or the embedded demo on our own port."""
    settings = get_settings()
    if settings.esia_url:
        return settings.esia_url
    return f"http://127.0.0.1:{rx.config.get_config().backend_port}"


def _esia_browser_base() -> str:
    """Where the browser goes to sign in: the embedded demo is on the same origin."""
    return get_settings().esia_url or ""


class SessionState(rx.State):
    """The signed-in resident of this tab (if any)."""

    resident_name: rx.Field[str] = rx.field("")
    sign_in_error: rx.Field[str] = rx.field("")
    large_text: rx.Field[bool] = rx.field(False)
    """«Крупный шрифт»: the tab's text 1.5 times larger and darker. Kept in the tab's state, so it
    lasts through the sign-in (carried to the new token) and goes with the session's end (the
    whole tab is wiped), and the next person at the kiosk starts with the ordinary size."""
    _token: str = ""
    _oauth_state: str = ""
    _code_verifier: str = ""
    _landing: str = ""
    _landing_token: str = ""

    @rx.var
    def signed_in(self) -> bool:
        return self.resident_name != ""

    async def current_resident(self) -> SignedInResident | None:
        """The resident behind this tab's token, checked in the database (idle limit included)."""
        if not self._token:
            return None
        token = self._token
        settings = get_settings()

        def lookup(session):
            resident = residents.resident_for_token(
                session, token, idle_limit_seconds=settings.session_idle_limit_seconds,
                max_age_seconds=settings.session_max_seconds)
            if resident is None:
                return None
            return SignedInResident(resident.id, residents.needs_agreement(resident))

        found = await in_transaction(lookup)
        if found is None:
            await wipe_tab(self)  # ended elsewhere (idle, expired, revoked): the tab forgets it all
        return found

    async def current_resident_id(self) -> int | None:
        found = await self.current_resident()
        return found.resident_id if found else None

    @event
    def begin_sign_in(self):
        """«Войти через Госуслуги»: to the provider with a fresh anti-forgery ``state`` and PKCE challenge.

        The ``redirect_uri`` is the configured public URL's callback, never the address this
        browser claims to be on: a script connecting with a foreign Origin gets the same one.
        """
        return self._to_provider(esia_client.LOGIN_PATH)

    @event
    def begin_registration(self):
        """«Зарегистрироваться»: the same sign-in request, opened on the demo ЕСИА's registration page.

        Registration happens at the provider, and afterwards the person signs in through this very
        request. A real provider (``GKH_ESIA_URL``) gets it on its login page, which offers its own
        registration; in production without one there is no demo ЕСИА to register at either.
        """
        embedded = get_settings().esia_url is None
        return self._to_provider(esia_client.REGISTER_PATH if embedded else esia_client.LOGIN_PATH)

    def _to_provider(self, page: str):
        self.sign_in_error = ""
        self._oauth_state = esia_client.new_state()
        self._code_verifier = pkce.new_code_verifier()
        settings = get_settings()
        return rx.redirect(
            esia_client.authorization_url(
                _esia_browser_base(), state=self._oauth_state, redirect_uri=settings.callback_url,
                client_id=settings.esia_client_id, code_challenge=pkce.code_challenge(self._code_verifier),
                page=page,
            )
        )

    def _land(self, route: str, new_token: str = ""):
        """Leave ``/auth/callback`` for ``route`` only once its on_load chain has finished.

        A redirect returned straight from the on_load handler reaches the browser while the
        chain's last event (marking the page hydrated) still waits for the tab's lock; the
        next page's on_load then cancels that event, and a cancel that lands just as it takes
        the Redis lock leaves the lock held until it expires: the cabinet opened after 10 s
        (bench/kiosks.py). ``open_landing`` is queued behind the chain, so nothing is left
        to cancel when the browser moves on.
        """
        self._landing, self._landing_token = route, new_token
        return SessionState.open_landing

    @event
    def open_landing(self):
        route, self._landing = self._landing, ""
        new_token, self._landing_token = self._landing_token, ""
        if route and new_token:
            return rx.call_script(_switch_token_script(new_token, route))
        if route:
            return rx.redirect(route, replace=True)

    @event
    async def finish_sign_in(self):
        """On ``/auth/callback``: check ``state``, trade the code for claims over HTTP, open a session."""
        params = self.router.url.query_parameters
        code, returned_state = params.get("code", ""), params.get("state", "")
        expected_state, self._oauth_state = self._oauth_state, ""  # single use
        code_verifier, self._code_verifier = self._code_verifier, ""
        if not code or not expected_state or returned_state != expected_state:
            signed_in = await self.current_resident() if self._token else None
            if signed_in:  # a repeated on_load or a reload of this page: go where the resident belongs
                return self._land(paths.AGREEMENT if signed_in.needs_agreement else paths.CABINET)
            self.sign_in_error = "Вход не завершён: начните вход заново"
            return self._land(paths.START)
        settings = get_settings()
        try:
            claims = await esia_client.fetch_claims(
                code, redirect_uri=settings.callback_url, code_verifier=code_verifier,
                server_base=_esia_server_base(), client_id=settings.esia_client_id,
                client_secret=settings.esia_client_secret, timeout_seconds=settings.esia_timeout_seconds,
            )
        except (esia_client.EsiaUnavailable, esia_client.EsiaSignInFailed) as error:
            self.sign_in_error = str(error)
            return self._land(paths.START)
        previous = self._token  # a sign-in over an open session on this tab ends the old one

        def open_session(session):
            token = residents.sign_in_resident(session, claims, replaced_token=previous or None)
            resident = residents.resident_for_token(
                session, token, idle_limit_seconds=settings.session_idle_limit_seconds)
            return token, residents.needs_agreement(resident)

        token, needs_agreement = await in_transaction(open_session)
        new_tab_token = await _give_session_to_new_tab(token, claims.fio, large_text=self.large_text)
        await wipe_tab(self)  # the old token keeps nothing: not the session, not the sign-in round trip
        return self._land(paths.AGREEMENT if needs_agreement else paths.CABINET, new_tab_token)

    @event
    def toggle_large_text(self):
        """The «Крупный шрифт» switch in every page's header."""
        self.large_text = not self.large_text

    @event
    async def sign_out(self):
        """«Выйти»: end the session in the database, then wipe this tab completely."""
        await self._end("logout")
        return rx.call_script(FULL_RESET_SCRIPT)

    @event
    async def idle_reset(self):
        """The kiosk's «Вы ещё здесь?» ran out: the same full reset as «Выйти»."""
        await self._end("idle")
        return rx.call_script(FULL_RESET_SCRIPT)

    @event
    async def still_here(self):
        """Activity on the kiosk: keep the server-side session alive."""
        await self.current_resident()

    async def _end(self, reason: str) -> None:
        token = self._token
        await wipe_tab(self)
        if token:
            resident_id = await in_transaction(lambda session: residents.end_session_of(session, token, reason=reason))
            if resident_id:
                _in_background(_cancel_waiting_payments(resident_id))

    async def page_access(self, *, agreement_page: bool = False) -> tuple[Any, int]:
        """(redirect or None, resident id) for ``on_load`` of pages behind sign-in: one database
        check gives both, so opening a page costs one session look-up, not two."""
        found = await self.current_resident()
        if found is None:
            return rx.redirect(paths.START, replace=True), 0
        if found.needs_agreement and not agreement_page:
            return rx.redirect(paths.AGREEMENT, replace=True), found.resident_id
        return None, found.resident_id


async def _give_session_to_new_tab(session_token: str, resident_name: str, *, large_text: bool) -> str:
    """Put the signed-in session into the state of a brand-new Reflex token and return that token.

    The browser switches to it (``open_landing``); whoever knew the tab's old token (a
    person at the kiosk before, a script that planted it) holds an empty, signed-out tab.
    """
    from gkh_web.gkh_web import app  # the running app (imported late: the app module imports this one)

    new_token = str(uuid.uuid4())
    async with app.modify_state(rx.BaseStateToken(ident=new_token, cls=SessionState)) as root:
        fresh = await root.get_state(SessionState)
        fresh._token, fresh.resident_name, fresh.large_text = session_token, resident_name, large_text
    return new_token


class TabGuard(Middleware):
    """Before a (re)connect sends the whole state back, a tab whose session has ended is wiped.

    Reflex answers ``hydrate_and_load`` with ``state.dict()`` before any ``on_load`` runs, so a
    kiosk tab reconnecting after its session ended on the server (idle, expiry, another worker's
    «Выйти») would otherwise get the last resident's name, accounts and payments back on screen.
    """

    async def preprocess(self, app, state, event):
        if event.name not in _hydrate_event_names():
            return None
        session_state = await state.get_state(SessionState)
        if not session_state._token:
            return None
        if (event.router_data or {}).get("pathname") == paths.SESSION_END:
            await session_state._end("idle")  # a page outside the app timed out: end before anything is sent
        else:
            await session_state.current_resident()  # wipes the tab when the session is over
        return None


def _hydrate_event_names() -> frozenset[str]:
    root = rx.State.get_full_name()
    return frozenset({f"{root}.hydrate", f"{root}.hydrate_and_load"})


_background: set[asyncio.Task] = set()


def _in_background(work) -> None:
    """Run ``work`` after the handler returns (its HTTP calls must not hold up the reset of the tab)."""
    task = asyncio.get_running_loop().create_task(work)
    _background.add(task)
    task.add_done_callback(_background.discard)


async def _cancel_waiting_payments(resident_id: int) -> None:
    """The resident has gone: their payments still open on the gateway's page are cancelled there."""
    try:
        await payments.cancel_waiting_payments(resident_id, current_gateway(), session_factory=session_scope)
    except Exception:  # the reconciler cancels them at the expiry anyway
        log.warning("could not cancel the waiting payments of a signed-out resident", exc_info=True)
