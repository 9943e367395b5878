"""The cabinet (главная страница ЛК): linked accounts, the amount due, unlinking."""

from __future__ import annotations

import reflex as rx

from gkh_web.db.threads import in_transaction
from gkh_web.domain.money import format_rubles
from gkh_web.services import accounts
from gkh_web.services.accounts import LinkedAccountView
from gkh_web.state.event import event
from gkh_web.state.resident import ResidentPage


class CabinetState(ResidentPage, rx.State):
    accounts: rx.Field[list[LinkedAccountView]] = rx.field(default_factory=list)
    total_due_text: rx.Field[str] = rx.field("")
    loaded: rx.Field[bool] = rx.field(False)
    unlink_account_id: rx.Field[int] = rx.field(0)
    unlink_label: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")

    @rx.var
    def has_accounts(self) -> bool:
        return len(self.accounts) > 0

    @event
    async def open_page(self):
        refused = await self.admit()
        if refused:
            self._clear()
            return refused
        await self._show(self._resident_id)

    def _clear(self) -> None:
        self.accounts = []
        self.total_due_text = ""
        self.loaded = False

    async def reload(self) -> None:
        """Re-read the linked accounts and the amounts due from the database."""
        resident_id = await self.signed_in_resident()
        if resident_id is None:
            self._clear()
            return
        await self._show(resident_id)

    async def _show(self, resident_id: int) -> None:
        views = await in_transaction(lambda session: accounts.linked_accounts(session, resident_id))
        self.accounts = views
        self.total_due_text = format_rubles(sum(view.amount_due_kopecks for view in views))
        self.loaded = True

    @event
    def ask_unlink(self, account_id: int):
        """Ask before unlinking; the label is only for the question, the server re-checks on confirm."""
        chosen = next((view for view in self.accounts if view.account_id == account_id), None)
        if chosen is None:
            return
        self.unlink_account_id = chosen.account_id
        self.unlink_label = f"№ {chosen.number} · {chosen.provider_name} · {chosen.address}"

    @event
    def cancel_unlink(self):
        self.unlink_account_id = 0

    @event
    async def confirm_unlink(self):
        account_id, self.unlink_account_id = self.unlink_account_id, 0
        resident_id = await self.signed_in_resident()
        if resident_id is None:
            return self.to_start()
        try:
            message = await in_transaction(lambda session: accounts.unlink(session, resident_id, account_id))
        except accounts.AccessDenied:
            return rx.toast.error("Этот лицевой счёт не подключён к вашему кабинету")
        await self.reload()
        return rx.toast.success(message)
