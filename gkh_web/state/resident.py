"""The one guard of every page behind sign-in: the session check, the resident, the way out.

A Reflex state mixin (its handlers and vars are copied into each page state): ``admit`` for the
page's ``on_load``, ``signed_in_resident`` for its events, ``to_start`` for a stranger. Every one
of them asks ``SessionState`` once, which re-checks the session in the database, so a session
ended by «Выйти», the idle reset, its lifetime or on another worker is ended here too.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from gkh_web import paths
from gkh_web.state.session import SessionState


class ResidentPage(rx.State, mixin=True):
    _resident_id: int = 0
    """The resident the page was opened for (0 before ``admit`` let anyone in)."""

    async def admit(self, *, agreement_page: bool = False) -> Any:
        """For ``on_load``: None when the signed-in resident may see this page, else the redirect
        (to the start for a stranger, to the agreement for someone who has not accepted it)."""
        refused, self._resident_id = await (await self.get_state(SessionState)).page_access(
            agreement_page=agreement_page)
        return refused

    async def signed_in_resident(self) -> int | None:
        """For an event: the resident whose page this is, while their session is live; None otherwise.

        A different resident on the same tab (only after a new sign-in) counts as none: the page in
        front of them was built for someone else."""
        resident_id = await (await self.get_state(SessionState)).current_resident_id()
        if resident_id is None or (self._resident_id and resident_id != self._resident_id):
            return None
        self._resident_id = resident_id
        return resident_id

    @staticmethod
    def to_start() -> Any:
        """Where a stranger, or a tab whose session is over, is sent."""
        return rx.redirect(paths.START, replace=True)
