"""``/cabinet`` — главная страница ЛК гражданина: linked accounts and «Оплатить ЖКУ»."""

import reflex as rx

from gkh_web import paths
from gkh_web.components.buttons import link_button
from gkh_web.components.layout import HEADER_BLUE, page_frame
from gkh_web.components.link_dialog import link_account_dialog
from gkh_web.components.text_size import text_px
from gkh_web.services.accounts import LinkedAccountView
from gkh_web.state.cabinet import CabinetState
from gkh_web.state.link_account import LinkAccountState

AWAITING_ACCOUNTING = "Оплата ожидает учёта поставщиком"


def _account_card(account: LinkedAccountView) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text(account.address, size="4", weight="bold"),
                rx.text(account.provider_name, size="3"),
                rx.text("Лицевой счёт\u00a0№\u00a0", account.number, " · ЕЛС\u00a0", account.els, size="3",
                        color_scheme="gray"),
                rx.cond(account.awaiting_accounting,  # «оплачено» is not yet «учтено» (issue 13 §4)
                        rx.badge(rx.icon("clock", size=16), AWAITING_ACCOUNTING, size="2", color_scheme="amber",
                                 high_contrast=True, class_name="account-awaiting")),
                spacing="1",
                flex="1 1 280px",
            ),
            rx.hstack(
                rx.vstack(
                    rx.text("К оплате", size="2", color_scheme="gray"),
                    rx.text(account.amount_due_text, size="5", weight="bold", class_name="account-due"),
                    align="end",
                    spacing="0",
                ),
                rx.icon_button(
                    rx.icon("unlink", size=22), variant="soft", color_scheme="gray", size="4",
                    on_click=CabinetState.ask_unlink(account.account_id),
                    aria_label="Отключить лицевой счёт № " + account.number,
                ),
                align="center",
                spacing="4",
                margin_left="auto",
            ),
            wrap="wrap",
            align="center",
            gap="12px",
            width="100%",
        ),
        width="100%",
        class_name="linked-account",
    )


def _unlink_confirmation() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Отключить лицевой счёт?", size="6"),
            rx.alert_dialog.description(CabinetState.unlink_label, size="4"),
            rx.text("Счёт пропадёт из кабинета; подключить его снова можно в любой момент.", size="3",
                    color_scheme="gray"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Отмена", variant="soft", color_scheme="gray", size="4",
                                                 on_click=CabinetState.cancel_unlink)),
                rx.alert_dialog.action(rx.button("Отключить", color_scheme="red", size="4",
                                                 on_click=CabinetState.confirm_unlink, id="unlink-confirm")),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
        ),
        open=CabinetState.unlink_account_id != 0,
    )


def _pay_panel() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text("Всего к оплате по подключённым счетам", size="3", color_scheme="gray"),
                rx.text(CabinetState.total_due_text, size="8", weight="bold", id="total-due"),
                spacing="1",
            ),
            link_button(rx.icon("wallet", size=24), "Оплатить ЖКУ", href=paths.PAY, link_id="pay-link",
                        size="4", min_height="64px", height="auto", style={"fontSize": text_px(22), "color": "white"},
                        background=HEADER_BLUE, width=["100%", "100%", "auto"]),
            direction=rx.breakpoints(initial="column", md="row"),
            justify="between",
            align=rx.breakpoints(initial="stretch", md="center"),
            gap="16px",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def cabinet_page() -> rx.Component:
    return page_frame(
        rx.cond(
            CabinetState.loaded,
            rx.vstack(
                rx.heading("Личный кабинет", as_="h1", size="7"),
                _pay_panel(),
                rx.hstack(
                    rx.heading("Мои лицевые счета", as_="h2", size="5"),
                    rx.spacer(),
                    rx.button(rx.icon("plus", size=20), "Подключить лицевой счёт", size="3", min_height="44px",
                              on_click=LinkAccountState.open_dialog, id="link-open"),
                    width="100%",
                    align="center",
                    wrap="wrap",
                    spacing="3",
                ),
                rx.cond(
                    CabinetState.has_accounts,
                    rx.vstack(rx.foreach(CabinetState.accounts, _account_card), spacing="3", width="100%"),
                    rx.callout("Лицевые счета пока не подключены. Нажмите «Подключить лицевой счёт» и введите "
                               "реквизиты из квитанции.", icon="info", size="3", width="100%", id="no-accounts"),
                ),
                rx.hstack(
                    rx.link("Оплатить по другому лицевому счёту", href=paths.PAY_OTHER, size="4", id="pay-other-link"),
                    rx.link("Мои платежи", href=paths.PAYMENTS, size="4", id="history-link"),
                    spacing="6",
                    wrap="wrap",
                ),
                link_account_dialog(),
                _unlink_confirmation(),
                spacing="5",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding_y="80px"),
        ),
    )
