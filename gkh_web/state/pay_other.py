"""«Оплатить по другому лицевому счёту»: find any account without linking it.

The result shows what is needed to pay and to recognise the premises — the
recipient, the amount due, street, house and flat — and never the payer's name.
"""

from __future__ import annotations

import reflex as rx

from gkh_web.domain.identifiers import IdentifierError
from gkh_web.services import accounts
from gkh_web.services.accounts import HouseChoice, PublicAccountView
from gkh_web.state.db import in_transaction
from gkh_web.state.session import SessionState

BY_IDENTIFIER = "identifier"
BY_ADDRESS = "address"


class PayOtherState(rx.State):
    method: str = BY_IDENTIFIER
    identifier: str = ""
    region: str = ""
    house_query: str = ""
    houses: list[HouseChoice] = []
    house_id: int = 0
    account_number: str = ""
    errors: dict[str, str] = {}
    results: list[PublicAccountView] = []
    searched: bool = False
    _shown_to: int = 0

    @rx.event
    async def open_page(self):
        session_state = await self.get_state(SessionState)
        refused, resident_id = await session_state.page_access()
        if refused:
            return refused
        if self._shown_to == resident_id:
            return  # on_load may run again (reconnect, a late duplicate): keep the form as it is
        self._shown_to = resident_id or 0
        self.method, self.identifier, self.house_query, self.account_number = BY_IDENTIFIER, "", "", ""
        self.houses, self.house_id, self.errors, self.results, self.searched = [], 0, {}, [], False
        regions = await in_transaction(accounts.regions)
        self.region = regions[0] if regions else ""

    @rx.event
    def set_method(self, value: str | list[str]):
        if value in (BY_IDENTIFIER, BY_ADDRESS):
            self.method, self.errors, self.results, self.searched = value, {}, [], False

    @rx.event
    async def set_house_query(self, value: str):
        self.house_query, self.house_id, self.errors = value, 0, {}
        region, query = self.region, value
        if len(query.strip()) < 2:
            self.houses = []
            return
        self.houses = await in_transaction(
            lambda session: accounts.house_suggestions(session, region=region, query=query)
        )

    @rx.event
    def choose_house(self, house_id: int):
        chosen = next((house for house in self.houses if house.house_id == house_id), None)
        if chosen is not None:
            self.house_id, self.house_query, self.houses = chosen.house_id, chosen.label, []

    @rx.event
    async def search(self, form_data: dict):
        self.identifier = str(form_data.get("identifier", self.identifier))
        self.account_number = str(form_data.get("account_number", self.account_number))
        if await (await self.get_state(SessionState)).current_resident_id() is None:
            return rx.redirect("/", replace=True)
        blank = self._blank_field_error()
        if blank:
            self.results, self.errors, self.searched = [], blank, True
            return
        if self.method == BY_IDENTIFIER:
            identifier = self.identifier
            find = lambda session: accounts.find_accounts_to_pay(session, identifier=identifier)  # noqa: E731
        else:
            house_id, number = self.house_id or None, self.account_number
            find = lambda session: accounts.find_accounts_to_pay(  # noqa: E731
                session, house_id=house_id, account_number=number)
        try:
            self.results = await in_transaction(find)
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
