"""The kiosk frame every page sits in: a header with the portal's name and a footer.

Touch first: the frame keeps content in one readable column at 1024×768 and
lets it fill the width on a phone.
"""

import reflex as rx

from gkh_web import paths
from gkh_web.components import texts
from gkh_web.components.kiosk import guarded
from gkh_web.components.text_size import large_text_class, large_text_switch
from gkh_web.state.session import SessionState

HEADER_BLUE = "#0D4CD3"  # Госуслуги blue, used for the header bar and primary actions


def _resident_menu() -> rx.Component:
    """The signed-in resident's name and «Выйти», always in reach."""
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            rx.text(SessionState.resident_name, color="white", size="3", weight="medium",
                    display=["none", "none", "block"], id="resident-name"),
            rx.button(rx.icon("log-out", size=20), "Выйти", size="3", variant="solid",
                      background="white", color=HEADER_BLUE, on_click=SessionState.sign_out, id="sign-out",
                      min_height="44px"),
            align="center",
            spacing="3",
        ),
    )


def header() -> rx.Component:
    return rx.el.header(  # a real <header> (banner landmark): Radix's Box cannot be one
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.image(src="/emblem.svg", alt="", width="40px", height="40px"),
                    rx.vstack(
                        rx.text(texts.PORTAL_SHORT, weight="bold", size="5", color="white"),
                        rx.text(texts.PORTAL_LONG, size="2", color="rgba(255,255,255,0.85)",
                                display=rx.cond(SessionState.signed_in | SessionState.large_text, "none", "block")),
                        spacing="0",
                    ),
                    align="center",
                    spacing="3",
                ),
                href=rx.cond(SessionState.signed_in, paths.CABINET, paths.START),
                underline="none",
                min_height="48px",
                display="flex",
                align_items="center",
            ),
            rx.hstack(large_text_switch(on_dark=True), _resident_menu(), align="center", spacing="3", flex_shrink="0"),
            justify="between",
            align="center",
            width="100%",
            max_width="960px",
            margin_x="auto",
        ),
        style={"background": HEADER_BLUE, "padding": "10px 20px", "width": "100%"},
    )


def footer() -> rx.Component:
    return rx.el.footer(  # a real <footer> (contentinfo landmark)
        rx.text(texts.FOOTER, size="2", color_scheme="gray", text_align="center"),
        style={"padding": "16px", "width": "100%"},
    )


def page_frame(*children: rx.Component, guard: bool = True) -> rx.Component:
    """Header, a centred main column and the footer; ``guard`` puts it all under the kiosk idle guard."""
    frame = rx.flex(
        header(),
        rx.el.main(
            *children,
            width="100%",
            max_width="960px",
            margin_x="auto",
            padding_x=["16px", "16px", "24px"],
            padding_y=["20px", "20px", "32px"],
            flex="1",
        ),
        footer(),
        direction="column",
        min_height="100vh",
        background="#F5F7FA",
        class_name=large_text_class(),
    )
    return guarded(frame) if guard else frame


def waiting_page(text: str, *, guard: bool = True) -> rx.Component:
    """A spinner and one line while an ``on_load`` handler decides where the browser goes next."""
    return page_frame(
        rx.center(
            rx.vstack(rx.spinner(size="3"), rx.text(text, size="5"), align="center", spacing="4"),
            padding_y="80px",
        ),
        guard=guard,
    )
