"""``/agreement`` — «Доступ гражданина в личный кабинет ГИС ЖКХ» (first sign-in, or a new agreement version)."""

import reflex as rx

from gkh_web.components.fields import big_input, labelled_field
from gkh_web.components.layout import page_frame
from gkh_web.components.text_size import text_px
from gkh_web.state.agreement import AgreementSection, AgreementState


def _fact(label: str, value: rx.Var[str], fact_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", color_scheme="gray"),
        rx.text(value, size="4", weight="medium", id=fact_id),
        spacing="0",
    )


def _section(section: AgreementSection) -> rx.Component:
    return rx.vstack(
        rx.heading(section.title, as_="h3", size="4"),
        rx.text(section.text, size="3", white_space="pre-line"),
        spacing="1",
        width="100%",
    )


def _agreement_dialog() -> rx.Component:
    """Opens and closes in the browser alone: reading the agreement needs no server round trip."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button("Пользовательского соглашения", variant="ghost", size="4", id="agreement-open", type="button",
                      style={"minHeight": "44px", "textDecoration": "underline", "fontSize": text_px(18)}),
        ),
        rx.dialog.content(
            rx.dialog.title(AgreementState.agreement_title, size="6"),
            rx.dialog.description("Редакция ", AgreementState.agreement_version, size="2", color_scheme="gray"),
            rx.scroll_area(
                rx.vstack(rx.foreach(AgreementState.sections, _section), spacing="4", padding_right="12px"),
                type="always", scrollbars="vertical", style={"maxHeight": "55vh"},
            ),
            rx.hstack(
                rx.dialog.close(rx.button("Закрыть", size="4", variant="soft", id="agreement-close")),
                justify="end",
                margin_top="16px",
            ),
            max_width="760px",
            id="agreement-dialog",
        ),
    )


def _consent_form() -> rx.Component:
    """The e-mail and the acceptance; «Продолжить» submits the form, so the e-mail sent is what is typed."""
    return rx.form(
        rx.vstack(
            labelled_field(
                "Электронная почта для уведомлений и квитанций",
                # Uncontrolled: nothing from the server can overwrite what the resident is typing.
                big_input(id="profile-email", name="email", default_value=AgreementState.email,
                          type="email", input_mode="email", auto_complete="off"),
                AgreementState.email_error,
                field_id="profile-email",
                hint=("При необходимости измените адрес: он сохранится в ГИС ЖКХ, "
                      "учётная запись на Госуслугах не изменится."),
            ),
            rx.hstack(
                # named (Reflex 0.11 drops controls submitted by id); the state reads its own `accepted`, not the form
                rx.checkbox(checked=AgreementState.accepted, on_change=AgreementState.set_accepted, size="3",
                            id="agreement-accept", name="agreement-accept"),
                rx.el.label("Я принимаю условия ", html_for="agreement-accept", style={"fontSize": text_px(18)}),
                _agreement_dialog(),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.button("Продолжить", size="4", height="56px", width=["100%", "100%", "320px"], type="submit",
                      disabled=~AgreementState.accepted, id="agreement-continue"),
            spacing="5",
            width="100%",
            align="start",
        ),
        on_submit=AgreementState.proceed,
        reset_on_submit=False,
        width="100%",
    )


def agreement_page() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.heading("Доступ гражданина в личный кабинет ГИС ЖКХ", as_="h1", size="7"),
            rx.text("Сведения получены из вашей учётной записи на Госуслугах (ЕСИА).", size="4", color_scheme="gray"),
            rx.card(
                rx.grid(
                    _fact("ФИО", AgreementState.fio, "profile-fio"),
                    _fact("СНИЛС", AgreementState.snils, "profile-snils"),
                    _fact("Телефон", AgreementState.phone, "profile-phone"),
                    columns=rx.breakpoints(initial="1", sm="3"),
                    spacing="4",
                    width="100%",
                ),
                width="100%",
                size="3",
            ),
            rx.cond(AgreementState.fio != "", _consent_form(), rx.spinner(size="3")),
            spacing="5",
            width="100%",
            align="start",
        ),
    )
