"""The idle guard every kiosk page carries: hidden triggers for assets/kiosk.js and the prompt."""

import reflex as rx

from gkh_web.settings import get_settings
from gkh_web.state.kiosk import KioskState
from gkh_web.state.session import SessionState

_HIDDEN = {"display": "none"}


def idle_prompt() -> rx.Component:
    settings = get_settings()
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Вы ещё здесь?", size="7"),
            rx.alert_dialog.description(
                "Через ",
                rx.el.span(str(settings.kiosk_countdown_seconds), id="kiosk-countdown",
                           style={"fontWeight": "700"}),
                " с сеанс завершится, и все ваши данные будут скрыты с экрана.",
                size="5",
            ),
            rx.hstack(
                rx.button("Выйти", variant="soft", color_scheme="gray", size="4", on_click=SessionState.sign_out),
                rx.button("Я здесь", size="4", id="kiosk-still-here", on_click=KioskState.confirm_still_here),
                justify="end",
                spacing="3",
                margin_top="20px",
            ),
            max_width="480px",
        ),
        open=KioskState.prompt_open,
    )


def kiosk_guard() -> rx.Component:
    settings = get_settings()
    return rx.box(
        rx.el.button(id="kiosk-idle-prompt", on_click=KioskState.ask_if_still_here, style=_HIDDEN,
                     tab_index=-1, aria_hidden="true", type="button"),
        rx.el.button(id="kiosk-idle-reset", on_click=SessionState.idle_reset, style=_HIDDEN,
                     tab_index=-1, aria_hidden="true", type="button"),
        rx.el.button(id="kiosk-activity", on_click=SessionState.still_here, style=_HIDDEN,
                     tab_index=-1, aria_hidden="true", type="button"),
        idle_prompt(),
        id="kiosk-guard",
        custom_attrs={"data-idle": str(settings.kiosk_idle_seconds),
                      "data-countdown": str(settings.kiosk_countdown_seconds)},
    )
