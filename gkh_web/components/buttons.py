"""A link that looks like a big button: one element, so screen readers and axe see a plain link."""

import reflex as rx


def link_button(*children, href: str, link_id: str, **button_props) -> rx.Component:
    return rx.button(
        rx.link(*children, href=href, id=link_id, underline="none"),
        as_child=True,
        **button_props,
    )
