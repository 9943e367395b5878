"""``/pay/other`` — «Оплатить по другому лицевому счёту»."""

import reflex as rx

from gkh_web import paths
from gkh_web.components.buttons import link_button
from gkh_web.components.fields import big_input, labelled_field
from gkh_web.components.house_picker import house_suggestions
from gkh_web.components.layout import HEADER_BLUE, page_frame
from gkh_web.state.pay_other import BY_ADDRESS, BY_IDENTIFIER, FoundAccount, PayOtherState


def _error(field: str) -> rx.Var[str]:
    return PayOtherState.errors.get(field, "")  # type: ignore[attr-defined]  # a dict state var is an ObjectVar; mypy misreads rx.Field's overloads


def _search_form() -> rx.Component:
    return rx.form(rx.vstack(
        rx.segmented_control.root(
            rx.segmented_control.item("По ЕЛС, ИЖКУ, ИПД", value=BY_IDENTIFIER),
            rx.segmented_control.item("По адресу", value=BY_ADDRESS),
            value=PayOtherState.method, on_change=PayOtherState.set_method, size="3", width="100%",
        ),
        rx.cond(
            PayOtherState.method == BY_IDENTIFIER,
            labelled_field(
                "ЕЛС, идентификатор ЖКУ или идентификатор платёжного документа",
                big_input(id="other-identifier", name="identifier", auto_complete="off",
                          placeholder="Например: 77АБ123456-01"),
                _error("identifier"), field_id="other-identifier",
                hint="ЕЛС — 10 знаков, ИЖКУ — 13, ИПД — 18; все они есть в квитанции.",
            ),
            rx.vstack(
                labelled_field(
                    "Дом (улица и номер дома)",
                    big_input(id="other-house", value=PayOtherState.house_query,
                              on_change=PayOtherState.set_house_query.debounce(250), auto_complete="off",
                              placeholder="Например: Лесная 12"),
                    _error("house"), field_id="other-house",
                ),
                house_suggestions(PayOtherState.houses, PayOtherState.choose_house),
                labelled_field(
                    "Номер лицевого счёта",
                    big_input(id="other-account-number", name="account_number", auto_complete="off"),
                    _error("account_number"), field_id="other-account-number",
                ),
                spacing="3",
                width="100%",
            ),
        ),
        rx.button(rx.icon("search", size=20), "Найти", size="4", type="submit", id="other-search",
                  width=["100%", "100%", "240px"]),
        spacing="4",
        width="100%",
    ), on_submit=PayOtherState.search, reset_on_submit=False, width="100%")


def _requisite(label: str, value) -> rx.Component:
    return rx.hstack(rx.text(label, size="2", color_scheme="gray", min_width="150px"), rx.text(value, size="3"),
                     spacing="2", width="100%", wrap="wrap")


def _result(account: FoundAccount) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(  # wraps on a phone: the amount goes under the address instead of past the edge
                rx.vstack(
                    rx.text(account.premises_hint, size="4", weight="bold"),
                    rx.text(account.provider_name, size="3"),
                    spacing="1",
                    flex="1 1 220px",
                ),
                rx.vstack(rx.text("К оплате", size="2", color_scheme="gray"),
                          rx.text(account.amount_due_text, size="6", weight="bold", class_name="other-due",
                                  white_space="nowrap"),
                          align="end", spacing="0", margin_left="auto"),
                width="100%",
                align="start",
                wrap="wrap",
                gap="8px",
            ),
            _requisite("Лицевой счёт", account.number),
            link_button("Перейти к оплате", href=paths.PAY + "?ref=" + account.ref,
                        link_id="other-pay-link", size="4", background=HEADER_BLUE, style={"color": "white"},
                        width=["100%", "100%", "280px"]),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="other-account",
    )


def pay_other_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.link("← В личный кабинет", href=paths.CABINET, size="3"),
            rx.heading("Оплатить по другому лицевому счёту", as_="h1", size="7"),
            rx.text("Счёт не будет подключён к вашему кабинету.", size="4", color_scheme="gray"),
            rx.cond(PayOtherState.notice != "",
                    rx.callout(PayOtherState.notice, icon="info", color_scheme="amber", size="3", width="100%",
                               id="other-notice")),
            rx.card(_search_form(), width="100%", size="3"),
            rx.cond(
                PayOtherState.results.length() > 0,
                rx.vstack(rx.foreach(PayOtherState.results, _result), spacing="3", width="100%"),
            ),
            spacing="4",
            width="100%",
        ),
    )
