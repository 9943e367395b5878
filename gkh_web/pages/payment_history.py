"""``/payments`` — «Мои платежи»: each payment under its state's one name (the result page's title), what
failed if it failed, what was charged with the commission in it, and where the receipt letter stands."""

import reflex as rx

from gkh_web import paths
from gkh_web.components.layout import page_frame
from gkh_web.components.receipt_mail import mail_line
from gkh_web.domain import payment_states as ps
from gkh_web.services.payments import PaymentItemView, PaymentView
from gkh_web.state.payment_history import PaymentHistoryState


def _item(item: PaymentItemView) -> rx.Component:
    """One paid document of a succeeded payment and what its provider made of it."""
    return rx.cond(
        item.accounting_text != "",
        rx.text("Документ\u00a0№\u00a0", item.document_number, " за ", item.period_text, ": ",
                rx.text(item.accounting_text, as_="span", weight="medium"), size="2", class_name="history-accounting"),
    )


def _payment(payment: PaymentView) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text("Платёж ", payment.number, " от ", payment.created_text, weight="bold", size="4"),
                rx.text(payment.status_name, size="3", class_name="history-status",
                        color_scheme=rx.cond(payment.status == ps.SUCCEEDED, "green",
                                             rx.cond(payment.in_progress, "amber", "red"))),
                rx.cond(payment.failure_text != "",
                        rx.text(payment.failure_text, size="2", class_name="history-reason")),
                rx.cond(payment.card_text != "", rx.text(payment.card_text, size="2", color_scheme="gray")),
                mail_line(payment.mail_text, payment.mail_state, class_name="history-mail"),
                rx.cond(payment.in_progress,
                        rx.link("Подробнее о платеже", href=paths.PAY_RESULT + "?payment=" + payment.public_id,
                                size="3", class_name="history-open")),
                spacing="1",
                flex="1 1 260px",
            ),
            rx.vstack(
                rx.text(payment.charged_text, size="5", weight="bold", class_name="history-charged"),
                rx.cond(payment.commission_kopecks > 0,
                        rx.text("в т. ч. комиссия ", payment.commission_text, size="2",
                                class_name="history-commission")),
                align="end",
                spacing="0",
            ),
            wrap="wrap",
            align="center",
            gap="12px",
            width="100%",
        ),
        rx.box(rx.foreach(payment["items"], _item), margin_top="6px"),  # type: ignore[index]  # `.items` is ObjectVar.items(), the dict method
        width="100%",
        class_name="history-payment",
    )


def payment_history_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.link("← В личный кабинет", href=paths.CABINET, size="3"),
            rx.heading("Мои платежи", as_="h1", size="7"),
            rx.cond(
                PaymentHistoryState.payments.length() > 0,
                rx.vstack(rx.foreach(PaymentHistoryState.payments, _payment), spacing="3", width="100%"),
                rx.cond(PaymentHistoryState.loaded,
                        rx.callout("Платежей пока нет.", icon="info", size="3", width="100%")),
            ),
            spacing="4",
            width="100%",
        ),
    )
