"""«Крупный шрифт»: one switch on every page that makes the text about 1.5 times larger and darker.

Many of the people who pay at a kiosk are elderly. The switch is a plain Reflex event
(``SessionState.toggle_large_text``); the size itself is CSS (``assets/kiosk.css``, class
``large-text``), which scales Radix's type scale and deepens its grey and accent text colours.
Dialogs render outside the page (portals), so they take the class too.
"""

from __future__ import annotations

import reflex as rx

from gkh_web.state.session import SessionState

LARGE_TEXT = "Крупный шрифт"
ON_DARK_PRESSED_TEXT = "#0D4CD3"  # the header's blue (components.layout.HEADER_BLUE; layout imports this module)


def large_text_class() -> rx.Var[str]:
    """The class a page's root (or a dialog) carries while «Крупный шрифт» is on."""
    return rx.cond(SessionState.large_text, "large-text", "")


def large_text_switch(*, on_dark: bool) -> rx.Component:
    """The switch for a header: white on the portal's blue bar, blue on the demo ЕСИА's white one."""
    return rx.button(
        rx.icon("a-arrow-up", size=22),
        rx.text(LARGE_TEXT, as_="span", display=["none", "none", "inline"]),
        on_click=SessionState.toggle_large_text,
        aria_label=LARGE_TEXT,
        aria_pressed=rx.cond(SessionState.large_text, "true", "false"),
        variant=rx.cond(SessionState.large_text, "solid", "outline"),
        size="3",
        min_height="44px",
        min_width="44px",
        # On the blue bar: outlined while off, filled white while on (the pressed state must show).
        style={"color": rx.cond(SessionState.large_text, ON_DARK_PRESSED_TEXT, "white"),
               "boxShadow": "inset 0 0 0 1px white",
               "background": rx.cond(SessionState.large_text, "white", "transparent")}
        if on_dark else {},
        id="large-text-switch",
        type="button",
    )


def text_px(pixels: int) -> str:
    """A font size in px that grows with «Крупный шрифт» (for styles outside Radix's type scale)."""
    return f"calc({pixels}px * var(--gkh-text, 1))"
