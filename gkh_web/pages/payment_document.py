"""``/pay/document?ref=…`` — «Платёжный документ»: a document of the resident's own, as on paper, printable.

The payer's account and the payee's requisites, the period and due date, the services and, beside
them, the ГОСТ Р 56042 QR code of the sum still due: any bank app reads it to pay this one document
later. «Напечатать» prints the page without the header and buttons (kiosk.css ``@media print``).
"""

from __future__ import annotations

import reflex as rx

from gkh_web import paths
from gkh_web.components.layout import HEADER_BLUE, page_frame
from gkh_web.components.pay_views import services_block
from gkh_web.components.qr import qr_image
from gkh_web.domain.typography import SETTLEMENT_ACCOUNT
from gkh_web.services.payments.page import DocumentServices, RecipientRequisites
from gkh_web.state.payment_document import PaymentDocumentState as S

GONE = ("Платёжный документ не найден: ссылка на него действует только в той вкладке и в том сеансе, где её "
        "открыли. Откройте документ со страницы «Оплата ЖКУ».")


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.link("← К оплате ЖКУ", href=paths.PAY, size="3", id="document-back"),
        rx.cond(S.can_print, rx.button(rx.icon("printer", size=20), "Напечатать", size="3", id="document-print",
                                       on_click=S.print_document, background=HEADER_BLUE)),
        justify="between",
        align="center",
        wrap="wrap",
        gap="8px",
        width="100%",
        class_name="no-print",
    )


def _line(label: str, *value) -> rx.Component:
    return rx.text(rx.text(label, as_="span", color_scheme="gray"), *value, size="3")


def _requisites() -> rx.Component:
    recipient: RecipientRequisites = S.recipient  # type: ignore[assignment]  # a dataclass state var is an ObjectVar; mypy misreads rx.Field's overloads
    return rx.vstack(
        rx.heading("Плательщик", as_="h2", size="4"),
        _line("Адрес: ", S.address),
        _line("Лицевой счёт\u00a0№\u00a0", S.account_number, " · ", S.provider_name),
        _line("ЕЛС\u00a0", S.els, " · ИЖКУ\u00a0", S.izhku),
        _line("ИПД\u00a0", rx.text(S.ipd, as_="span", id="document-ipd")),
        rx.heading("Получатель платежа", as_="h2", size="4", margin_top="8px"),
        rx.text(recipient.name, size="3", weight="bold", id="document-payee"),
        _line("ИНН\u00a0", recipient.inn, " · КПП\u00a0", recipient.kpp),
        _line("Банк: ", recipient.bank_name, ", БИК\u00a0", recipient.bik),
        _line(SETTLEMENT_ACCOUNT + "\u00a0", recipient.settlement_account),
        _line("к/с\u00a0", recipient.correspondent_account),
        spacing="1",
        flex="1 1 340px",
        min_width="0",
    )


def _qr() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.qr != "",
            rx.fragment(
                qr_image(S.qr, "QR-код для оплаты этого документа в приложении банка (ГОСТ Р 56042-2014)",
                         "document-qr", "260px"),
                rx.text("Отсканируйте в приложении банка — реквизиты и сумма заполнятся сами.", size="2",
                        text_align="center"),
            ),
            rx.text(S.qr_note, size="3", id="document-qr-note"),
        ),
        rx.text("К оплате: ", rx.text(S.due_text, as_="span", weight="bold", id="document-due"), size="4"),
        rx.text("Оплачено: ", S.paid_text, size="2", color_scheme="gray"),
        align="center",
        spacing="2",
        flex="0 1 280px",
        min_width="0",
    )


def _services() -> DocumentServices:
    return S.services  # type: ignore[return-value]  # a dataclass state var is an ObjectVar; mypy misreads rx.Field's overloads


def _sheet() -> rx.Component:
    return rx.vstack(
        _toolbar(),
        rx.heading("Платёжный документ №\u00a0", S.number, as_="h1", size=rx.breakpoints(initial="6", sm="7"),
                   id="document-title"),
        rx.text("за ", S.period_text, " · срок оплаты ", S.due_date_text, size="4", id="document-period"),
        rx.card(rx.flex(_requisites(), _qr(), wrap="wrap", gap="20px", width="100%"), size="3", width="100%"),
        rx.card(rx.vstack(rx.heading("Начисления", as_="h2", size="4"), services_block(_services()), width="100%"),
                size="3", width="100%"),
        spacing="4",
        width="100%",
    )


def _gone() -> rx.Component:
    return rx.vstack(
        rx.link("← К оплате ЖКУ", href=paths.PAY, size="3", id="document-back"),
        rx.heading("Платёжный документ", as_="h1", size="7"),
        rx.callout(GONE, icon="info", size="3", width="100%", id="document-gone"),
        spacing="4",
        width="100%",
    )


def payment_document_page() -> rx.Component:
    return page_frame(
        rx.cond(S.loaded, rx.cond(S.found, _sheet(), _gone()), rx.center(rx.spinner(size="3"), padding_y="80px")),
    )
