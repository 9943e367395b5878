"""Form fields for a touch screen: a visible label, a big input and its error right below."""

from __future__ import annotations

import reflex as rx

from gkh_web.components.text_size import text_px

ERROR_RED = "#C62828"


def field_error(message: rx.Var[str], *, field_id: str) -> rx.Component:
    """The message next to the field (announced by screen readers when it appears)."""
    return rx.cond(
        message != "",
        rx.text(message, color=ERROR_RED, size="3", id=f"{field_id}-error", role="alert"),
    )


def labelled_field(label: str, control: rx.Component, error: rx.Var[str] | None = None, *,
                   field_id: str, hint: str | None = None) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style={"fontWeight": "600", "fontSize": text_px(17)}),
        control,
        *([rx.text(hint, size="2", color_scheme="gray")] if hint else []),
        *([field_error(error, field_id=field_id)] if error is not None else []),
        spacing="1",
        width="100%",
    )


def big_input(**props) -> rx.Component:
    """An input sized for fingers (48 px high, 18 px text)."""
    style = {"height": "48px", "fontSize": text_px(18), **props.pop("style", {})}
    return rx.input(size="3", width="100%", style=style, **props)
