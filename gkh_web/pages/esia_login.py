"""``/esia/login`` — the demo ЕСИА login page, styled after Госуслуги (a separate system's UI)."""

from __future__ import annotations

import reflex as rx

from gkh_web import paths
from gkh_web.components.fields import big_input, field_error, labelled_field
from gkh_web.components.kiosk import guarded
from gkh_web.components.text_size import large_text_class, large_text_switch, text_px
from gkh_web.state.esia_login import MODE_PHONE_EMAIL, MODE_SNILS, DemoLoginHint, EsiaLoginState

GOSUSLUGI_BLUE = "#0D4CD3"
GOSUSLUGI_RED = "#EE3F58"


def _wordmark() -> rx.Component:
    return rx.hstack(
        rx.text("гос", color=GOSUSLUGI_BLUE, weight="bold", size="7"),
        rx.text("услуги", color=GOSUSLUGI_RED, weight="bold", size="7", margin_left="-4px"),
        spacing="0",
        aria_label="Госуслуги",
    )


def _mode_switch() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("Телефон / почта", value=MODE_PHONE_EMAIL),
        rx.segmented_control.item("СНИЛС", value=MODE_SNILS),
        value=EsiaLoginState.mode,
        on_change=EsiaLoginState.set_mode,
        size="3",
        width="100%",
        aria_label="Способ входа",
    )


def _login_field() -> rx.Component:
    return rx.cond(
        EsiaLoginState.mode == MODE_SNILS,
        labelled_field(
            "СНИЛС",
            big_input(id="esia-snils", name="snils", value=EsiaLoginState.snils, on_change=EsiaLoginState.set_snils,
                      placeholder="123-456-789 01", input_mode="numeric", auto_complete="off"),
            EsiaLoginState.snils_error,
            field_id="esia-snils",
        ),
        labelled_field(
            "Телефон или почта",
            big_input(id="esia-login", name="login", value=EsiaLoginState.login, on_change=EsiaLoginState.set_login,
                      placeholder="+7 (900) 000-00-00 или почта", auto_complete="off"),
            EsiaLoginState.login_error,
            field_id="esia-login",
        ),
    )


def _password_field() -> rx.Component:
    return labelled_field(
        "Пароль",
        rx.hstack(
            big_input(id="esia-password", name="password",
                      type=rx.cond(EsiaLoginState.show_password, "text", "password"),
                      auto_complete="off"),
            rx.icon_button(
                rx.cond(EsiaLoginState.show_password, rx.icon("eye-off"), rx.icon("eye")),
                type="button", variant="soft", size="4", on_click=EsiaLoginState.toggle_password,
                aria_label=rx.cond(EsiaLoginState.show_password, "Скрыть пароль", "Показать пароль"),
                id="esia-toggle-password",
            ),
            width="100%",
            spacing="2",
        ),
        EsiaLoginState.password_error,
        field_id="esia-password",
    )


def _login_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _mode_switch(),
            _login_field(),
            _password_field(),
            field_error(EsiaLoginState.form_error, field_id="esia-form"),
            rx.button("Войти", type="submit", size="4", width="100%", height="56px",
                      background=GOSUSLUGI_BLUE, id="esia-submit", style={"fontSize": text_px(20)}),
            spacing="4",
            width="100%",
        ),
        on_submit=EsiaLoginState.submit,
        reset_on_submit=False,
        width="100%",
    )


def _demo_login_row(hint: DemoLoginHint) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(hint.fio, weight="bold", size="3"),
            rx.text(hint.phone, " · ", hint.email, " · СНИЛС ", hint.snils, size="2", color_scheme="gray"),
            rx.text(hint.purpose, size="2"),
            spacing="0",
            flex="1",
            min_width="0",  # the texts wrap, «Подставить» stays inside the card on a phone
        ),
        rx.button("Подставить", variant="soft", size="3", type="button",
                  on_click=EsiaLoginState.use_demo_login(hint.phone)),
        align="center",
        width="100%",
        padding_y="6px",
        border_bottom="1px solid #E6EBF2",
    )


def _demo_logins() -> rx.Component:
    return rx.cond(
        EsiaLoginState.demo_logins.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Демо-режим: учётные записи для входа", as_="h2", size="4"),
                rx.text("Пароль у всех: ", rx.code("Demo-2026!"), size="3"),
                rx.foreach(EsiaLoginState.demo_logins, _demo_login_row),
                spacing="2",
                width="100%",
            ),
            width="100%",
            id="demo-logins",
        ),
    )


def provider_link(text: str, href: rx.Var[str] | str, *, link_id: str) -> rx.Component:
    """A link of the provider's pages, tall enough for a finger (44 px)."""
    return rx.link(text, href=href, size="3", id=link_id, min_height="44px", display="inline-flex",
                   align_items="center")


def provider_page(card_body: rx.Component, *side: rx.Component) -> rx.Component:
    """The demo ЕСИА's frame: its own header, a card, and (on a wide screen) a column beside it."""
    return guarded(rx.box(  # a login half-typed at the kiosk is wiped like any other page (issue 10)
        rx.el.header(  # real landmarks: Radix's Box and Flex cannot be <header> or <main>
            rx.hstack(_wordmark(), rx.spacer(),
                      rx.text("Единая система идентификации и аутентификации", size="2", color_scheme="gray",
                              display=["none", "none", "block"]),
                      large_text_switch(on_dark=False),
                      width="100%", max_width="960px", margin_x="auto", align="center"),
            style={"background": "white", "borderBottom": "1px solid #E6EBF2", "padding": "12px 20px"},
        ),
        rx.el.main(rx.flex(
            rx.card(card_body, size="4", width="100%", max_width="480px"),
            *[rx.box(column, width="100%", max_width="440px") for column in side],
            direction=rx.breakpoints(initial="column", md="row"),
            gap="24px",
            justify="center",
            align="start",
            padding=["16px", "16px", "32px 20px"],
            width="100%",
            max_width="1000px",
            margin_x="auto",
        )),
        min_height="100vh",
        background="#F5F7FA",
        class_name=large_text_class(),
    ))


def provider_offer(request_query: rx.Var[str], question: str, link: rx.Component) -> rx.Component:
    """«Нет учётной записи? Зарегистрироваться» and back: only while the page serves a valid request."""
    return rx.cond(
        request_query != "",
        rx.hstack(rx.text(question, size="3"), link, spacing="2", align="center", wrap="wrap"),
    )


def esia_login_page() -> rx.Component:
    return provider_page(
        rx.vstack(
            rx.heading("Вход", as_="h1", size="7"),
            rx.text("для доступа к ГИС ЖКХ", color_scheme="gray", size="3"),
            rx.cond(
                EsiaLoginState.notice != "",
                rx.callout(EsiaLoginState.notice, icon="circle-check", color_scheme="green", size="2",
                           id="esia-notice", role="status"),
            ),
            rx.cond(
                EsiaLoginState.request_error != "",
                rx.callout(EsiaLoginState.request_error, icon="triangle-alert", color_scheme="red",
                           id="esia-request-error"),
                _login_form(),
            ),
            provider_offer(EsiaLoginState.request_query, "Нет учётной записи?",
                           provider_link("Зарегистрироваться",
                                         paths.ESIA_REGISTER + "?" + EsiaLoginState.request_query,
                                         link_id="esia-register")),
            provider_link("Вернуться в ГИС ЖКХ", paths.START, link_id="esia-back"),
            spacing="4",
            width="100%",
        ),
        _demo_logins(),
    )
