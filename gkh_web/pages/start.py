"""«/» — the kiosk's start screen: what this is and one big way in."""

import reflex as rx

from gkh_web.components import texts
from gkh_web.components.layout import HEADER_BLUE, page_frame

SIGN_IN_ROUTE = "/esia/login"


def _step(number: int, title: str, detail: str) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.text(str(number), weight="bold", size="5", color="white"),
            background=HEADER_BLUE,
            border_radius="50%",
            min_width="44px",
            height="44px",
        ),
        rx.vstack(
            rx.text(title, weight="bold", size="4"),
            rx.text(detail, size="3", color="gray"),
            spacing="1",
        ),
        align="center",
        spacing="4",
        width="100%",
    )


def start_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading(texts.START_TITLE, as_="h1", size="8", id="start-title"),
            rx.text(texts.START_LEAD, size="5"),
            rx.link(
                rx.button(
                    rx.icon("log-in", size=26),
                    texts.SIGN_IN,
                    size="4",
                    height="72px",
                    width="100%",
                    style={"fontSize": "22px"},
                    background=HEADER_BLUE,
                    id="sign-in",
                ),
                href=SIGN_IN_ROUTE,
                width=["100%", "100%", "440px"],
                underline="none",
            ),
            rx.text(texts.SIGN_IN_HINT, size="3", color="gray"),
            rx.card(
                rx.vstack(
                    rx.heading(texts.STEPS_TITLE, as_="h2", size="5"),
                    *[_step(i + 1, title, detail) for i, (title, detail) in enumerate(texts.STEPS)],
                    spacing="4",
                ),
                width="100%",
                size="3",
            ),
            spacing="5",
            align="start",
            width="100%",
        ),
    )
