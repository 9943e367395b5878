"""``/pay/document?ref=…`` — «Платёжный документ» with its ГОСТ Р 56042 QR code, printable.

The address names no database id: the payment page hands out a random reference (``_issue``, underscored
so that no browser can call it) kept in this tab's server state, and the page opens only what that
reference names, for the resident who got it, after the services' ownership check
(``services.payments.document_sheet``). A reference from another tab, another sign-in or a guess
finds nothing.
"""

from __future__ import annotations

import secrets

import reflex as rx

from gkh_web.db.threads import in_transaction
from gkh_web.services.accounts import AccessDenied
from gkh_web.services.payments.document_sheet import document_sheet
from gkh_web.services.payments.page import DocumentServices, RecipientRequisites
from gkh_web.services.qr_image import qr_svg
from gkh_web.settings import get_settings
from gkh_web.state.event import event
from gkh_web.state.resident import ResidentPage

MAX_REFERENCES = 50
"""References kept per tab (the newest): a long visit does not grow the state without end."""
NO_SERVICES = DocumentServices(0, [], 0, "", 0, "", "", 0, "", 0, "")
NO_RECIPIENT = RecipientRequisites("", "", "", "", "", "", "")


class PaymentDocumentState(ResidentPage, rx.State):
    loaded: rx.Field[bool] = rx.field(False)
    found: rx.Field[bool] = rx.field(False)
    number: rx.Field[str] = rx.field("")
    ipd: rx.Field[str] = rx.field("")
    period_text: rx.Field[str] = rx.field("")
    due_date_text: rx.Field[str] = rx.field("")
    account_number: rx.Field[str] = rx.field("")
    els: rx.Field[str] = rx.field("")
    izhku: rx.Field[str] = rx.field("")
    address: rx.Field[str] = rx.field("")
    provider_name: rx.Field[str] = rx.field("")
    recipient: rx.Field[RecipientRequisites] = rx.field(default_factory=lambda: NO_RECIPIENT)
    services: rx.Field[DocumentServices] = rx.field(default_factory=lambda: NO_SERVICES)
    paid_text: rx.Field[str] = rx.field("")
    due_text: rx.Field[str] = rx.field("")
    qr: rx.Field[str] = rx.field("")
    """The ГОСТ Р 56042 code as inline SVG, drawn on the server; "" when there is none (see ``qr_note``)."""
    qr_note: rx.Field[str] = rx.field("")
    can_print: rx.Field[bool] = rx.field(False)
    _references: dict[str, tuple[int, int]] = {}
    """reference → (resident, document)."""

    def _issue(self, resident_id: int, document_id: int) -> str:
        """A new reference to one of the resident's documents, for this tab only."""
        reference = secrets.token_urlsafe(16)
        kept = list(self._references.items())[-(MAX_REFERENCES - 1):]
        self._references = {**dict(kept), reference: (resident_id, document_id)}
        return reference

    @event
    async def open_page(self):
        refused = await self.admit()
        if refused:
            self.loaded = False
            return refused
        await self._show(self.router.url.query_parameters.get("ref", ""))

    async def _show(self, reference: str) -> None:
        """The document ``reference`` names, if this tab issued it to the resident now signed in here."""
        resident_id = self._resident_id
        owner, document_id = self._references.get(reference, (0, 0)) if isinstance(reference, str) else (0, 0)
        self.loaded, self.found, self.can_print = True, False, get_settings().can_print
        if not resident_id or owner != resident_id or not document_id:
            return
        try:
            sheet = await in_transaction(lambda session: document_sheet(session, document_id, resident_id=resident_id))
        except AccessDenied:  # the account was unlinked since: the document is not the resident's any more
            return
        self.number, self.ipd, self.period_text = sheet.number, sheet.ipd, sheet.period_text
        self.due_date_text, self.account_number = sheet.due_date_text, sheet.account_number
        self.els, self.izhku, self.address = sheet.els, sheet.izhku, sheet.address
        self.provider_name = sheet.provider_name
        self.recipient, self.services = sheet.recipient, sheet.services
        self.paid_text, self.due_text = sheet.paid_text, sheet.due_text
        self.qr, self.qr_note = (qr_svg(sheet.qr_payload) if sheet.qr_payload else ""), sheet.qr_note
        self.found = True

    @event
    def print_document(self):
        """«Напечатать»: the browser's print of this page (kiosk.css's ``@media print`` keeps only the document)."""
        if self.found and self.can_print:
            return rx.call_script("window.print()")
