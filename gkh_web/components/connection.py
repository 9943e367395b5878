"""«Нет связи с сервером»: the app's own notice when the websocket is lost, in place of Reflex's.

Reflex's default overlay is an English toast («Cannot connect to server: …», «Check if server is
reachable at ws://…») that shows the backend's address to whoever stands at the kiosk. This one
says in Russian what is happening and what to do, reads the same connection-error counter Reflex
keeps in the browser, and goes away by itself when the socket is back.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import (  # type: ignore[import-untyped]  # ships without py.typed
    has_too_many_connection_errors,
)

CONNECTION_LOST = "Нет связи с сервером"
CONNECTION_LOST_DETAIL = ("Подождите: связь восстановится сама, выбранное и введённое сохранится. "
                          "Если это длится дольше минуты, обратитесь к администратору зала.")


def connection_lost_notice() -> rx.Component:
    return rx.cond(
        has_too_many_connection_errors,
        rx.box(
            rx.callout.root(
                rx.callout.icon(rx.icon("wifi-off", size=24)),
                rx.callout.text(rx.text(CONNECTION_LOST, weight="bold", size="4", as_="span"), rx.el.br(),
                                CONNECTION_LOST_DETAIL, size="3"),
                color_scheme="red",
                variant="surface",
                size="3",
                role="alert",
                style={"background": "white"},
            ),
            position="fixed",
            top="12px",
            left="50%",
            transform="translateX(-50%)",
            width="min(640px, calc(100% - 24px))",
            z_index="1000",
            id="connection-lost",
        ),
    )


def overlay(stateful: bool) -> rx.Component | None:
    """For ``App.app_wraps``: where Reflex puts its connection toaster (only on stateful apps)."""
    return rx.fragment(connection_lost_notice()) if stateful else None
