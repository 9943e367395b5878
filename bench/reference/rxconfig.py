"""The reference page of bench/payment_page.py: the same Reflex, the same production build, nothing of ours."""

import reflex as rx

config = rx.Config(
    app_name="reference",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
)
