"""``/auth/callback`` — where ЕСИА sends the browser back; the work happens in ``finish_sign_in``."""

import reflex as rx

from gkh_web.components.layout import page_frame


def auth_callback_page() -> rx.Component:
    return page_frame(
        rx.center(
            rx.vstack(
                rx.spinner(size="3"),
                rx.text("Выполняется вход через Госуслуги…", size="5"),
                align="center",
                spacing="4",
            ),
            padding_y="80px",
        )
    )
