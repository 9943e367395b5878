"""«Сумма платежа»: checking a typed amount and adding up a selection of payment documents.

Pure Python, no database and no Reflex: the payment page's state keeps a
compact selection (one ``DocumentChoice`` per document) and derives every
account sum, the total and whether «Далее» is enabled from it with
``selection_figures``; the server re-checks the same rules in
``services.payments.page.confirm_selection``.

Rules (issue #4):

* An amount may be typed the Russian way or not («1 234,56», «1234.56», «1234»);
  ``money.parse_rubles`` reads it and gives the message for empty text, letters,
  more than two decimals and a minus.
* Zero is refused («Сумма должна быть больше нуля»), so is anything above the
  per-document cap (``settings.max_document_payment_kopecks``).
* Paying more than is due is allowed up to the cap and labelled «Аванс»; paying
  less is allowed and labelled «Частичная оплата».
* An invalid amount (``amount_kopecks is None``) never counts towards a sum, and
  «Далее» stays disabled while any selected document has one or the total is zero.

Money is ``int`` kopecks throughout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gkh_web.domain.money import MoneyError, format_rubles, parse_rubles

MSG_ZERO = "Сумма должна быть больше нуля"
NOTE_ADVANCE = "Аванс"
NOTE_PARTIAL = "Частичная оплата"

STATUS_UNPAID = "unpaid"
STATUS_PARTIALLY_PAID = "partially_paid"
STATUS_PAID = "paid"
STATUS_IN_PROGRESS = "in_progress"

STATUS_TEXTS: dict[str, str] = {
    STATUS_UNPAID: "Не оплачен",
    STATUS_PARTIALLY_PAID: "Оплачен частично",
    STATUS_PAID: "Оплачен",
    STATUS_IN_PROGRESS: "Платёж в обработке",
}
"""What the documents list says about each status."""


def cap_message(cap_kopecks: int) -> str:
    """«Не больше 500 000,00 ₽ по одному документу» for the configured cap."""
    return f"Не больше {format_rubles(cap_kopecks)} по одному документу"


@dataclass(frozen=True)
class AmountCheck:
    """Result of checking one typed «Сумма платежа».

    ``kopecks`` is None when the text is not acceptable; then ``error`` holds the
    Russian message to show next to the field and ``note`` is empty. Otherwise
    ``error`` is "" and ``note`` is «Аванс» (above the amount due), «Частичная
    оплата» (below it) or "" (exactly the amount due).
    """

    kopecks: int | None
    error: str
    note: str

    @property
    def ok(self) -> bool:
        return self.kopecks is not None


def amount_note(kopecks: int, due_kopecks: int) -> str:
    """«Аванс» above the amount due, «Частичная оплата» below, "" when equal."""
    if kopecks > due_kopecks:
        return NOTE_ADVANCE
    if kopecks < due_kopecks:
        return NOTE_PARTIAL
    return ""


def check_document_amount(text: str, *, due_kopecks: int, cap_kopecks: int) -> AmountCheck:
    """Read and check the amount typed for one payment document; never raises for bad text."""
    try:
        kopecks = parse_rubles(text if isinstance(text, str) else "")
    except MoneyError as error:
        return AmountCheck(None, str(error), "")
    if kopecks == 0:
        return AmountCheck(None, MSG_ZERO, "")
    if kopecks > cap_kopecks:
        return AmountCheck(None, cap_message(cap_kopecks), "")
    return AmountCheck(kopecks, "", amount_note(kopecks, due_kopecks))


def document_status(*, total_kopecks: int, paid_kopecks: int, in_progress: bool) -> str:
    """Status of a payment document on the payment page.

    A payment in progress wins (the resident must see it before paying again);
    otherwise «Оплачен» when nothing is left to pay, «Оплачен частично» when
    something but not everything has been paid, else «Не оплачен».
    """
    if in_progress:
        return STATUS_IN_PROGRESS
    if paid_kopecks >= total_kopecks:
        return STATUS_PAID
    if paid_kopecks > 0:
        return STATUS_PARTIALLY_PAID
    return STATUS_UNPAID


@dataclass(frozen=True)
class DocumentChoice:
    """One payment document in the selection: is it ticked, and the checked amount (None = invalid)."""

    document_id: int
    account_id: int
    selected: bool
    amount_kopecks: int | None


def _counted(choice: DocumentChoice) -> int:
    """What one choice adds to the sums: its amount if selected and valid, else nothing."""
    if choice.selected and choice.amount_kopecks is not None:
        return choice.amount_kopecks
    return 0


@dataclass(frozen=True)
class SelectionFigures:
    """Every figure the payment page shows for a selection, computed in one pass.

    ``account_kopecks``: each account's «Сумма платежа» (0 for an account with nothing counted,
    an unticked one included); ``total_kopecks``: «Итого»; ``can_proceed``: «Далее» is enabled.
    """

    account_kopecks: dict[int, int]
    total_kopecks: int
    can_proceed: bool


def selection_figures(choices: Iterable[DocumentChoice], account_ids: Iterable[int] = ()) -> SelectionFigures:
    """The seed's rule: an account's «Сумма платежа» is the sum over its selected documents.

    A selected document with an invalid amount counts nothing and keeps «Далее» off, as does a
    total of zero. ``account_ids`` lists the accounts shown, so each gets a figure even when none
    of its documents counts.
    """
    sums = dict.fromkeys(account_ids, 0)
    invalid = False
    for choice in choices:
        sums[choice.account_id] = sums.get(choice.account_id, 0) + _counted(choice)
        invalid = invalid or (choice.selected and choice.amount_kopecks is None)
    total = sum(sums.values())
    return SelectionFigures(sums, total, not invalid and total > 0)
