"""``/pay/result`` — where the gateway returns the resident. Each outcome says one thing under one h1:

* paid: «Оплата выполнена» and the receipt (documents, sum, commission, total charged), with the PDF — or,
  on a shared kiosk (``GKH_KIOSK``), no file but a QR code «Квитанция на телефоне» with a signed 15-minute link
  to this receipt, and «Напечатать» where the kiosk has a printer;
* failed, cancelled or expired: what failed and that no money was charged, with «Попробовать снова»;
* unfinished: the state's one name (as in «Мои платежи») and its next step, «Продолжить оплату» when
  the gateway's page is still open; never a warning against paying next to a button that pays.
"""

import reflex as rx

from gkh_web import paths
from gkh_web.components.buttons import link_button
from gkh_web.components.layout import HEADER_BLUE, page_frame
from gkh_web.components.qr import qr_image
from gkh_web.components.receipt_mail import mail_line
from gkh_web.domain import payment_states as ps
from gkh_web.services.payments import PaymentItemView
from gkh_web.state.pay_result import PaymentResultState

SUCCESS_GREEN = "#1B6E3A"
FAILURE_RED = "#B3261E"
PENDING_AMBER = "#8A5300"
"""Icon colours next to the title (the title itself is the page's text colour, for contrast)."""


def _item(item: PaymentItemView) -> rx.Component:
    return rx.vstack(
        rx.flex(  # the sum goes under the document on a narrow screen rather than past the card's edge
            rx.text("Лицевой счёт\u00a0№\u00a0", item.account_number, " · документ\u00a0№\u00a0", item.document_number,
                    " за ", item.period_text, size="3", flex="1 1 220px", min_width="0"),
            rx.text(item.amount_text, size="3", weight="bold", white_space="nowrap", margin_left="auto"),
            width="100%",
            wrap="wrap",
            gap="4px 12px",
        ),
        rx.text("Получатель: ", item.recipient_text, size="2", class_name="receipt-recipient"),
        spacing="0",
        width="100%",
        class_name="receipt-item",
    )


def _figure(label: str, value: rx.Var, value_id: str, *, large: bool = False) -> rx.Component:
    return rx.flex(rx.text(label, size="5" if large else "3"), rx.spacer(),
                   rx.text(value, size=rx.breakpoints(initial="6", sm="7") if large else "3", weight="bold",
                           id=value_id, white_space="nowrap"),
                   width="100%", align="center", wrap="wrap", gap="4px 12px")  # a long sum wraps, never overflows


def _details(title: str) -> rx.Component:
    """The documents, the commission and what is (or would have been) charged, under ``title``."""
    return rx.card(
        rx.vstack(
            rx.heading(title, as_="h2", size="5", id="payment-details-title"),
            rx.text("Платёж ", rx.text(PaymentResultState.number, as_="span", weight="bold", id="receipt-number"),
                    " от ", PaymentResultState.created_text, size="3"),
            rx.foreach(PaymentResultState.items, _item),
            rx.cond(PaymentResultState.method_text != "",
                    rx.text("Способ оплаты: ", PaymentResultState.method_text, size="3", id="receipt-card")),
            _figure("Сумма по документам", PaymentResultState.amount_text, "receipt-amount"),
            _figure("Комиссия", PaymentResultState.commission_text, "receipt-commission"),
            _figure("Итого с комиссией", PaymentResultState.charged_text, "receipt-total", large=True),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _title(icon: str, color: str, text: str | rx.Var = PaymentResultState.status_name) -> rx.Component:
    """The page's one h1: the state's name (the same words as in «Мои платежи»), an icon beside it."""
    return rx.hstack(rx.icon(icon, size=36, color=color, aria_hidden="true"),
                     rx.heading(text, as_="h1", size="7", id="payment-status"),
                     align="center", spacing="3")


def _receipt_to_phone() -> rx.Component:
    """On a kiosk: the receipt leaves with the resident's phone, nothing is saved on the tablet."""
    return rx.card(
        rx.vstack(
            rx.heading("Квитанция на телефоне", as_="h2", size="5"),
            qr_image(PaymentResultState.receipt_qr, "QR-код: ссылка на эту квитанцию для телефона", "receipt-qr",
                     "176px"),
            rx.text("Наведите камеру телефона — квитанция откроется на нём без входа. Ссылка действует до ",
                    PaymentResultState.receipt_link_until, ". На киоске квитанция не сохраняется.", size="2",
                    id="receipt-link-until"),
            spacing="2",
            align="center",
            text_align="center",
        ),
        size="2",
        flex="0 1 280px",
        min_width="0",
        class_name="receipt-to-phone no-print",
    )


def _succeeded() -> rx.Component:
    return rx.vstack(
        _title("circle-check", SUCCESS_GREEN, "Оплата выполнена"),
        rx.cond(
            PaymentResultState.kiosk,
            rx.flex(rx.box(_details("Квитанция об оплате"), flex="1 1 420px", min_width="0"), _receipt_to_phone(),
                    gap="16px", wrap="wrap", width="100%", align="start"),
            _details("Квитанция об оплате"),
        ),
        mail_line(PaymentResultState.mail_text, PaymentResultState.mail_state, id="receipt-mail-status"),
        rx.flex(
            rx.cond(
                PaymentResultState.kiosk,
                rx.cond(PaymentResultState.can_print,
                        rx.button(rx.icon("printer", size=22), "Напечатать", size="4", id="receipt-print",
                                  on_click=PaymentResultState.print_receipt, background=HEADER_BLUE)),
                rx.button(rx.icon("file-down", size=22), "Скачать квитанцию (PDF)", size="4",
                          on_click=PaymentResultState.download_receipt, id="receipt-download",
                          background=HEADER_BLUE),
            ),
            *_ways_out(),
            gap="12px",
            wrap="wrap",
            class_name="no-print",
        ),
        spacing="4",
        width="100%",
    )


def _failed() -> rx.Component:
    return rx.vstack(
        _title("circle-x", FAILURE_RED),
        rx.cond(PaymentResultState.failure_text != "",
                rx.text(PaymentResultState.failure_text, size="5", id="payment-reason")),
        rx.cond(PaymentResultState.nothing_charged,
                rx.text("Деньги не списаны — сумма ", rx.text(PaymentResultState.charged_text, as_="span",
                                                               weight="bold"), " осталась у вас.",
                        size="4", id="payment-not-charged")),
        rx.flex(
            link_button("Попробовать снова", href=paths.PAY, link_id="payment-retry", size="4",
                        background=HEADER_BLUE, style={"color": "white"}),
            *_ways_out(),
            gap="12px",
            wrap="wrap",
        ),
        _details("Состав платежа"),
        spacing="4",
        width="100%",
    )


def _pending() -> rx.Component:
    return rx.vstack(
        _title("loader", PENDING_AMBER),
        rx.text(PaymentResultState.pending_text, size="4", id="payment-pending-text"),
        rx.flex(
            rx.cond(PaymentResultState.continue_url != "",
                    rx.button("Продолжить оплату", on_click=PaymentResultState.continue_payment,
                              id="payment-continue", size="4", background=HEADER_BLUE)),
            *_ways_out(),
            gap="12px",
            wrap="wrap",
        ),
        _details("Состав платежа"),
        spacing="4",
        width="100%",
    )


def _ways_out() -> tuple[rx.Component, ...]:
    return (
        link_button("Мои платежи", href=paths.PAYMENTS, link_id="payment-history", size="4", variant="soft"),
        link_button("В личный кабинет", href=paths.CABINET, link_id="payment-to-cabinet", size="4", variant="soft"),
    )


def pay_result_page() -> rx.Component:
    return page_frame(
        rx.cond(
            PaymentResultState.found,
            rx.cond(
                PaymentResultState.status == ps.SUCCEEDED,
                _succeeded(),
                rx.cond(PaymentResultState.in_progress, _pending(), _failed()),
            ),
            rx.center(rx.spinner(size="3"), padding_y="80px"),
        ),
    )
