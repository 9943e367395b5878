"""The «Подключить лицевой счёт» dialog: by address and account number, or by ЕЛС / ИЖКУ."""

from __future__ import annotations

import reflex as rx

from gkh_web.db.threads import in_transaction
from gkh_web.domain.identifiers import IdentifierError
from gkh_web.services import accounts
from gkh_web.services.accounts import ProviderChoice
from gkh_web.state.cabinet import CabinetState
from gkh_web.state.event import event
from gkh_web.state.house_picker import BY_ADDRESS, BY_IDENTIFIER, HousePicker
from gkh_web.state.limits import lookup_subjects, refusal
from gkh_web.state.resident import ResidentPage


class LinkAccountState(ResidentPage, HousePicker, rx.State):
    dialog_open: rx.Field[bool] = rx.field(False)
    method: rx.Field[str] = rx.field(BY_ADDRESS)
    regions: rx.Field[list[str]] = rx.field(default_factory=list)
    house_label: rx.Field[str] = rx.field("")
    flat: rx.Field[str] = rx.field("")
    providers: rx.Field[list[ProviderChoice]] = rx.field(default_factory=list)
    provider_id: rx.Field[str] = rx.field("")
    account_number: rx.Field[str] = rx.field("")
    identifier: rx.Field[str] = rx.field("")
    errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)

    @event
    async def open_dialog(self):
        self._reset_form()
        self.regions = await in_transaction(accounts.regions)
        self.region = self.regions[0] if len(self.regions) == 1 else ""
        self.dialog_open = True

    def _reset_form(self) -> None:
        self.method = BY_ADDRESS
        self.house_query = self.house_label = self.flat = self.account_number = self.identifier = ""
        self.houses, self.providers = [], []
        self.house_id, self.provider_id = 0, ""
        self.errors = {}

    @event
    def set_dialog_open(self, value: bool):
        self.dialog_open = bool(value)

    @event
    def set_method(self, value: str | list[str]):
        if value in (BY_ADDRESS, BY_IDENTIFIER):
            self.method = value
            self.errors = {}

    @event
    def set_region(self, value: str):
        """Only a region from the list: anything else sent over the websocket is refused at the field."""
        self.region = value if value in self.regions else ""
        self.house_query, self.house_label, self.house_id = "", "", 0
        self.houses, self.providers, self.provider_id = [], [], ""
        if self.region:
            self._clear_error("region")
        else:
            self.errors = {**self.errors, "region": "Выберите регион из списка"}

    @event
    async def set_house_query(self, value: str):
        self.house_label, self.providers, self.provider_id = "", [], ""
        self._clear_error("house")
        await self.suggest_houses(value)

    @event
    async def choose_house(self, house_id: int):
        chosen = self.pick_house(house_id)
        if chosen is None:
            return
        self.house_label = chosen.label
        self.providers = await in_transaction(lambda session: accounts.providers_for_house(session, house_id))
        self.provider_id = str(self.providers[0].provider_id) if len(self.providers) == 1 else ""
        self._clear_error("house")

    @event
    def set_provider(self, value: str):
        self.provider_id = value
        self._clear_error("provider")

    def _clear_error(self, field: str) -> None:
        if field in self.errors:
            self.errors = {key: text for key, text in self.errors.items() if key != field}

    @event
    async def submit(self, form_data: dict):
        # What the form holds now: a debounced keystroke may not have reached the state yet.
        self.flat = str(form_data.get("flat", self.flat))
        self.account_number = str(form_data.get("account_number", self.account_number))
        self.identifier = str(form_data.get("identifier", self.identifier))
        resident_id = await self.signed_in_resident()
        if resident_id is None:
            return self.to_start()
        if self.method == BY_ADDRESS and not self.region:
            self.errors = {"region": "Выберите регион"}
            return
        limited = await refusal(lookup_subjects(self))  # every attempt counts: a found account is data too
        if limited:
            self.errors = {"identifier" if self.method == BY_IDENTIFIER else "account_number": limited}
            return
        link = self._link_request(resident_id)
        try:
            outcome = await in_transaction(link)
        except accounts.AccountLinkError as error:
            self.errors = {error.field: str(error)}
            return
        except IdentifierError as error:
            self.errors = {"identifier" if self.method == BY_IDENTIFIER else "account_number": str(error)}
            return
        self.dialog_open = False
        cabinet = await self.get_state(CabinetState)
        await cabinet.reload()
        return rx.toast.success(outcome.message)

    def _link_request(self, resident_id: int):
        """The service call for the chosen way, with the values copied out of the state."""
        if self.method == BY_IDENTIFIER:
            identifier = self.identifier
            return lambda session: accounts.link_by_identifier(session, resident_id, identifier)
        house_id = self.house_id or None
        provider_id = int(self.provider_id) if self.provider_id.isascii() and self.provider_id.isdigit() else None
        flat, account_number = self.flat, self.account_number
        return lambda session: accounts.link_by_address(
            session, resident_id, house_id=house_id, flat=flat, provider_id=provider_id,
            account_number=account_number,
        )
