"""«/» — the kiosk's start screen: what this is and one big way in."""

import reflex as rx

from gkh_web.components import texts
from gkh_web.components.layout import HEADER_BLUE, page_frame
from gkh_web.components.text_size import text_px
from gkh_web.state.session import SessionState


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
            rx.text(detail, size="3", color_scheme="gray"),
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
            rx.cond(
                SessionState.sign_in_error != "",
                rx.callout(SessionState.sign_in_error, icon="triangle-alert", color_scheme="red",
                           size="3", id="sign-in-error", width="100%"),
            ),
            rx.button(
                rx.icon("log-in", size=26),
                texts.SIGN_IN,
                size="4",
                min_height="72px",
                height="auto",
                width=["100%", "100%", "440px"],
                style={"fontSize": text_px(22)},
                background=HEADER_BLUE,
                id="sign-in",
                on_click=SessionState.begin_sign_in,
            ),
            rx.text(texts.SIGN_IN_HINT, size="3", color_scheme="gray"),
            rx.hstack(
                rx.text(texts.NO_ACCOUNT, size="4"),
                rx.button(
                    texts.REGISTER,
                    size="4",
                    variant="outline",
                    min_height="56px",
                    style={"fontSize": text_px(20)},
                    id="register",
                    on_click=SessionState.begin_registration,
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
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
        guard=False,
    )
