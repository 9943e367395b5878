"""Reflex configuration. Every value can be overridden by a REFLEX_<FIELD> variable;
our own settings (database and the rest) live in gkh_web/settings.py."""

import reflex as rx

from gkh_web.settings import get_settings

config = rx.Config(
    app_name="gkh_web",
    db_url=get_settings().database_url,
    # Several backend workers share the tabs' state through Redis (GKH_REDIS_URL); unset = one worker.
    redis_url=get_settings().redis_url,
    telemetry_enabled=False,  # the kiosk never phones home
    show_built_with_reflex=False,
    frontend_port=3000,
    backend_port=3000,  # production build: page and websocket on one port
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="indigo", radius="large", scaling="110%"),
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],  # a kiosk app has nothing to index
)
