"""The Reflex application: every page and the HTTP API are registered here and nowhere else.

Importing it in production (``GKH_ENV=production``) first checks the settings and refuses,
with the whole list of problems, while any demo default is in force.
"""

import reflex as rx

from gkh_web.api import build_api, security_headers
from gkh_web.pages.agreement import agreement_page
from gkh_web.pages.auth_callback import auth_callback_page
from gkh_web.pages.cabinet import cabinet_page
from gkh_web.pages.esia_login import esia_login_page
from gkh_web.pages.pay import pay_page
from gkh_web.pages.pay_other import pay_other_page
from gkh_web.pages.pay_result import pay_result_page
from gkh_web.pages.payment_history import payment_history_page
from gkh_web.pages.session_end import session_end_page
from gkh_web.pages.start import start_page
from gkh_web.services import config_check
from gkh_web.settings import get_settings
from gkh_web.state.agreement import AgreementState
from gkh_web.state.cabinet import CabinetState
from gkh_web.state.esia_login import EsiaLoginState
from gkh_web.state.pay import PayPageState
from gkh_web.state.pay_other import PayOtherState
from gkh_web.state.pay_result import PaymentResultState
from gkh_web.state.payment_history import PaymentHistoryState
from gkh_web.state.reconciler import reconcile_payments_forever
from gkh_web.state.session import SESSION_END_ROUTE, SessionState, TabGuard
from gkh_web.state.startup import register_own_esia_client

config_check.enforce(get_settings())  # production never starts on demo defaults

app = rx.App(
    html_lang="ru",
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1"),
    ],
    stylesheets=["/kiosk.css"],
    api_transformer=[build_api(), security_headers],
)
app.add_middleware(TabGuard())
app.add_page(start_page, route="/", title="ГИС ЖКХ — оплата ЖКУ")
app.add_page(esia_login_page, route="/esia/login", title="Вход — Госуслуги", on_load=EsiaLoginState.open_page)
app.add_page(auth_callback_page, route="/auth/callback", title="Вход — ГИС ЖКХ", on_load=SessionState.finish_sign_in)
app.add_page(session_end_page, route=SESSION_END_ROUTE, title="Сеанс завершён — ГИС ЖКХ",
             on_load=SessionState.idle_reset)
app.add_page(agreement_page, route="/agreement", title="Доступ в личный кабинет — ГИС ЖКХ",
             on_load=AgreementState.open_page)
app.add_page(cabinet_page, route="/cabinet", title="Личный кабинет — ГИС ЖКХ", on_load=CabinetState.open_page)
app.add_page(pay_other_page, route="/pay/other", title="Оплата по другому лицевому счёту — ГИС ЖКХ",
             on_load=PayOtherState.open_page)
app.add_page(pay_page, route="/pay", title="Оплата жилищно-коммунальных услуг — ГИС ЖКХ",
             on_load=PayPageState.open_page)
app.add_page(pay_result_page, route="/pay/result", title="Результат оплаты — ГИС ЖКХ",
             on_load=PaymentResultState.open_page)
app.add_page(payment_history_page, route="/payments", title="Мои платежи — ГИС ЖКХ",
             on_load=PaymentHistoryState.open_page)
app.register_lifespan_task(register_own_esia_client)
app.register_lifespan_task(reconcile_payments_forever)
