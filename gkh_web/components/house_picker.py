"""The list of houses the system knows, offered while a resident types an address."""

from collections.abc import Sequence

import reflex as rx
from reflex.event import EventCallback
from reflex.vars import ArrayVar

from gkh_web.services.accounts import HouseChoice

_SUGGESTION_STYLE = {"justifyContent": "flex-start", "textAlign": "left", "whiteSpace": "normal", "height": "auto",
                     "paddingTop": "10px", "paddingBottom": "10px"}


def house_suggestions(houses: ArrayVar[Sequence[HouseChoice]], choose: EventCallback[int]) -> rx.Component:
    """Tappable suggestions (``choose(house_id)`` on a tap); nothing while the list is empty."""

    def suggestion(house: HouseChoice) -> rx.Component:
        return rx.button(house.label, variant="ghost", size="3", width="100%", type="button",
                         on_click=choose(house.house_id), min_height="44px", class_name="house-suggestion",
                         style=_SUGGESTION_STYLE)

    return rx.cond(
        houses.length() > 0,
        rx.card(rx.vstack(rx.foreach(houses, suggestion), spacing="0", width="100%"), width="100%",
                class_name="house-suggestions"),
    )
