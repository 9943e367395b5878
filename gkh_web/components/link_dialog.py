"""The «Подключить лицевой счёт» dialog with all requisites (or the ЕЛС / ИЖКУ from the bill)."""

import reflex as rx
from reflex.vars import ObjectVar

from gkh_web.components.fields import big_input, field_error, labelled_field
from gkh_web.components.house_picker import house_suggestions
from gkh_web.components.text_size import large_text_class, text_px
from gkh_web.services.accounts import ProviderChoice
from gkh_web.state.link_account import BY_ADDRESS, BY_IDENTIFIER, LinkAccountState


def _error(field: str) -> rx.Var[str]:
    return LinkAccountState.errors.get(field, "")  # type: ignore[attr-defined]  # a dict state var is an ObjectVar; mypy misreads rx.Field's overloads


def _provider_option(provider: ObjectVar[ProviderChoice]) -> rx.Component:
    return rx.select.item(provider.name, value=provider.provider_id.to_string())


def _by_address() -> rx.Component:
    return rx.vstack(
        labelled_field(
            "Регион",
            rx.select.root(
                rx.select.trigger(placeholder="Выберите регион", width="100%", id="link-region",
                                  style={"height": "48px", "fontSize": text_px(18)}),
                rx.select.content(rx.foreach(LinkAccountState.regions, lambda r: rx.select.item(r, value=r))),
                value=LinkAccountState.region, on_change=LinkAccountState.set_region, size="3",
            ),
            _error("region"), field_id="link-region",
        ),
        labelled_field(
            "Дом (улица и номер дома)",
            big_input(id="link-house", value=LinkAccountState.house_query,
                      on_change=LinkAccountState.set_house_query.debounce(250),
                      placeholder="Например: Лесная 12", auto_complete="off"),
            _error("house"), field_id="link-house",
        ),
        house_suggestions(LinkAccountState.houses, LinkAccountState.choose_house),
        rx.grid(
            labelled_field(
                "Квартира (помещение)",
                big_input(id="link-flat", name="flat",
                          placeholder="Например: 27", auto_complete="off"),
                _error("flat"), field_id="link-flat",
            ),
            labelled_field(
                "Номер лицевого счёта",
                big_input(id="link-account-number", name="account_number", auto_complete="off"),
                _error("account_number"), field_id="link-account-number",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        labelled_field(
            "Организация, выставляющая счёт",
            rx.select.root(
                rx.select.trigger(placeholder=rx.cond(LinkAccountState.house_id == 0, "Сначала выберите дом",
                                                      "Выберите организацию"),
                                  width="100%", id="link-provider", style={"height": "48px", "fontSize": text_px(18)}),
                rx.select.content(rx.foreach(LinkAccountState.providers, _provider_option)),
                value=LinkAccountState.provider_id, on_change=LinkAccountState.set_provider, size="3",
                disabled=LinkAccountState.house_id == 0,
            ),
            _error("provider"), field_id="link-provider",
        ),
        spacing="3",
        width="100%",
    )


def _by_identifier() -> rx.Component:
    return labelled_field(
        "ЕЛС или идентификатор ЖКУ из квитанции",
        big_input(id="link-identifier", name="identifier",
                  placeholder="Например: 77АБ123456 или 77АБ123456-01", auto_complete="off"),
        _error("identifier"), field_id="link-identifier",
        hint="ЕЛС — 10 знаков, идентификатор ЖКУ — 13 знаков; они напечатаны в платёжном документе.",
    )


def link_account_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Подключить лицевой счёт", size="6"),
            rx.dialog.description("Заполните реквизиты из платёжного документа.", size="3", color_scheme="gray"),
            rx.form(rx.vstack(
                rx.segmented_control.root(
                    rx.segmented_control.item("По адресу", value=BY_ADDRESS),
                    rx.segmented_control.item("По ЕЛС, ИЖКУ", value=BY_IDENTIFIER),
                    value=LinkAccountState.method, on_change=LinkAccountState.set_method, size="3", width="100%",
                ),
                rx.cond(LinkAccountState.method == BY_IDENTIFIER, _by_identifier(), _by_address()),
                field_error(_error("form"), field_id="link-form"),
                rx.hstack(  # stuck to the dialog's bottom: reachable on a phone whatever the form's length
                    rx.dialog.close(rx.button("Отмена", variant="soft", color_scheme="gray", size="4", type="button")),
                    rx.button("Подключить", size="4", type="submit", id="link-submit"),
                    justify="end",
                    spacing="3",
                    width="100%",
                    position="sticky",
                    bottom="0",
                    background="var(--color-panel-solid)",
                    padding_y="12px",
                    class_name="link-dialog-actions",
                ),
                spacing="4",
                width="100%",
                margin_top="12px",
            ), on_submit=LinkAccountState.submit, reset_on_submit=False),
            max_width="640px",
            padding=rx.breakpoints(initial="16px", sm="24px"),
            id="link-dialog",
            class_name=large_text_class(),
        ),
        open=LinkAccountState.dialog_open,
        on_open_change=LinkAccountState.set_dialog_open,
    )
