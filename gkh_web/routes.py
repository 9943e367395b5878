"""The app's pages as data: address, title, component and what runs when the page opens.

Registered in one loop (``register``), as reflex-web does, so that adding a page is one row here and
every address comes from ``paths``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx

from gkh_web import paths
from gkh_web.pages.agreement import agreement_page
from gkh_web.pages.auth_callback import auth_callback_page
from gkh_web.pages.cabinet import cabinet_page
from gkh_web.pages.esia_login import esia_login_page
from gkh_web.pages.esia_register import esia_register_page
from gkh_web.pages.pay import pay_page
from gkh_web.pages.pay_other import pay_other_page
from gkh_web.pages.pay_result import pay_result_page
from gkh_web.pages.payment_document import payment_document_page
from gkh_web.pages.payment_history import payment_history_page
from gkh_web.pages.session_end import session_end_page
from gkh_web.pages.start import start_page
from gkh_web.state.agreement import AgreementState
from gkh_web.state.cabinet import CabinetState
from gkh_web.state.esia_login import EsiaLoginState
from gkh_web.state.esia_register import EsiaRegisterState
from gkh_web.state.pay import PayPageState
from gkh_web.state.pay_other import PayOtherState
from gkh_web.state.pay_result import PaymentResultState
from gkh_web.state.payment_document import PaymentDocumentState
from gkh_web.state.payment_history import PaymentHistoryState
from gkh_web.state.session import SessionState


@dataclass(frozen=True)
class Route:
    path: str
    title: str
    component: Callable[[], rx.Component]
    on_load: Any = None
    """The event handler run when the page opens (and again on every reconnect)."""


ROUTES: tuple[Route, ...] = (
    Route(paths.START, "ГИС ЖКХ — оплата ЖКУ", start_page),
    Route(paths.ESIA_LOGIN, "Вход — Госуслуги", esia_login_page, EsiaLoginState.open_page),
    Route(paths.ESIA_REGISTER, "Регистрация — Госуслуги", esia_register_page, EsiaRegisterState.open_page),
    Route(paths.AUTH_CALLBACK, "Вход — ГИС ЖКХ", auth_callback_page, SessionState.finish_sign_in),
    Route(paths.SESSION_END, "Сеанс завершён — ГИС ЖКХ", session_end_page, SessionState.idle_reset),
    Route(paths.AGREEMENT, "Доступ в личный кабинет — ГИС ЖКХ", agreement_page, AgreementState.open_page),
    Route(paths.CABINET, "Личный кабинет — ГИС ЖКХ", cabinet_page, CabinetState.open_page),
    Route(paths.PAY_OTHER, "Оплата по другому лицевому счёту — ГИС ЖКХ", pay_other_page, PayOtherState.open_page),
    Route(paths.PAY, "Оплата жилищно-коммунальных услуг — ГИС ЖКХ", pay_page, PayPageState.open_page),
    Route(paths.PAY_DOCUMENT, "Платёжный документ — ГИС ЖКХ", payment_document_page, PaymentDocumentState.open_page),
    Route(paths.PAY_RESULT, "Результат оплаты — ГИС ЖКХ", pay_result_page, PaymentResultState.open_page),
    Route(paths.PAYMENTS, "Мои платежи — ГИС ЖКХ", payment_history_page, PaymentHistoryState.open_page),
)


def register(app: rx.App) -> None:
    for route in ROUTES:
        app.add_page(route.component, route=route.path, title=route.title, on_load=route.on_load)
