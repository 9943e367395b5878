"""The Reflex application: the pages (``routes.ROUTES``), the HTTP API, the middleware and the lifespan tasks.

Importing it in production (``GKH_ENV=production``) first checks the settings and refuses,
with the whole list of problems, while any demo default is in force.
"""

import reflex as rx

from gkh_web import routes
from gkh_web.api import build_api, security_headers
from gkh_web.components import connection
from gkh_web.mail_sink.server import serve_mail_sink
from gkh_web.observability.http_requests import observe_requests
from gkh_web.observability.logs import configure_logging
from gkh_web.observability.tab_events import TabEventObserver
from gkh_web.services import config_check
from gkh_web.settings import get_settings
from gkh_web.state.session import TabGuard
from gkh_web.tasks.esia_registration import register_own_esia_client
from gkh_web.tasks.receipt_sender import send_receipts_forever
from gkh_web.tasks.reconciler import reconcile_payments_forever
from gkh_web.tasks.retention_purge import purge_personal_data_daily

configure_logging(get_settings().log_level)  # JSON lines from every logger, before anything logs
config_check.enforce(get_settings())  # production never starts on demo defaults

app = rx.App(
    html_lang="ru",
    head_components=[rx.el.meta(name="viewport", content="width=device-width, initial-scale=1")],
    stylesheets=["/kiosk.css"],
    api_transformer=[build_api(), security_headers, observe_requests],
)
app.app_wraps[(5, "Overlay")] = connection.overlay  # «Нет связи с сервером» instead of Reflex's English toast
app.add_middleware(TabEventObserver())  # first: TabGuard's lines carry the event's correlation id too
app.add_middleware(TabGuard())
routes.register(app)
app.register_lifespan_task(register_own_esia_client)
app.register_lifespan_task(reconcile_payments_forever)
app.register_lifespan_task(serve_mail_sink)  # demo mode only: the embedded SMTP sink
app.register_lifespan_task(send_receipts_forever)
app.register_lifespan_task(purge_personal_data_daily)
