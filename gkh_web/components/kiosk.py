"""The idle guard every kiosk page carries: Reflex's own triggers report activity, the server decides.

No script of ours is involved. Reflex's ``Div`` declares only mouse triggers, so ``ActivityArea``
declares the pointer and wheel ones too (Reflex's way of wrapping a DOM event), and Reflex's
``window_event_listener`` hears the keys; the same debounced ``went_idle`` on all of them shares one
timer in the browser (Reflex keys a debounce by the event's name), which every touch restarts.
"""

import reflex as rx
from reflex.event import no_args_event_spec

from gkh_web.components.text_size import large_text_class
from gkh_web.settings import get_settings
from gkh_web.state.kiosk import KioskState
from gkh_web.state.session import SessionState

KEEP_ALIVE_MS = 60_000
"""While someone is active, the server hears so at most once a minute (the session's idle limit is longer)."""


class ActivityArea(rx.el.Div):
    """A ``div`` that also reports touches and pens (pointer events) and the wheel.

    Declaring a trigger is Reflex's way of listening to a DOM event it does not list; ``EventHandler``
    takes the trigger's argument spec as a parameter only for pyright, hence the ignores for mypy."""

    on_pointer_down: rx.EventHandler[no_args_event_spec]  # type: ignore[type-arg,valid-type]  # see the docstring
    on_pointer_up: rx.EventHandler[no_args_event_spec]  # type: ignore[type-arg,valid-type]  # see the docstring
    on_wheel: rx.EventHandler[no_args_event_spec]  # type: ignore[type-arg,valid-type]  # see the docstring


def idle_prompt() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Вы ещё здесь?", size="7"),
            rx.alert_dialog.description(
                "Через ",
                rx.el.span(KioskState.seconds_left, id="kiosk-countdown", style={"fontWeight": "700"}),
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
            # The countdown's clock: one tick a second while the prompt is open, nothing otherwise.
            rx.cond(KioskState.prompt_open, rx.moment(interval=1000, on_change=KioskState.tick, display="none")),
            max_width="480px",
            class_name=large_text_class(),
        ),
        open=KioskState.prompt_open,
    )


def guarded(*children: rx.Component, **props) -> rx.Component:
    """``children`` inside the activity area, with the prompt: what every page behind the start screen wears."""
    went_idle = KioskState.went_idle.debounce(get_settings().kiosk_idle_seconds * 1000)
    return ActivityArea.create(
        rx.window_event_listener(on_key_down=went_idle),  # an on-screen or real keyboard, anywhere on the page
        idle_prompt(),
        *children,
        on_mount=went_idle,
        on_pointer_down=went_idle,
        on_wheel=went_idle,
        on_pointer_up=SessionState.still_here.throttle(KEEP_ALIVE_MS),
        id="kiosk-guard",
        **props,
    )
