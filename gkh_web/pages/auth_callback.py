"""``/auth/callback`` — where ЕСИА sends the browser back; the work happens in ``finish_sign_in``."""

import reflex as rx

from gkh_web.components.layout import waiting_page


def auth_callback_page() -> rx.Component:
    return waiting_page("Выполняется вход через Госуслуги…")
