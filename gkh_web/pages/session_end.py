"""``/session/end`` — where a page outside the app (the sandbox gateway's) sends an idle kiosk.

Its ``on_load`` is the same full reset as the idle prompt's: the session ends in the
database, every state of the tab is wiped, and the tab starts over on a new token.
"""

import reflex as rx

from gkh_web.components.layout import waiting_page


def session_end_page() -> rx.Component:
    return waiting_page("Сеанс завершён. Данные скрыты с экрана.", guard=False)
