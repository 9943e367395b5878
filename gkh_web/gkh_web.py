"""The Reflex application: pages are registered here and nowhere else."""

import reflex as rx

from gkh_web.pages.start import start_page

app = rx.App(
    html_lang="ru",
    head_components=[rx.el.meta(name="viewport", content="width=device-width, initial-scale=1")],
)
app.add_page(start_page, route="/", title="ГИС ЖКХ — оплата ЖКУ")
