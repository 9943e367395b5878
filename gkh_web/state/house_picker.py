"""The house field with suggestions, shared by «Подключить лицевой счёт» and «Оплатить по другому лицевому счёту».

A state mixin: both forms get the same vars and the same two steps (suggest as the resident
types, take a suggestion), and add what is theirs around them (the link dialog loads the
organisations of the chosen house).
"""

from __future__ import annotations

import reflex as rx

from gkh_web.db.threads import in_transaction
from gkh_web.services import accounts
from gkh_web.services.accounts import HouseChoice

BY_ADDRESS = "address"
BY_IDENTIFIER = "identifier"
"""The two ways both forms find an account: by house and number, or by an identifier from the bill."""
MIN_QUERY_LENGTH = 2


class HousePicker(rx.State, mixin=True):
    region: rx.Field[str] = rx.field("")
    house_query: rx.Field[str] = rx.field("")
    houses: rx.Field[list[HouseChoice]] = rx.field(default_factory=list)
    house_id: rx.Field[int] = rx.field(0)

    async def suggest_houses(self, query: str) -> None:
        """Suggestions from the houses the system knows in the chosen region, as the resident types."""
        self.house_query, self.house_id = query, 0
        region = self.region
        if len(query.strip()) < MIN_QUERY_LENGTH or not region:
            self.houses = []
            return
        self.houses = await in_transaction(
            lambda session: accounts.house_suggestions(session, region=region, query=query))

    def pick_house(self, house_id: int) -> HouseChoice | None:
        """Take one of the suggestions shown (an id from anywhere else is ignored)."""
        chosen = next((house for house in self.houses if house.house_id == house_id), None)
        if chosen is not None:
            self.house_id, self.house_query, self.houses = chosen.house_id, chosen.label, []
        return chosen
