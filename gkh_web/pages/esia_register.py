"""``/esia/register`` — registration at the demo ЕСИА, in the provider's own frame (like its sign-in page)."""

from __future__ import annotations

import reflex as rx

from gkh_web import paths
from gkh_web.components.fields import big_input, field_error, labelled_field
from gkh_web.components.text_size import text_px
from gkh_web.pages.esia_login import GOSUSLUGI_BLUE, provider_link, provider_offer, provider_page
from gkh_web.state.esia_register import PASSWORD_RULES, EsiaRegisterState

DEMO_NOTE = ("Упрощённая регистрация демо-ЕСИА: настоящая регистрация проходит на Госуслугах "
             "с подтверждением телефона и личности")


def _text_field(label: str, name: str, error: rx.Var[str], **props) -> rx.Component:
    """A field the state does not hold: its value goes with the form, its message comes back."""
    field_id = f"reg-{name.replace('_', '-')}"
    return labelled_field(
        label,
        big_input(id=field_id, name=name, auto_complete="off",
                  on_change=lambda _value: EsiaRegisterState.field_edited(name), **props),
        error,
        field_id=field_id,
    )


def _name_fields() -> list[rx.Component]:
    return [
        _text_field("Фамилия", "last_name", EsiaRegisterState.last_name_error),
        _text_field("Имя", "first_name", EsiaRegisterState.first_name_error),
        _text_field("Отчество (если есть)", "middle_name", EsiaRegisterState.middle_name_error),
    ]


def _contact_fields() -> rx.Component:
    return rx.vstack(
        rx.text("Мобильный телефон или электронная почта — укажите хотя бы одно: это будет логин для входа",
                size="3", id="reg-contact-hint"),
        labelled_field(
            "Мобильный телефон",
            big_input(id="reg-phone", name="phone", value=EsiaRegisterState.phone,
                      on_change=EsiaRegisterState.set_phone, placeholder="+7 (900) 000-00-00", input_mode="tel",
                      auto_complete="off"),
            EsiaRegisterState.phone_error,
            field_id="reg-phone",
        ),
        _text_field("Электронная почта", "email", EsiaRegisterState.email_error, input_mode="email",
                    placeholder="name@example.ru"),
        spacing="3",
        width="100%",
    )


def _password_field() -> rx.Component:
    return rx.vstack(
        rx.el.label("Пароль", html_for="reg-password", style={"fontWeight": "600", "fontSize": text_px(17)}),
        rx.hstack(
            big_input(id="reg-password", name="password", auto_complete="new-password",
                      type=rx.cond(EsiaRegisterState.show_password, "text", "password"),
                      aria_describedby="reg-password-rules",
                      on_change=lambda _value: EsiaRegisterState.field_edited("password")),
            rx.icon_button(
                rx.cond(EsiaRegisterState.show_password, rx.icon("eye-off"), rx.icon("eye")),
                type="button", variant="soft", size="4", on_click=EsiaRegisterState.toggle_password,
                aria_label=rx.cond(EsiaRegisterState.show_password, "Скрыть пароль", "Показать пароль"),
                id="reg-toggle-password",
            ),
            width="100%",
            spacing="2",
        ),
        rx.box(
            rx.text("Пароль должен содержать:", size="3"),
            rx.el.ul(*[rx.el.li(rule) for rule in PASSWORD_RULES], style={"paddingLeft": "22px", "margin": "0"}),
            id="reg-password-rules",
            style={"fontSize": text_px(16)},
        ),
        field_error(EsiaRegisterState.password_error, field_id="reg-password"),
        spacing="1",
        width="100%",
    )


def _snils_field() -> rx.Component:
    return labelled_field(
        "СНИЛС",
        big_input(id="reg-snils", name="snils", value=EsiaRegisterState.snils, on_change=EsiaRegisterState.set_snils,
                  placeholder="123-456-789 01", input_mode="numeric", auto_complete="off"),
        EsiaRegisterState.snils_error,
        field_id="reg-snils",
    )


def _register_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            *_name_fields(),
            _contact_fields(),
            _password_field(),
            _snils_field(),
            field_error(EsiaRegisterState.form_error, field_id="reg-form"),
            rx.button("Зарегистрироваться", type="submit", size="4", width="100%", height="56px",
                      background=GOSUSLUGI_BLUE, id="reg-submit", style={"fontSize": text_px(20)}),
            spacing="4",
            width="100%",
        ),
        on_submit=EsiaRegisterState.submit,
        reset_on_submit=False,
        width="100%",
    )


def esia_register_page() -> rx.Component:
    return provider_page(
        rx.vstack(
            rx.heading("Регистрация", as_="h1", size="7"),
            rx.text("учётной записи для входа в ГИС ЖКХ", color_scheme="gray", size="3"),
            rx.callout(DEMO_NOTE, icon="info", color_scheme="blue", size="2", id="reg-demo-note"),
            rx.cond(
                EsiaRegisterState.request_error != "",
                rx.callout(EsiaRegisterState.request_error, icon="triangle-alert", color_scheme="red",
                           id="reg-request-error"),
                _register_form(),
            ),
            provider_offer(EsiaRegisterState.request_query, "Уже есть учётная запись?",
                           provider_link("Войти", EsiaRegisterState.sign_in_href, link_id="reg-sign-in")),
            provider_link("Вернуться в ГИС ЖКХ", paths.START, link_id="reg-back"),
            spacing="4",
            width="100%",
        ),
    )
