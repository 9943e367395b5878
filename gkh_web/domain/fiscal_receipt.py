"""The fiscal receipt (чек по 54-ФЗ) of a payment: which lines it has and who receives it (pure: no HTTP, no DB).

An online payment for services needs a cash receipt sent to the payer. With «Чеки от ЮKassa» (or a
shop's own online cash register behind YooKassa) the acquirer registers it from the ``receipt`` object
sent with the payment, so the receipt must describe exactly what the payer is charged:

* one line per payment document (квитанция) with the amount paid for it — not per service: a partial
  payment or an advance has no per-service split, and the documents are what the providers are paid;
* one more line «Комиссия за приём платежа» when a commission is charged (it is part of the amount the
  payer pays, so it is part of the receipt; no line when it is zero);
* the lines add up to the payment's amount to the kopeck — checked here, not hoped for;
* at most ``MAX_LINES`` lines (the acquirer's limit): documents past the 99th are merged into one line
  «Прочие платёжные документы», so even «Большой Набор» (360 documents) gets a valid receipt;
* each description at most ``MAX_DESCRIPTION`` characters, cut on a character, never on a byte;
* the receipt goes to an e-mail or, without one, a phone (``customer``); with neither there is no receipt.

Every line is a service paid in full at once (``payment_mode`` full_payment, ``payment_subject``
service) with one VAT code (``vat_code``; 1 = «без НДС», the usual case of ЖКУ through a payment agent);
a shop whose lawyers say otherwise sets its own code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_LINES = 100
MAX_DESCRIPTION = 128
COMMISSION_DESCRIPTION = "Комиссия за приём платежа"
VAT_CODES = range(1, 13)
"""YooKassa's ``vat_code`` values (1 «без НДС» … 12); anything else is a broken setting."""


class ReceiptError(ValueError):
    """No valid receipt can be made (no contact, a line that is not money, a sum that does not add up)."""


@dataclass(frozen=True)
class DocumentCharge:
    """What one payment document gets from the payment, and how the receipt names it."""

    description: str
    amount_kopecks: int


@dataclass(frozen=True)
class ReceiptLine:
    description: str
    amount_kopecks: int
    quantity: int = 1


@dataclass(frozen=True)
class FiscalReceipt:
    """The receipt's lines and its one recipient (an e-mail, else a phone as digits «79035550101»)."""

    lines: tuple[ReceiptLine, ...]
    email: str | None
    phone: str | None
    vat_code: int

    @property
    def total_kopecks(self) -> int:
        return sum(line.amount_kopecks * line.quantity for line in self.lines)


def document_description(period: str, document_number: str, account_number: str) -> str:
    """«ЖКУ за октябрь 2026, ПД № 77-1001027-2610, л/с 1001027» cut to the limit."""
    return clip(f"ЖКУ за {period}, ПД № {document_number}, л/с {account_number}")


def clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """One line of text within ``limit`` characters (a cut ends with «…»)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _contact(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    if email and email.strip():
        return email.strip(), None
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) == 11 and digits.startswith("7"):
        return None, digits
    raise ReceiptError("a receipt needs the payer's e-mail or mobile phone")


def _lines(documents: Sequence[DocumentCharge]) -> list[ReceiptLine]:
    lines = [ReceiptLine(clip(d.description), d.amount_kopecks) for d in documents]
    if len(lines) < MAX_LINES:
        return lines
    kept, rest = lines[: MAX_LINES - 2], lines[MAX_LINES - 2:]
    merged = ReceiptLine(f"Прочие платёжные документы ЖКУ ({len(rest)} шт.)", sum(x.amount_kopecks for x in rest))
    return [*kept, merged]


def build_receipt(
    documents: Sequence[DocumentCharge],
    *,
    commission_kopecks: int,
    charged_kopecks: int,
    email: str | None,
    phone: str | None = None,
    vat_code: int = 1,
) -> FiscalReceipt:
    """The receipt of a payment that charges ``charged_kopecks`` = Σ documents + ``commission_kopecks``.

    Raises ReceiptError when there is no document, a document amount is not a positive whole number of
    kopecks, the commission is negative, the lines do not add up to what is charged, or nobody can be
    sent the receipt.
    """
    if not documents:
        raise ReceiptError("a receipt needs at least one document")
    for amount in [d.amount_kopecks for d in documents]:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ReceiptError("a document's amount must be a positive whole number of kopecks")
    if not isinstance(commission_kopecks, int) or commission_kopecks < 0:
        raise ReceiptError("a commission is a non-negative whole number of kopecks")
    if vat_code not in VAT_CODES:
        raise ReceiptError(f"unknown vat_code {vat_code!r}")
    lines = _lines(documents)
    if commission_kopecks:
        lines = [*lines, ReceiptLine(COMMISSION_DESCRIPTION, commission_kopecks)]  # _lines left room for it
    email_to, phone_to = _contact(email, phone)
    receipt = FiscalReceipt(tuple(lines), email_to, phone_to, vat_code)
    if receipt.total_kopecks != charged_kopecks:
        raise ReceiptError(f"receipt lines add up to {receipt.total_kopecks}, the payment charges {charged_kopecks}")
    return receipt
