"""The kiosk's idle guard: «Вы ещё здесь?» after a quiet spell, then the full reset.

The browser's part is Reflex's own: every page sits in an ``ActivityArea`` whose touch, key and wheel
triggers send ``went_idle`` debounced by ``GKH_KIOSK_IDLE_SECONDS`` (a new touch restarts the
wait), and while the prompt is open an ``rx.moment`` clock sends ``tick`` every second. Everything
else is decided here: when to ask, what the countdown shows, and when the tab is wiped. A tab that
stops ticking (closed, frozen, or a script) still loses its session on the server after
``session_idle_limit_seconds``.
"""

import reflex as rx

from gkh_web.settings import get_settings
from gkh_web.state.event import event
from gkh_web.state.session import SessionState


class KioskState(rx.State):
    prompt_open: rx.Field[bool] = rx.field(False)
    seconds_left: rx.Field[int] = rx.field(0)
    """What the prompt's countdown shows."""

    @event
    def went_idle(self):
        """Nobody has touched the screen for the idle time (the browser's debounce says so)."""
        if not self.prompt_open:
            self.prompt_open = True
            self.seconds_left = get_settings().kiosk_countdown_seconds

    @event
    def tick(self):
        """One second of the countdown; at zero the same full reset as «Выйти». Only an answer in the
        prompt stops it: touches elsewhere on the screen do not."""
        if not self.prompt_open:
            return None
        self.seconds_left = max(0, self.seconds_left - 1)
        if self.seconds_left > 0:
            return None
        self.prompt_open = False
        return SessionState.idle_reset

    @event
    def confirm_still_here(self):
        """«Я здесь»: the prompt closes and the session is kept alive."""
        self.prompt_open, self.seconds_left = False, 0
        return SessionState.still_here
