"""``/pay`` — «Оплата жилищно-коммунальных услуг» and «Подтверждение оплаты».

``/pay`` pays the resident's linked accounts; ``/pay?account=N`` pays one account found
through «Оплатить по другому лицевому счёту», without linking it.
"""

from __future__ import annotations

import reflex as rx

from gkh_web.components.layout import page_frame
from gkh_web.components.pay_views import confirmation_view, empty_notice, method_view, selection_view
from gkh_web.state.pay import STEP_CONFIRM, STEP_METHOD, STEP_SELECT, PayPageState


def pay_page() -> rx.Component:
    return page_frame(
        rx.cond(
            PayPageState.loaded,
            rx.cond(
                PayPageState.empty_reason != "",
                empty_notice(),
                rx.box(
                    # Both steps stay mounted: «Назад» finds every tick and typed amount where it was.
                    rx.box(selection_view(), display=rx.cond(PayPageState.step == STEP_SELECT, "block", "none")),
                    rx.cond(PayPageState.step == STEP_CONFIRM, confirmation_view()),
                    rx.cond(PayPageState.step == STEP_METHOD, method_view()),
                    width="100%",
                ),
            ),
            rx.center(rx.spinner(size="3"), padding_y="80px"),
        ),
    )

