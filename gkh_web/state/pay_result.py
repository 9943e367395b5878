"""The result page the gateway sends the browser back to: success, failure, or «обрабатывается»."""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from gkh_web.db.threads import in_transaction
from gkh_web.domain import payment_states as ps
from gkh_web.services import payments
from gkh_web.services.payments import PaymentItemView, gateway_pages
from gkh_web.services.payments.gateway_factory import current_gateway
from gkh_web.services.payments.receipt_link import receipt_link
from gkh_web.services.payments.receipt_pdf import receipt_pdf
from gkh_web.services.qr_image import qr_svg
from gkh_web.settings import get_settings
from gkh_web.state.event import event
from gkh_web.state.resident import ResidentPage

POLL_SECONDS = 2
POLL_ROUNDS = 60


class PaymentResultState(ResidentPage, rx.State):
    found: rx.Field[bool] = rx.field(False)
    number: rx.Field[str] = rx.field("")
    created_text: rx.Field[str] = rx.field("")
    amount_text: rx.Field[str] = rx.field("")
    status: rx.Field[str] = rx.field("")
    status_text: rx.Field[str] = rx.field("")
    in_progress: rx.Field[bool] = rx.field(False)
    card_text: rx.Field[str] = rx.field("")
    method_text: rx.Field[str] = rx.field("")
    items: rx.Field[list[PaymentItemView]] = rx.field(default_factory=list)
    continue_url: rx.Field[str] = rx.field("")
    commission_text: rx.Field[str] = rx.field("")
    charged_text: rx.Field[str] = rx.field("")
    status_name: rx.Field[str] = rx.field("")
    failure_text: rx.Field[str] = rx.field("")
    pending_text: rx.Field[str] = rx.field("")
    nothing_charged: rx.Field[bool] = rx.field(False)
    mail_text: rx.Field[str] = rx.field("")
    mail_state: rx.Field[str] = rx.field("")
    kiosk: rx.Field[bool] = rx.field(False)
    """On a shared kiosk (``GKH_KIOSK``): no file is saved on it; the receipt goes to the phone by QR code."""
    can_print: rx.Field[bool] = rx.field(False)
    """The kiosk has a printer (``GKH_KIOSK_PRINTER``): «Напечатать»."""
    receipt_qr: rx.Field[str] = rx.field("")
    """The QR code of the receipt link as inline SVG, drawn on the server (kiosk and a succeeded payment only)."""
    receipt_link_until: rx.Field[str] = rx.field("")
    _public_id: str = ""
    _polling: bool = False

    @event
    async def open_page(self):
        refused = await self.admit()
        if refused:
            return refused
        self._public_id = self.router.url.query_parameters.get("payment", "")
        self.receipt_qr, self.receipt_link_until = "", ""  # a fresh link for every opening of the page
        await payments.refresh_from_gateway(self._public_id, current_gateway())
        await self._show()
        if self.in_progress:
            return PaymentResultState.watch

    async def _show(self) -> None:
        resident_id, public_id = self._resident_id, self._public_id
        view = await in_transaction(lambda session: payments.payment_view(session, resident_id, public_id))
        self.found = view is not None
        if view is None:
            return
        self.number, self.created_text, self.amount_text = view.number, view.created_text, view.amount_text
        self.status, self.status_text, self.in_progress = view.status, view.status_text, view.in_progress
        self.card_text, self.method_text, self.items = view.card_text, view.method_text, view.items
        self.continue_url = view.continue_url
        self.commission_text, self.charged_text = view.commission_text, view.charged_text
        self.status_name, self.failure_text, self.pending_text = view.status_name, view.failure_text, view.pending_text
        self.nothing_charged = view.nothing_charged
        self.mail_text, self.mail_state = view.mail_text, view.mail_state
        settings = get_settings()
        self.kiosk, self.can_print = settings.kiosk, settings.kiosk and settings.kiosk_printer
        if self.kiosk and view.status == ps.SUCCEEDED and not self.receipt_qr:
            link = receipt_link(view.public_id)  # 15 minutes from now: the resident is at the kiosk
            self.receipt_qr, self.receipt_link_until = qr_svg(link.url), link.until_text

    @event
    def continue_payment(self):
        """«Продолжить оплату»: back to the gateway's page (a full page load: it is not a route of this app)."""
        if not (self.in_progress and self.continue_url):
            return
        target = gateway_pages.browser_address(self.continue_url)  # checked again: it is followed now
        if target is None:
            return
        return rx.call_script(f"window.location.assign({json.dumps(target)})")

    @event
    async def download_receipt(self):
        """«Скачать квитанцию (PDF)»: built from the database for the signed-in resident's own payment."""
        resident_id = await self.signed_in_resident()
        if resident_id is None:
            return self.to_start()
        if get_settings().kiosk:
            return  # nothing is saved on a shared kiosk: the receipt leaves by QR code (or on paper)
        public_id = self._public_id
        view = await in_transaction(lambda session: payments.payment_view(session, resident_id, public_id))
        if view is None or view.status != ps.SUCCEEDED:
            return
        pdf = await asyncio.to_thread(receipt_pdf, view)
        return rx.download(data=pdf, filename=f"kvitanciya-{view.number}.pdf")

    @event
    def print_receipt(self):
        """«Напечатать» on a kiosk with a printer: the browser's print of this page (``@media print`` in
        kiosk.css leaves only the receipt)."""
        if self.can_print and self.status == ps.SUCCEEDED:
            return rx.call_script("window.print()")

    @event(background=True)
    async def watch(self):
        """«Платёж обрабатывается»: ask again every few seconds until the outcome is known."""
        async with self:
            if self._polling:
                return
            self._polling = True
            public_id = self._public_id
        try:
            for _ in range(POLL_ROUNDS):
                await asyncio.sleep(POLL_SECONDS)
                await payments.refresh_from_gateway(public_id, current_gateway())
                async with self:
                    await self._show()
                    if not self.in_progress:
                        return
        finally:
            async with self:
                self._polling = False
