"""The line about a payment's receipt letter, the same on the result page and in «Мои платежи»."""

from __future__ import annotations

import reflex as rx


def _var(value: rx.Var[str] | str) -> rx.Var[str]:
    """A foreach row's field is a Var at run time but typed as the row's plain ``str``."""
    return value if isinstance(value, rx.Var) else rx.Var.create(value)


def mail_line(text: rx.Var[str] | str, state: rx.Var[str] | str, **props) -> rx.Component:
    """«Квитанция отправлена на …» (green), «… — повторим» (amber), a final refusal (red), else grey."""
    text, state = _var(text), _var(state)
    color = rx.match(state, ("sent", "green"), ("retrying", "amber"), ("failed", "red"), "gray")
    icon = rx.match(state, ("sent", rx.icon("mail-check", size=18, aria_hidden="true")),
                    ("failed", rx.icon("mail-x", size=18, aria_hidden="true")),
                    rx.icon("mail", size=18, aria_hidden="true"))
    return rx.cond(
        text != "",
        rx.hstack(icon, rx.text(text, size="3", color_scheme=color, high_contrast=True, overflow_wrap="anywhere"),
                  align="center", spacing="2", **props),
    )
