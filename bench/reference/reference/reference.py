"""A minimal Reflex page: 30 checkboxes and a total the server computes after every click.

bench/payment_page.py measures the payment page against this page in the same run, so the
figures it reports are ratios to what Reflex itself costs on this machine, not bare milliseconds.
"""

import reflex as rx

AMOUNTS = [(index + 1) * 1_000 for index in range(30)]
"""Kopecks of each line: 10,00 ₽ … 300,00 ₽."""


def _rubles(kopecks: int) -> str:
    rubles, rest = divmod(kopecks, 100)
    return f"{rubles:,}".replace(",", "\u00a0") + f",{rest:02d}\u00a0₽"


class TotalState(rx.State):
    total_text: str = _rubles(sum(AMOUNTS))
    _ticked: list[bool] = [True] * len(AMOUNTS)

    @rx.event
    def toggle(self, index: int, checked: bool):
        if 0 <= index < len(AMOUNTS):
            self._ticked[index] = bool(checked)
            self.total_text = _rubles(sum(amount for amount, on in zip(AMOUNTS, self._ticked, strict=True) if on))


def _line(index: int) -> rx.Component:
    return rx.hstack(
        rx.checkbox(default_checked=True, on_change=lambda checked: TotalState.toggle(index, checked),
                    class_name="document-check", size="3"),
        rx.text(f"Строка {index + 1}: {_rubles(AMOUNTS[index])}"),
        class_name="payment-document",
    )


def index() -> rx.Component:
    return rx.vstack(
        rx.heading("Эталон: 30 флажков и итог с сервера"),
        rx.box(*[_line(i) for i in range(len(AMOUNTS))], class_name="payable-account"),
        rx.text(TotalState.total_text, id="payment-total", size="7"),
    )


app = rx.App()
app.add_page(index, route="/")
