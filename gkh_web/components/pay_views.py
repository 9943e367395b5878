"""The parts of the payment page: the «Сумма к оплате» list, document rows, services, confirmation."""

from __future__ import annotations

import reflex as rx

from gkh_web import paths
from gkh_web.components.fields import ERROR_RED
from gkh_web.components.layout import HEADER_BLUE
from gkh_web.services.payments.page import (
    ConfirmedItem,
    DocumentServices,
    PayableAccount,
    PayableDocument,
    ServiceChargeLine,
)
from gkh_web.state.pay import PayFiguresState, PayMessagesState, PayPageState, PaySelectionState

NOTICE = "В системе отсутствует информация о неоплаченных начислениях за ЖКУ"
REASON_PAID = "за текущий период оплата уже была произведена и учтена организацией, выставившей платёжный документ"
REASON_NO_DOCUMENT = "платёжный документ не был выставлен в системе"
SUMMARY_STYLE = {"cursor": "pointer", "listStyle": "none", "minHeight": "44px", "display": "flex",
                 "alignItems": "center", "gap": "8px"}


def _back_link() -> rx.Component:
    return rx.link("← В личный кабинет", href=paths.CABINET, size="3")


def empty_notice() -> rx.Component:
    """The seed's notice, with both reasons; the one that applies here comes first and is marked."""
    paid_first = PayPageState.empty_reason == "all_paid"
    return rx.vstack(
        _back_link(),
        rx.heading("Оплата жилищно-коммунальных услуг", as_="h1", size="7"),
        rx.callout(NOTICE, icon="info", size="3", width="100%", id="no-charges-notice"),
        rx.text("Это сообщение появляется, если:", size="4"),
        rx.el.ul(
            rx.el.li(REASON_PAID, rx.cond(paid_first, rx.text(" — это ваш случай", as_="span", weight="bold")),
                     id="reason-paid"),
            rx.el.li(REASON_NO_DOCUMENT, rx.cond(~paid_first, rx.text(" — это ваш случай", as_="span", weight="bold")),
                     id="reason-no-document"),
            style={"fontSize": "18px", "paddingLeft": "24px", "lineHeight": "1.6"},
        ),
        spacing="4",
        width="100%",
    )


def _service_line(line: ServiceChargeLine) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(line.service_name),
        rx.table.cell(line.volume_text),
        rx.table.cell(line.tariff_text),
        rx.table.cell(line.charged_text),
        rx.table.cell(line.recalculation_text),
        rx.table.cell(line.benefit_text),
        rx.table.cell(line.to_pay_text, class_name="service-to-pay"),
    )


def _services(key: rx.Var[str]) -> rx.Component:
    """The document's service lines, ``key`` its id as text (the key of ``PayPageState.services``)."""
    found: DocumentServices = PayPageState.services[key]  # type: ignore[call-overload]  # a dict state var is an ObjectVar; mypy misreads rx.Field's overloads
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(title) for title in (
                "Услуга", "Объём", "Тариф", "Начислено", "Перерасчёт", "Льгота", "К оплате")])),
            rx.table.body(rx.foreach(found.lines, _service_line)),
            size="1",
            variant="surface",
        ),
        rx.vstack(
            rx.text("Итого по услугам: ", found.lines_total_text, size="3"),
            rx.text(found.debt_or_advance_label, ": ", found.debt_or_advance_text, size="3"),
            rx.text("Пени: ", found.penalties_text, size="3"),
            rx.text("Итого к оплате по документу: ", found.total_text, size="3", weight="bold",
                    class_name="services-document-total"),
            spacing="0",
            margin_top="8px",
        ),
        overflow_x="auto",
        width="100%",
        padding_top="8px",
        class_name="document-services",
    )


@rx.memo
def account_sum(account_key: rx.Var[str]) -> rx.Component:
    """An account's «Сумма платежа». The only part of an account block that reads the figures: a tick
    re-renders these few texts, not the account blocks with their document rows around them."""
    return rx.text(PayFiguresState.account_sums[account_key], size="5", weight="bold", class_name="account-sum")  # type: ignore[call-overload]  # a dict state var is an ObjectVar; mypy misreads rx.Field's overloads


@rx.memo
def amount_messages(document_key: rx.Var[str]) -> rx.Component:
    """The message under a document's «Сумма платежа»; likewise the only part of a row that reads them."""
    return rx.fragment(
        rx.cond(PayMessagesState.errors.contains(document_key),
                rx.text(PayMessagesState.errors[document_key], color=ERROR_RED, size="2", role="alert",  # type: ignore[call-overload]  # a dict state var is an ObjectVar; mypy misreads rx.Field's overloads
                        class_name="amount-error", max_width="220px")),
        rx.cond(PayMessagesState.notes.contains(document_key),
                rx.badge(PayMessagesState.notes[document_key], size="2", class_name="amount-note")),  # type: ignore[call-overload]  # a dict state var is an ObjectVar; mypy misreads rx.Field's overloads
    )


def _document_row(document: PayableDocument) -> rx.Component:
    key = document.document_id.to_string()  # type: ignore[attr-defined]  # foreach passes the row as a Var (typed as the row)
    return rx.box(
        rx.flex(
            rx.checkbox(default_checked=document.selectable & PaySelectionState.shown_checks["d" + key],
                        disabled=~document.selectable, size="3",
                        on_change=lambda checked: PaySelectionState.toggle_document(document.document_id, checked),
                        aria_label="Оплатить документ № " + document.number, class_name="document-check"),
            rx.vstack(
                rx.hstack(
                    rx.text("№ ", document.number, weight="bold", size="3"),
                    rx.cond(  # another person's account: no volumes, tariffs or benefits (issue 10)
                        ~PayPageState.public_mode,
                        rx.icon_button(rx.icon("list", size=20), variant="soft", size="3", type="button",
                                       on_click=PayPageState.toggle_services(document.document_id),
                                       aria_label="Услуги документа № " + document.number,
                                       class_name="services-toggle"),
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.text(document.period_text, " · срок оплаты ", document.due_date_text, size="2",
                        color_scheme="gray"),
                rx.text(document.status_text, size="2",
                        color_scheme=rx.cond(document.selectable, "gray", "green"), class_name="document-status"),
                spacing="1",
                flex="1 1 220px",
            ),
            rx.vstack(
                rx.text("К оплате: ", document.due_text, size="2", color_scheme="gray"),
                rx.cond(
                    document.selectable,
                    rx.input(default_value=PaySelectionState.shown_amounts[key], size="3", input_mode="decimal",
                             on_change=lambda text: PaySelectionState.set_amount(document.document_id, text),
                             aria_label="Сумма платежа по документу № " + document.number,
                             class_name="document-amount", style={"width": "170px", "fontSize": "18px",
                                                                  "textAlign": "right"}),
                ),
                amount_messages(document_key=key),
                align="end",
                spacing="1",
            ),
            wrap="wrap",
            align="center",
            gap="12px",
            width="100%",
        ),
        rx.cond(PayPageState.shown_services[key], _services(key)),
        padding_y="10px",
        border_top="1px solid var(--gray-a5)",
        width="100%",
        class_name="payment-document",
        custom_attrs={"data-document-id": key},
    )


def _account_block(account: PayableAccount) -> rx.Component:
    key = account.account_id.to_string()  # type: ignore[attr-defined]  # foreach passes the row as a Var (typed as the row)
    return rx.card(
        rx.flex(
            rx.checkbox(default_checked=PaySelectionState.shown_checks["a" + key], size="3",
                        on_change=lambda checked: PaySelectionState.toggle_account(account.account_id, checked),
                        aria_label="Оплатить лицевой счёт № " + account.number, class_name="account-check"),
            rx.vstack(
                rx.text(account.provider_name, weight="bold", size="4"),
                rx.text(account.address, size="3"),
                rx.text("Лицевой счёт № ", account.number, size="3", color_scheme="gray"),
                spacing="0",
                flex="1 1 260px",
            ),
            rx.hstack(
                rx.vstack(rx.text("Сумма к оплате", size="2", color_scheme="gray"),
                          rx.text(account.due_text, size="4"), align="end", spacing="0"),
                rx.vstack(rx.text("Сумма платежа", size="2", color_scheme="gray"),
                          account_sum(account_key=key), align="end", spacing="0"),
                spacing="5",
                margin_left="auto",
            ),
            wrap="wrap",
            align="center",
            gap="12px",
            width="100%",
        ),
        # Native <details>: opens without a server round trip and keeps its rows in the DOM.
        rx.el.details(
            rx.el.summary(rx.icon("file-text", size=22), "Платёжные документы (",
                          account.documents.length(), ")",  # type: ignore[attr-defined]  # foreach passes the row as a Var (typed as the row)
                          style={**SUMMARY_STYLE, "color": "var(--accent-11)", "fontSize": "17px"},
                          class_name="documents-toggle"),
            rx.foreach(account.documents, _document_row),
            margin_top="8px",
        ),
        width="100%",
        class_name="payable-account",
        custom_attrs={"data-account-id": key},
    )


def selection_view() -> rx.Component:
    return rx.vstack(
        _back_link(),
        rx.heading("Оплата жилищно-коммунальных услуг", as_="h1", size="7"),
        rx.text("Реквизиты исполнителей заполнены по данным ГИС ЖКХ — вводить их не нужно.", size="3",
                color_scheme="gray"),
        rx.el.details(
            rx.el.summary(rx.heading("Сумма к оплате", as_="h2", size="5"), rx.icon("chevron-down", size=22),
                          style=SUMMARY_STYLE, id="amount-list-toggle"),
            rx.vstack(rx.foreach(PayPageState.accounts, _account_block), spacing="3", width="100%",
                      margin_top="8px", key=PayPageState.rows_version),
            open=True,
            style={"width": "100%"},
        ),
        rx.card(
            rx.flex(
                rx.vstack(rx.text("Итого к оплате", size="3", color_scheme="gray"),
                          rx.text(PayFiguresState.total_text, size="8", weight="bold", id="payment-total"),
                          spacing="0"),
                rx.button("Далее", size="4", height="60px", width=["100%", "100%", "240px"],
                          disabled=~PayFiguresState.can_proceed, on_click=PayPageState.proceed, id="pay-next",
                          background=rx.cond(PayFiguresState.can_proceed, HEADER_BLUE, None)),
                wrap="wrap",
                justify="between",
                align="center",
                gap="16px",
                width="100%",
            ),
            rx.cond(PayPageState.confirm_error != "",
                    rx.text(PayPageState.confirm_error, color=ERROR_RED, size="3", role="alert", id="confirm-error")),
            width="100%",
            size="3",
            position="sticky",
            bottom="8px",
        ),
        spacing="4",
        width="100%",
    )


def _confirmed_item(item: ConfirmedItem) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(item.provider_name, weight="bold", size="4"),
                    rx.text(item.address, size="3"),
                    rx.text("Лицевой счёт № ", item.account_number, " · документ № ", item.document_number, " за ",
                            item.period_text, size="3", color_scheme="gray"),
                    spacing="0",
                    flex="1",
                ),
                rx.vstack(rx.text(item.amount_text, size="5", weight="bold", class_name="confirmed-amount"),
                          rx.cond(item.note != "", rx.badge(item.note, size="2")), align="end", spacing="1"),
                width="100%",
                align="start",
            ),
            rx.text("Получатель: ", item.recipient.name, ", ИНН ", item.recipient.inn, ", КПП ", item.recipient.kpp,
                    size="2", color_scheme="gray"),
            rx.text("Банк: ", item.recipient.bank_name, ", БИК ", item.recipient.bik, ", р/с ",
                    item.recipient.settlement_account, ", к/с ", item.recipient.correspondent_account,
                    size="2", color_scheme="gray"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="confirmed-item",
    )


def confirmation_view() -> rx.Component:
    return rx.vstack(
        rx.heading("Подтверждение оплаты", as_="h1", size="7"),
        rx.text("Проверьте документы, суммы и получателей.", size="4", color_scheme="gray"),
        rx.vstack(rx.foreach(PayPageState.confirmed_items, _confirmed_item), spacing="3", width="100%"),
        rx.card(
            rx.vstack(
                rx.hstack(rx.text("Итого по документам", size="5"), rx.spacer(),
                          rx.text(PayPageState.confirmed_total_text, size="8", weight="bold", id="confirm-total"),
                          width="100%", align="center"),
                rx.text(COMMISSION_AT_CHOICE, size="3", id="confirm-commission-note"),
                rx.flex(
                    rx.button("Назад", size="4", variant="soft", color_scheme="gray", on_click=PayPageState.back,
                              id="confirm-back", height="56px"),
                    rx.button("Оплатить", size="4", height="56px", id="confirm-pay", background=HEADER_BLUE,
                              on_click=PayPageState.choose_method),
                    gap="12px",
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            size="3",
        ),
        spacing="4",
        width="100%",
    )


CARD_BRANDS = ("МИР", "Visa", "Mastercard", "Maestro", "UnionPay", "JCB")
COMMISSION_AT_CHOICE = ("Комиссия зависит от способа оплаты: она будет показана при выборе способа, "
                        "до оплаты, вместе с итоговой суммой.")


def _method_card(title: str, detail: str, icon: str, method: str, figures: tuple[rx.Var, rx.Var]) -> rx.Component:
    """A method with its commission and «Итого с комиссией» as the gateway declares them (none if unknown)."""
    commission, charged = figures
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon(icon, size=32, color=HEADER_BLUE), rx.heading(title, as_="h2", size="5"),
                      align="center", spacing="3"),
            rx.text(detail, size="3"),
            rx.cond(
                PayPageState.commission_known,
                rx.vstack(
                    rx.text("Комиссия: ", rx.text(commission, as_="span", weight="bold"), size="3",
                            id=f"{method}-commission"),
                    rx.text("Итого с комиссией: ", rx.text(charged, as_="span", weight="bold"), size="4",
                            id=f"{method}-charged"),
                    spacing="1",
                ),
                rx.text("Комиссия неизвестна", size="3", id=f"{method}-commission"),
            ),
            rx.button("Перейти к оплате", size="4", height="56px", width="100%", id=f"pay-{method}",
                      disabled=~PayPageState.commission_known,
                      background=rx.cond(PayPageState.commission_known, HEADER_BLUE, None),
                      on_click=PayPageState.pay_with(method)),
            spacing="3",
            height="100%",
            justify="between",
        ),
        size="3",
        width="100%",
    )


def method_view() -> rx.Component:
    """«Выбор способа оплаты»: the wallet «Виртуальный мир» or a card of any bank."""
    return rx.vstack(
        rx.heading("Выбор способа оплаты", as_="h1", size="7"),
        rx.text("Сумма по документам: ", rx.text(PayPageState.confirmed_total_text, as_="span", weight="bold",
                                                 id="method-total"), size="5"),
        rx.grid(
            _method_card("Кошелёк «Виртуальный мир»",
                         "Нужен зарегистрированный кошелёк — его можно создать по номеру телефона "
                         "на странице оплаты.", "wallet", "wallet",
                         (PayPageState.wallet_commission_text, PayPageState.wallet_charged_text)),
            _method_card("Банковская карта любого банка",
                         "Принимаются карты " + ", ".join(CARD_BRANDS) + ". Номер карты вводится на защищённой "
                         "странице платёжного шлюза и в ГИС ЖКХ не сохраняется.", "credit-card", "card",
                         (PayPageState.card_commission_text, PayPageState.card_charged_text)),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        rx.cond(PayPageState.pay_error != "",
                rx.callout(PayPageState.pay_error, icon="triangle-alert", color_scheme="red", size="3",
                           id="pay-error", width="100%")),
        rx.flex(
            rx.button("Назад", size="4", variant="soft", color_scheme="gray",
                      on_click=PayPageState.back_to_confirmation, id="method-back", height="56px"),
            rx.cond(~PayPageState.commission_known,
                    rx.button("Узнать комиссию ещё раз", size="4", variant="soft", height="56px",
                              on_click=PayPageState.load_charges, id="method-retry")),
            gap="12px",
            wrap="wrap",
        ),
        spacing="4",
        width="100%",
    )
