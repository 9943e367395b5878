"""The «Вы ещё здесь?» prompt of the kiosk (timing lives in assets/kiosk.js)."""

import reflex as rx

from gkh_web.state.event import event
from gkh_web.state.session import SessionState


class KioskState(rx.State):
    prompt_open: rx.Field[bool] = rx.field(False)

    @event
    def ask_if_still_here(self):
        self.prompt_open = True

    @event
    def confirm_still_here(self):
        self.prompt_open = False
        return SessionState.still_here
