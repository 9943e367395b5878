"""Who is signed in on this tab, and the ЕСИА sign-in round trip.

The record of a sign-in is a ``resident_session`` row; this state only keeps the
opaque session token (a backend-only var: it never reaches the browser) and what
the header shows. Every handler that reads a resident's data asks
``current_resident_id`` first, which re-checks the row in the database, so a
session ended by «Выйти», by the idle reset or on another worker is ended here too.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import reflex as rx

from gkh_web.services import esia_client, residents
from gkh_web.settings import get_settings
from gkh_web.state.db import in_transaction

log = logging.getLogger(__name__)

START_ROUTE = "/"
CALLBACK_PATH = "/auth/callback"
CABINET_ROUTE = "/cabinet"
AGREEMENT_ROUTE = "/agreement"

# Drops the tab's Reflex token and reloads: the next visitor gets a brand-new state
# tree, and the replaced history entry cannot bring the previous page back.
FULL_RESET_SCRIPT = "window.sessionStorage.clear(); window.location.replace('/');"


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

    resident_name: str = ""
    sign_in_error: str = ""
    _token: str = ""
    _oauth_state: str = ""
    _landing: str = ""

    @rx.var
    def signed_in(self) -> bool:
        return self.resident_name != ""

    async def current_resident(self) -> SignedInResident | None:
        """The resident behind this tab's token, checked in the database (idle limit included)."""
        if not self._token:
            return None
        token = self._token
        limit = get_settings().session_idle_limit_seconds

        def lookup(session):
            resident = residents.resident_for_token(session, token, idle_limit_seconds=limit)
            if resident is None:
                return None
            return SignedInResident(resident.id, residents.needs_agreement(resident))

        found = await in_transaction(lookup)
        if found is None:
            self._forget()
        return found

    async def current_resident_id(self) -> int | None:
        found = await self.current_resident()
        return found.resident_id if found else None

    def _forget(self) -> None:
        self._token = ""
        self.resident_name = ""

    @rx.event
    def begin_sign_in(self):
        """«Войти через Госуслуги»: to the provider with a fresh anti-forgery ``state``."""
        self.sign_in_error = ""
        self._oauth_state = esia_client.new_state()
        settings = get_settings()
        redirect_uri = self.router.url.origin + CALLBACK_PATH
        return rx.redirect(
            esia_client.authorization_url(
                _esia_browser_base(), state=self._oauth_state, redirect_uri=redirect_uri,
                client_id=settings.esia_client_id,
            )
        )

    def _land(self, route: str):
        """Leave ``/auth/callback`` for ``route`` only once its on_load chain has finished.

        A redirect returned straight from the on_load handler reaches the browser while the
        chain's last event (marking the page hydrated) still waits for the tab's lock; the
        next page's on_load then cancels that event, and a cancel that lands just as it takes
        the Redis lock leaves the lock held until it expires: the cabinet opened after 10 s
        (bench/kiosks.py). ``open_landing`` is queued behind the chain, so nothing is left
        to cancel when the browser moves on.
        """
        self._landing = route
        return SessionState.open_landing

    @rx.event
    def open_landing(self):
        route, self._landing = self._landing, ""
        if route:
            return rx.redirect(route, replace=True)

    @rx.event
    async def finish_sign_in(self):
        """On ``/auth/callback``: check ``state``, trade the code for claims over HTTP, open a session."""
        params = self.router.url.query_parameters
        code, returned_state = params.get("code", ""), params.get("state", "")
        expected_state, self._oauth_state = self._oauth_state, ""  # single use
        if not code or not expected_state or returned_state != expected_state:
            signed_in = await self.current_resident() if self._token else None
            if signed_in:  # a repeated on_load or a reload of this page: go where the resident belongs
                return self._land(AGREEMENT_ROUTE if signed_in.needs_agreement else CABINET_ROUTE)
            self.sign_in_error = "Вход не завершён: начните вход заново"
            return self._land(START_ROUTE)
        settings = get_settings()
        try:
            claims = await esia_client.fetch_claims(
                code, redirect_uri=self.router.url.origin + CALLBACK_PATH, server_base=_esia_server_base(),
                client_id=settings.esia_client_id, client_secret=settings.esia_client_secret,
                timeout_seconds=settings.esia_timeout_seconds,
            )
        except (esia_client.EsiaUnavailable, esia_client.EsiaSignInFailed) as error:
            self.sign_in_error = str(error)
            return self._land(START_ROUTE)
        previous = self._token  # a sign-in over an open session on this tab ends the old one
        token = await in_transaction(
            lambda session: residents.sign_in_resident(session, claims, replaced_token=previous or None)
        )
        self._token = token
        self.resident_name = claims.fio
        self.sign_in_error = ""
        found = await self.current_resident()
        target = AGREEMENT_ROUTE if found and found.needs_agreement else CABINET_ROUTE
        return self._land(target)

    @rx.event
    async def sign_out(self):
        """«Выйти»: end the session in the database, then wipe this tab completely."""
        await self._end("logout")
        return rx.call_script(FULL_RESET_SCRIPT)

    @rx.event
    async def idle_reset(self):
        """The kiosk's «Вы ещё здесь?» ran out: the same full reset as «Выйти»."""
        await self._end("idle")
        return rx.call_script(FULL_RESET_SCRIPT)

    @rx.event
    async def still_here(self):
        """Activity on the kiosk: keep the server-side session alive."""
        await self.current_resident()

    async def _end(self, reason: str) -> None:
        token = self._token
        self._forget()
        if token:
            await in_transaction(lambda session: residents.end_session(session, token, reason=reason))

    async def page_access(self, *, agreement_page: bool = False) -> tuple[Any, int]:
        """(redirect or None, resident id) for ``on_load`` of pages behind sign-in: one database
        check gives both, so opening a page costs one session look-up, not two."""
        found = await self.current_resident()
        if found is None:
            return rx.redirect(START_ROUTE, replace=True), 0
        if found.needs_agreement and not agreement_page:
            return rx.redirect(AGREEMENT_ROUTE, replace=True), found.resident_id
        return None, found.resident_id
