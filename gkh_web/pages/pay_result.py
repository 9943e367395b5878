"""``/pay/result`` — where the gateway returns the resident: the outcome and the receipt on screen."""

import reflex as rx

from gkh_web import paths
from gkh_web.components.buttons import link_button
from gkh_web.components.layout import HEADER_BLUE, page_frame
from gkh_web.domain import payment_states as ps
from gkh_web.services.payments import PaymentItemView
from gkh_web.state.pay_result import PaymentResultState


def _item(item: PaymentItemView) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Лицевой счёт № ", item.account_number, " · документ № ", item.document_number, " за ",
                    item.period_text, size="3", flex="1"),
            rx.text(item.amount_text, size="3", weight="bold"),
            width="100%",
        ),
        rx.text("Получатель: ", item.recipient_text, size="2", color_scheme="gray", class_name="receipt-recipient"),
        spacing="0",
        width="100%",
        class_name="receipt-item",
    )


def _receipt() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Квитанция об оплате", as_="h2", size="5"),
            rx.text("Платёж ", rx.text(PaymentResultState.number, as_="span", weight="bold", id="receipt-number"),
                    " от ", PaymentResultState.created_text, size="3"),
            rx.foreach(PaymentResultState.items, _item),
            rx.cond(PaymentResultState.method_text != "",
                    rx.text("Способ оплаты: ", PaymentResultState.method_text, size="3", id="receipt-card")),
            rx.hstack(rx.text("Итого", size="5"), rx.spacer(),
                      rx.text(PaymentResultState.amount_text, size="7", weight="bold", id="receipt-total"),
                      width="100%", align="center"),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def pay_result_page() -> rx.Component:
    return page_frame(
        rx.cond(
            PaymentResultState.found,
            rx.vstack(
                rx.cond(
                    PaymentResultState.status == ps.SUCCEEDED,
                    rx.callout("Оплата выполнена", icon="circle-check", color_scheme="green", size="3",
                               width="100%", id="payment-status"),
                    rx.cond(
                        PaymentResultState.in_progress,
                        rx.callout("Платёж обрабатывается — не оплачивайте повторно. Страница обновится сама.",
                                   icon="loader", color_scheme="amber", size="3", width="100%", id="payment-status"),
                        rx.callout(PaymentResultState.status_text, icon="circle-x", color_scheme="red", size="3",
                                   width="100%", id="payment-status"),
                    ),
                ),
                _receipt(),
                rx.flex(
                    rx.cond(PaymentResultState.status == ps.SUCCEEDED,
                            rx.button(rx.icon("file-down", size=22), "Скачать квитанцию (PDF)", size="4",
                                      on_click=PaymentResultState.download_receipt, id="receipt-download",
                                      background=HEADER_BLUE)),
                    rx.cond(~PaymentResultState.in_progress & (PaymentResultState.status != ps.SUCCEEDED),
                            link_button("Попробовать снова", href=paths.PAY, link_id="payment-retry", size="4",
                                        background=HEADER_BLUE, style={"color": "white"})),
                    rx.cond(PaymentResultState.in_progress & (PaymentResultState.continue_url != ""),
                            rx.button("Продолжить оплату", on_click=PaymentResultState.continue_payment,
                                      id="payment-continue", size="4", background=HEADER_BLUE)),
                    link_button("В личный кабинет", href=paths.CABINET, link_id="payment-to-cabinet", size="4",
                                variant="soft"),
                    link_button("Мои платежи", href=paths.PAYMENTS, link_id="payment-history", size="4",
                                variant="soft"),
                    gap="12px",
                    wrap="wrap",
                ),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding_y="80px"),
        ),
    )
