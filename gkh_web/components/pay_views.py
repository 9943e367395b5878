"""The parts of the payment page: the «Сумма к оплате» list, document rows, services, confirmation."""

from __future__ import annotations

import reflex as rx

from gkh_web import paths
from gkh_web.components.fields import ERROR_RED, big_input, labelled_field
from gkh_web.components.layout import HEADER_BLUE
from gkh_web.components.text_size import text_px
from gkh_web.domain import receipt_mail as rm
from gkh_web.domain.typography import SETTLEMENT_ACCOUNT
from gkh_web.services.payments.page import (
    EMPTY_ALL_PAID,
    EMPTY_AWAITING_ACCOUNTING,
    ConfirmedAccount,
    ConfirmedItem,
    DocumentServices,
    PayableAccount,
    PayableDocument,
    ServiceChargeLine,
)
from gkh_web.state.pay import (
    PayDocumentsState,
    PayFiguresState,
    PayMessagesState,
    PayPageState,
    PaySelectionState,
)

# The seed's words, letter for letter (its «платежный», its comma, its punctuation).
NOTICE = "В системе отсутствует информация о неоплаченных начислениях за ЖКУ"
NOTICE_LEAD = "Данное сообщение возникает в случае, если:"
REASON_PAID = "за текущий период оплата уже была произведена, и учтена организацией, выставившей платежный документ;"
REASON_NO_DOCUMENT = "платежный документ не был выставлен в системе."
YOUR_CASE = "ваш случай"
AWAITING_ACCOUNTING_OTHER = ("Документы этого лицевого счёта оплачены, но организация, выставившая платёжный документ, "
                             "ещё не учла оплату.")
AWAITING_ACCOUNTING = ("Ваши документы оплачены, но организация, выставившая платёжный документ, ещё не учла оплату. "
                       "Состояние каждого платежа — в «Мои платежи».")
SUMMARY_STYLE = {"cursor": "pointer", "listStyle": "none", "minHeight": "44px", "display": "flex",
                 "alignItems": "center", "gap": "8px"}


def _back_link() -> rx.Component:
    return rx.link("← В личный кабинет", href=paths.CABINET, size="3")


def _reason(text: str, yours: rx.Var[bool], item_id: str) -> rx.Component:
    """One reason, worded as the seed words it; the resident's own is marked beside it, not rewritten."""
    return rx.el.li(
        rx.text(text, as_="span", weight=rx.cond(yours, "bold", "regular"), class_name="reason-text"),
        rx.cond(yours, rx.badge(rx.icon("check", size=16), YOUR_CASE, size="3", color_scheme="blue", high_contrast=True,
                                margin_left="8px", class_name="reason-yours")),
        id=item_id,
    )


def empty_notice() -> rx.Component:
    """The seed's notice and its two reasons, verbatim."""
    paid = PayPageState.empty_reason == EMPTY_ALL_PAID
    awaiting = PayPageState.empty_reason == EMPTY_AWAITING_ACCOUNTING
    return rx.vstack(
        _back_link(),
        rx.heading("Оплата жилищно-коммунальных услуг", as_="h1", size="7"),
        rx.callout(NOTICE, icon="info", size="3", width="100%", id="no-charges-notice"),
        # Paid, not yet accounted for: the seed's first reason does not hold yet, so neither is marked.
        rx.cond(awaiting, rx.callout(rx.cond(PayPageState.public_mode, AWAITING_ACCOUNTING_OTHER, AWAITING_ACCOUNTING),
                                     icon="clock", color_scheme="amber", high_contrast=True, size="3", width="100%",
                                     id="awaiting-accounting")),
        rx.text(NOTICE_LEAD, size="4", id="no-charges-lead"),
        rx.el.ul(
            _reason(REASON_PAID, paid, "reason-paid"),
            _reason(REASON_NO_DOCUMENT, ~paid & ~awaiting, "reason-no-document"),
            style={"fontSize": text_px(18), "paddingLeft": "24px", "lineHeight": "1.8"},
        ),
        spacing="4",
        width="100%",
    )


SERVICE_COLUMNS = ("Услуга", "Объём", "Тариф", "Начислено", "Перерасчёт", "Льгота", "К оплате")
SERVICES_TABLE_STYLE = {
    "width": "100%", "borderCollapse": "collapse", "fontSize": text_px(15), "background": "white",
    "& th, & td": {"padding": "6px 8px", "borderBottom": "1px solid var(--gray-a5)", "textAlign": "right"},
    "& th:first-child": {"textAlign": "left"},
    "& thead th": {"fontWeight": "600", "background": "var(--gray-a2)"},
    "& tbody th": {"fontWeight": "500"},
    # A phone: each service becomes a small block of «label … value» lines, read without scrolling
    # sideways (the labels come from the cells' data-label by CSS; the header stays for screen readers).
    "@media (max-width: 640px)": {
        "& thead": {"position": "absolute", "width": "1px", "height": "1px", "overflow": "hidden",
                    "clipPath": "inset(50%)"},
        "& tr": {"display": "block", "borderBottom": "1px solid var(--gray-a6)", "padding": "6px 0"},
        "& tbody th, & td": {"display": "flex", "justifyContent": "space-between", "gap": "12px",
                             "border": "none", "padding": "2px 4px", "textAlign": "right"},
        "& tbody th": {"fontWeight": "600", "textAlign": "left"},
        "& td::before": {"content": "attr(data-label)", "color": "var(--gray-11)", "textAlign": "left"},
    },
}


def _service_line(line: ServiceChargeLine) -> rx.Component:
    cells = (line.volume_text, line.tariff_text, line.charged_text, line.recalculation_text, line.benefit_text)
    return rx.el.tr(
        rx.el.th(line.service_name, scope="row"),
        *[rx.el.td(text, custom_attrs={"data-label": title}) for title, text in zip(SERVICE_COLUMNS[1:6], cells,
                                                                                     strict=True)],
        rx.el.td(line.to_pay_text, class_name="service-to-pay", custom_attrs={"data-label": SERVICE_COLUMNS[6]}),
    )


def _services(key: rx.Var[str]) -> rx.Component:
    """The document's service lines, ``key`` its id as text (the key of ``PayPageState.services``), and the way
    to its printable «Платёжный документ» with the ГОСТ QR code (the resident's own documents only: the
    services are never shown for someone else's account)."""
    found: DocumentServices = PayPageState.services[key]  # type: ignore[call-overload]  # a dict state var is an ObjectVar; mypy misreads rx.Field's overloads
    return rx.box(
        services_block(found),
        rx.button(rx.icon("qr-code", size=20), "Платёжный документ с QR-кодом", size="3", variant="soft",
                  type="button", margin_top="8px", on_click=PayPageState.open_document(found.document_id),
                  class_name="document-sheet-open",  # the label may wrap on a phone rather than leave the card
                  style={"whiteSpace": "normal", "height": "auto", "minHeight": "44px", "maxWidth": "100%"}),
        width="100%",
        padding_top="8px",
        class_name="document-services",
    )


def services_block(found: DocumentServices) -> rx.Component:
    """A document's services table and its totals (debt or advance, penalties, the document's total)."""
    return rx.box(
        rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(title, scope="col") for title in SERVICE_COLUMNS])),
            rx.el.tbody(rx.foreach(found.lines, _service_line)),
            style=SERVICES_TABLE_STYLE,
            class_name="services-table",
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
        width="100%",
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


def _figure(label: str, *children, label_for: rx.Var[str] | None = None) -> rx.Component:
    """A labelled figure or field: the seed's «Сумма к оплате» and «Сумма платежа»."""
    caption = (rx.el.label(label, html_for=label_for, class_name="figure-label") if label_for is not None
               else rx.text(label, class_name="figure-label"))
    return rx.vstack(caption, *children, align="end", spacing="1",
                     style={".figure-label": {"fontSize": text_px(14), "color": "var(--gray-11)"}})


def _document_row(document: PayableDocument) -> rx.Component:
    key = document.document_id.to_string()  # type: ignore[attr-defined]  # foreach passes the row as a Var (typed as the row)
    amount_id = "amount-" + key
    return rx.box(
        rx.flex(
            rx.checkbox(default_checked=document.selectable & PaySelectionState.shown_checks["d" + key],
                        disabled=~document.selectable, size="3",
                        on_change=lambda checked: PaySelectionState.toggle_document(document.document_id, checked),
                        aria_label="Оплатить документ № " + document.number, class_name="document-check"),
            rx.vstack(
                rx.hstack(
                    rx.text("Документ № ", document.number, weight="bold", size="3", class_name="document-number"),
                    rx.cond(  # another person's account: no volumes, tariffs or benefits (issue 10)
                        ~PayPageState.public_mode,
                        rx.icon_button(rx.icon("list", size=20), variant="soft", size="3", type="button",
                                       on_click=PayPageState.toggle_services(document.document_id),
                                       aria_label="Услуги документа № " + document.number,
                                       aria_expanded=rx.cond(PayPageState.shown_services[key], "true", "false"),
                                       class_name="services-toggle"),
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.cond(document.ipd != "",  # empty for another person's account: an ИПД holds the ИЖКУ
                        rx.text("ИПД ", document.ipd, size="2", class_name="document-ipd")),
                rx.text(document.period_text, " · срок оплаты ", document.due_date_text, size="2",
                        color_scheme="gray"),
                rx.text(document.status_text, size="2",
                        color_scheme=rx.cond(document.selectable, "gray", "green"), class_name="document-status"),
                spacing="1",
                flex="1 1 200px",
            ),
            rx.flex(
                _figure("Сумма к оплате", rx.text(document.due_text, size="3", class_name="document-due")),
                rx.cond(
                    document.selectable,
                    _figure("Сумма платежа",
                            rx.input(default_value=PaySelectionState.shown_amounts[key], size="3",
                                     input_mode="decimal", id=amount_id,
                                     on_change=lambda text: PaySelectionState.set_amount(document.document_id, text),
                                     class_name="document-amount",
                                     style={"width": "170px", "fontSize": text_px(18), "textAlign": "right"}),
                            amount_messages(document_key=key),
                            label_for=amount_id),
                ),
                gap="16px",
                align="start",
                margin_left="auto",
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


def _documents_button(account: PayableAccount, key: rx.Var[str]) -> rx.Component:
    """The seed's «специальная иконка напротив номера лицевого счета»: opens the account's documents."""
    count = account.documents.length().to_string()  # type: ignore[attr-defined]  # foreach passes the row as a Var (typed as the row)
    shown = PayDocumentsState.open_accounts[key]  # type: ignore[call-overload]  # a dict state var is an ObjectVar; mypy misreads rx.Field's overloads
    return rx.button(
        rx.icon("file-text", size=22),
        rx.text(count, as_="span", size="3", weight="bold"),
        rx.icon("chevron-down", size=18, class_name="documents-chevron",
                style={"transition": "transform 0.2s",
                       "transform": rx.cond(shown, "rotate(180deg)", "none")}),
        variant="soft",
        size="3",
        type="button",
        min_height="44px",
        min_width="44px",
        on_click=PayDocumentsState.toggle_documents(account.account_id),
        aria_label="Платёжные документы лицевого счёта № " + account.number + ": " + count,
        aria_expanded=rx.cond(shown, "true", "false"),
        class_name="documents-toggle",
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
                rx.hstack(
                    rx.text("Лицевой счёт № ", account.number, size="3", class_name="account-number"),
                    _documents_button(account, key),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                spacing="1",
                flex="1 1 260px",
            ),
            rx.hstack(
                _figure("Сумма к оплате", rx.text(account.due_text, size="4", class_name="account-due")),
                _figure("Сумма платежа", account_sum(account_key=key)),
                spacing="5",
                margin_left="auto",
            ),
            wrap="wrap",
            align="center",
            gap="12px",
            width="100%",
        ),
        # Hidden, not unmounted: the rows keep their ticks and typed amounts while the list is closed.
        rx.box(
            rx.foreach(account.documents, _document_row),
            display=rx.cond(PayDocumentsState.open_accounts[key], "block", "none"),
            margin_top="8px",
            class_name="account-documents",
        ),
        width="100%",
        class_name="payable-account",
        custom_attrs={"data-account-id": key},
    )


def _amount_list_summary() -> rx.Component:
    """The collapsed «Сумма к оплате» still shows what matters: the amount due and the live «Итого»."""
    return rx.el.summary(
        rx.icon("chevron-down", size=24, class_name="amount-list-chevron", style={"transition": "transform 0.2s"}),
        rx.heading("Сумма к оплате", as_="h2", size="5"),
        rx.text(PayPageState.due_total_text, size="5", weight="bold", id="amount-list-due"),
        rx.text("Итого: ", rx.text(PayFiguresState.total_text, as_="span", weight="bold"), size="4",
                margin_left="auto", id="amount-list-total"),
        style={**SUMMARY_STYLE, "flexWrap": "wrap", "padding": "8px 12px", "background": "white",
               "borderRadius": "8px", "border": "1px solid var(--gray-a6)"},
        id="amount-list-toggle",
    )


def selection_view() -> rx.Component:
    return rx.vstack(
        _back_link(),
        rx.heading("Оплата жилищно-коммунальных услуг", as_="h1", size="7"),
        rx.text("Реквизиты исполнителей заполнены по данным ГИС ЖКХ — вводить их не нужно.", size="3",
                color_scheme="gray"),
        # Native <details>, closed as the seed finds it («Разверните список»): opens without a round trip
        # and keeps its rows in the DOM; the chevron turns by CSS alone.
        rx.el.details(
            _amount_list_summary(),
            rx.vstack(rx.foreach(PayPageState.accounts, _account_block), spacing="3", width="100%",
                      margin_top="8px", key=PayPageState.rows_version),
            style={"width": "100%", "&[open] .amount-list-chevron": {"transform": "rotate(180deg)"}},
            id="amount-list",
        ),
        rx.card(
            rx.flex(
                rx.vstack(rx.text("Итого к оплате", size="3", color_scheme="gray"),
                          rx.text(PayFiguresState.total_text, size=rx.breakpoints(initial="6", sm="8"),
                                  weight="bold", id="payment-total"),
                          spacing="0"),
                rx.button("Далее", size="4", height="60px", width=["auto", "auto", "240px"], min_width="120px",
                          disabled=~PayFiguresState.can_proceed, on_click=PayPageState.proceed, id="pay-next",
                          background=rx.cond(PayFiguresState.can_proceed, HEADER_BLUE, None)),
                wrap="nowrap",
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
            background="white",
            class_name="pay-action-bar",
        ),
        spacing="4",
        width="100%",
    )


def _confirmed_document(item: ConfirmedItem) -> rx.Component:
    return rx.flex(
        rx.text("Документ\u00a0№\u00a0", item.document_number, " за ", item.period_text, size="3", flex="1 1 200px"),
        rx.hstack(rx.cond(item.note != "", rx.badge(item.note, size="2")),
                  rx.text(item.amount_text, size="4", weight="bold", class_name="confirmed-amount"),
                  align="center", spacing="2", margin_left="auto"),
        wrap="wrap",
        align="center",
        gap="8px",
        width="100%",
        padding_y="8px",
        border_top="1px solid var(--gray-a5)",
        class_name="confirmed-item",
    )


def _confirmed_account(account: ConfirmedAccount) -> rx.Component:
    """An account said once, its payee's requisites, then each of its documents and their sums."""
    recipient = account.recipient
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.text(account.provider_name, weight="bold", size="4"),
                    rx.text(account.address, size="3"),
                    rx.text("Лицевой счёт\u00a0№\u00a0", account.account_number, size="3"),
                    spacing="0",
                    flex="1 1 260px",
                ),
                rx.text(account.amount_text, size="5", weight="bold", class_name="confirmed-account-sum"),
                wrap="wrap",
                gap="8px",
                width="100%",
                align="start",
            ),
            rx.text("Получатель: ", recipient.name, ", ИНН\u00a0", recipient.inn, ", КПП\u00a0", recipient.kpp,
                    size="2", color_scheme="gray"),
            rx.text("Банк: ", recipient.bank_name, ", БИК\u00a0", recipient.bik, f", {SETTLEMENT_ACCOUNT}\u00a0",
                    recipient.settlement_account, ", к/с\u00a0", recipient.correspondent_account,
                    size="2", color_scheme="gray"),
            rx.box(rx.foreach(account.documents, _confirmed_document), width="100%"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="confirmed-account",
    )


def _receipt_address() -> rx.Component:
    """Where the receipt goes: the profile's address, changeable for this payment (checked by the server
    when the field is left and again at «Оплатить»); with e-mail off, the screen says so."""
    return rx.card(
        rx.cond(
            PayPageState.mail_enabled,
            rx.vstack(
                labelled_field(
                    "Электронная почта для квитанции",
                    # Uncontrolled: what the resident types is sent with «Оплатить» (and checked on leaving it).
                    big_input(id="receipt-email", name="receipt_email", default_value=PayPageState.receipt_email,
                              type="email", input_mode="email", auto_complete="off",
                              on_blur=PayPageState.check_receipt_email),
                    PayPageState.receipt_email_error,
                    field_id="receipt-email",
                    hint="Можно указать другой адрес — только для этой квитанции. Пустое поле — без письма.",
                ),
                rx.cond(
                    (PayPageState.receipt_email != "") & (PayPageState.receipt_email_error == ""),
                    rx.text("Квитанция будет отправлена на ",
                            rx.text(PayPageState.receipt_email, as_="span", weight="bold"),
                            size="3", id="receipt-email-line", overflow_wrap="anywhere"),
                ),
                spacing="2",
                width="100%",
            ),
            rx.text(rm.MSG_MAIL_OFF, size="3", id="receipt-email-line"),
        ),
        width="100%",
        class_name="receipt-address",
    )


def confirmation_view() -> rx.Component:
    """A form: «Оплатить» sends the receipt address typed in it (Enter in the field does the same)."""
    return rx.form(rx.vstack(
        rx.heading("Подтверждение оплаты", as_="h1", size="7"),
        rx.text("Проверьте документы, суммы и получателей.", size="4", color_scheme="gray"),
        rx.vstack(rx.foreach(PayPageState.confirmed_accounts, _confirmed_account), spacing="3", width="100%"),
        _receipt_address(),
        rx.card(  # sticky like the payment page's: «Оплатить» in view however many documents there are
            rx.vstack(
                rx.flex(rx.text("Итого по документам", size="5"), rx.spacer(),
                        rx.text(PayPageState.confirmed_total_text, size=rx.breakpoints(initial="6", sm="8"),
                                weight="bold", id="confirm-total", white_space="nowrap"),
                        width="100%", align="center", wrap="wrap", gap="4px 12px"),
                rx.text(COMMISSION_AT_CHOICE, size="3", id="confirm-commission-note"),
                rx.flex(
                    rx.button("Назад", size="4", variant="soft", color_scheme="gray", on_click=PayPageState.back,
                              id="confirm-back", height="56px", type="button"),
                    rx.button("Оплатить", size="4", height="56px", id="confirm-pay", background=HEADER_BLUE,
                              type="submit"),
                    gap="12px",
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            size="3",
            position="sticky",
            bottom="8px",
            background="white",
            class_name="confirm-action-bar",
        ),
        spacing="4",
        width="100%",
    ), on_submit=PayPageState.submit_confirmation, reset_on_submit=False, width="100%", id="confirm-form")


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
