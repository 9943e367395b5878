"""«Оплатить по другому лицевому счёту»: find any account without linking it.

The result shows what a payer needs to recognise the premises — street, house and
flat, the organisation, the account number and the amount due — and never the payer's
name. The account's database id never reaches the browser: each result carries an
opaque reference (128 random bits) that this tab keeps on the server for a short while,
and ``/pay?ref=…`` is the only way to the payment page of an account found here.
Look-ups are rate-limited per tab and per client address.
"""

from __future__ import annotations

import dataclasses
import secrets
import time

import reflex as rx

from gkh_web.db.threads import in_transaction
from gkh_web.domain.identifiers import IdentifierError
from gkh_web.services import accounts
from gkh_web.services.accounts import PublicAccountView
from gkh_web.state.event import event
from gkh_web.state.house_picker import BY_ADDRESS, BY_IDENTIFIER, HousePicker
from gkh_web.state.limits import lookup_subjects, refusal
from gkh_web.state.resident import ResidentPage

REFERENCE_SECONDS = 15 * 60
"""How long «Перейти к оплате» works after a search."""
MAX_REFERENCES = 20
MSG_REFERENCE_GONE = "Ссылка на оплату устарела. Найдите лицевой счёт ещё раз"


@dataclasses.dataclass(frozen=True)
class FoundAccount:
    """One search result as the browser gets it: a reference instead of the account's id."""

    ref: str
    number: str
    provider_name: str
    premises_hint: str
    amount_due_text: str


class PayOtherState(ResidentPage, HousePicker, rx.State):
    method: rx.Field[str] = rx.field(BY_IDENTIFIER)
    identifier: rx.Field[str] = rx.field("")
    account_number: rx.Field[str] = rx.field("")
    errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    results: rx.Field[list[FoundAccount]] = rx.field(default_factory=list)
    searched: rx.Field[bool] = rx.field(False)
    notice: rx.Field[str] = rx.field("")
    _shown_to: int = 0
    _references: dict[str, tuple[int, int]] = {}
    """ref → (account id, unix time it stops working)."""

    @event
    async def open_page(self):
        refused = await self.admit()
        if refused:
            return refused
        resident_id = self._resident_id
        if self._shown_to == resident_id:
            return  # on_load may run again (reconnect, a late duplicate): keep the form as it is
        self._shown_to = resident_id or 0
        self.method, self.identifier, self.house_query, self.account_number = BY_IDENTIFIER, "", "", ""
        self.houses, self.house_id, self.errors, self.results, self.searched = [], 0, {}, [], False
        regions = await in_transaction(accounts.regions)
        self.region = regions[0] if regions else ""

    def account_for_reference(self, ref: str, *, now: float | None = None) -> int | None:  # ok-float: unix time
        """The account a search of this tab found under ``ref``, while the reference is fresh; else None."""
        found = self._references.get(ref) if isinstance(ref, str) else None
        moment = time.time() if now is None else now
        if found is None or found[1] <= moment:
            return None
        return found[0]

    def reference_gone(self) -> None:
        """Back on this page after a stale or foreign ``/pay?ref=…``: say why."""
        self.notice, self._shown_to = MSG_REFERENCE_GONE, 0

    def _remember(self, views: list[PublicAccountView]) -> list[FoundAccount]:
        now = int(time.time())
        live = {ref: found for ref, found in self._references.items() if found[1] > now}
        shown = []
        for view in views:
            ref = secrets.token_urlsafe(16)
            live[ref] = (view.account_id, now + REFERENCE_SECONDS)
            shown.append(FoundAccount(ref, view.number, view.provider_name, view.premises_hint,
                                      view.amount_due_text))
        self._references = dict(list(live.items())[-MAX_REFERENCES:])
        return shown

    @event
    def set_method(self, value: str | list[str]):
        if value in (BY_IDENTIFIER, BY_ADDRESS):
            self.method, self.errors, self.results, self.searched = value, {}, [], False

    @event
    async def set_house_query(self, value: str):
        self.errors = {}
        await self.suggest_houses(value)

    @event
    def choose_house(self, house_id: int):
        self.pick_house(house_id)

    @event
    async def search(self, form_data: dict):
        self.identifier = str(form_data.get("identifier", self.identifier))
        self.account_number = str(form_data.get("account_number", self.account_number))
        self.notice = ""
        if await self.signed_in_resident() is None:
            return self.to_start()
        blank = self._blank_field_error()
        if blank:
            self.results, self.errors, self.searched = [], blank, True
            return
        limited = await refusal(lookup_subjects(self))
        if limited:
            field = "identifier" if self.method == BY_IDENTIFIER else "account_number"
            self.results, self.errors, self.searched = [], {field: limited}, True
            return
        search = {"identifier": self.identifier} if self.method == BY_IDENTIFIER else {
            "house_id": self.house_id or None, "account_number": self.account_number}

        def find(session):
            return accounts.find_accounts_to_pay(session, **search)

        try:
            self.results = self._remember(await in_transaction(find))
            self.errors = {}
        except accounts.AccountLookupError as error:
            self.results, self.errors = [], {error.field: str(error)}
        except IdentifierError as error:
            self.results, self.errors = [], {"identifier": str(error)}
        self.searched = True

    def _blank_field_error(self) -> dict[str, str]:
        """A message for the tab that is open when its field is left empty."""
        if self.method == BY_IDENTIFIER and not self.identifier.strip():
            return {"identifier": "Введите ЕЛС, идентификатор ЖКУ или идентификатор платёжного документа"}
        if self.method == BY_ADDRESS and not self.house_id:
            return {"house": "Выберите дом из подсказок"}
        if self.method == BY_ADDRESS and not self.account_number.strip():
            return {"account_number": "Введите номер лицевого счёта"}
        return {}
