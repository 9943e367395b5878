"""Reflex configuration. Every value can be overridden by a REFLEX_<FIELD> variable;
our own settings (database and the rest) live in gkh_web/settings.py."""

import os
from pathlib import Path

import reflex as rx

from gkh_web.observability import multiproc
from gkh_web.settings import get_settings
from gkh_web.worker_respawn import respawn_failed_workers

# Before any worker exists or imports prometheus_client: this run's directory for every worker's metric values.
multiproc.prepare(Path(get_settings().metrics_dir))

respawn_failed_workers()  # one killed backend worker must not stop the others (gkh_web/worker_respawn.py)
# With Redis: the worker serving a tab's websocket keeps the tab's state and lock between its events and
# writes back when another worker asks or after a few seconds, instead of a Redis round trip per event
# (p95 408 → 120 ms at 54 events/s in bench/kiosks.py). The database stays the record either way.
os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
# Held between events for 5 s, as before the lock limit below grew (Reflex's default is half that limit).
os.environ.setdefault("REFLEX_OPLOCK_HOLD_TIME", "5s")

config = rx.Config(
    app_name="gkh_web",
    db_url=get_settings().database_url,
    # Several backend workers share the tabs' state through Redis (GKH_REDIS_URL); unset = one worker.
    redis_url=get_settings().redis_url,
    # An event's lock on its tab's state outlasts the slowest handler's outside calls (settings.state_lock_seconds).
    redis_lock_expiration=get_settings().state_lock_seconds * 1000,
    telemetry_enabled=False,  # the kiosk never phones home
    # Only pages served from the public URL may open the websocket (Reflex's default is any site):
    # a foreign page's script cannot drive a tab's events, whatever it claims.
    cors_allowed_origins=[get_settings().public_url],
    # X-Forwarded-For is believed only for this many proxies of our own in front (GKH_TRUSTED_PROXY_HOPS).
    trusted_proxy_hops=get_settings().trusted_proxy_hops,
    show_built_with_reflex=False,
    # Ports come from the command line (`make run` serves page and websocket on one port, 3000);
    # none set here, or `reflex run --backend-only` (an extra backend process) refuses to start.
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="indigo", radius="large", scaling="110%"),
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],  # a kiosk app has nothing to index
)
