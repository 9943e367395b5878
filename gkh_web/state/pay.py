"""«Оплата жилищно-коммунальных услуг»: what can be paid, the resident's selection, the confirmation.

Four states, split by how often they change, because Reflex re-renders every component that
reads a state when that state changes:

* ``PayPageState`` holds the page's rows (accounts, documents, services opened on demand).
  They are sent once when the page opens.
* ``PaySelectionState`` holds the selection: the server's copy of every tick and typed
  amount lives in backend-only vars; its public vars (what the rows start from) change only
  when the page opens. The checkboxes and amount fields in the browser are uncontrolled, so
  nothing is re-sent to keep them in sync.
* ``PayFiguresState``: every account's «Сумма платежа», «Итого» and «Далее», recomputed by the
  domain after each tick or edit and sent whole (it grows with accounts, not documents).
* ``PayMessagesState``: the messages at the amount fields, changed only by an edit.

Nothing here is the record: «Далее» re-reads every document from the database and
re-checks ownership, status and amounts (``payment_page.confirm_selection``).

The commission: «Выбор способа оплаты» asks the gateway for each method's rate
(``services.payments.commission``) and shows the commission and «Итого с комиссией» of the
confirmed sum. «Перейти к оплате» asks again and creates the payment from the database's sum
and the gateway's rate; if that is not what the screen showed, nothing is created and the
new figures are shown. When the gateway cannot tell its rates, no figure is named and no
payment starts.
"""

from __future__ import annotations

import json

import reflex as rx

from gkh_web import paths
from gkh_web.db.threads import in_transaction
from gkh_web.domain.allocation import (
    AmountCheck,
    DocumentChoice,
    SelectionFigures,
    check_document_amount,
    selection_figures,
)
from gkh_web.domain.contacts import ContactError, normalize_email
from gkh_web.domain.money import format_rubles
from gkh_web.services import payments
from gkh_web.services.accounts import AccessDenied, AccountLookupError
from gkh_web.services.identity import residents
from gkh_web.services.payments import page as payment_page
from gkh_web.services.payments.commission import MethodCharge, method_charge, method_rates
from gkh_web.services.payments.creation import ChargeChanged
from gkh_web.services.payments.gateway_factory import current_gateway
from gkh_web.services.payments.page import (
    ConfirmedAccount,
    ConfirmedItem,
    DocumentServices,
    PayableAccount,
    PaymentPage,
    SelectionError,
)
from gkh_web.settings import get_settings
from gkh_web.state.event import event
from gkh_web.state.limits import refusal
from gkh_web.state.pay_other import PayOtherState
from gkh_web.state.payment_document import PaymentDocumentState
from gkh_web.state.resident import ResidentPage

STEP_SELECT = "select"
STEP_CONFIRM = "confirm"
STEP_METHOD = "method"
METHODS = ("card", "wallet")
MSG_COMMISSION_UNKNOWN = (
    "Платёжная система не сообщила размер комиссии, поэтому оплатить сейчас нельзя. "
    "Нажмите «Узнать комиссию ещё раз» или попробуйте позже"
)


class PayFiguresState(rx.State):
    """What a tick or an edit changes on screen: every account's «Сумма платежа», «Итого», «Далее».

    Computed on the server by ``domain.allocation.selection_figures`` after every change and sent
    whole: the delta grows with the number of accounts, never with the documents. Only the
    components showing these figures read this state, so a toggle re-renders them and not the rows.
    """

    account_sums: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    total_text: rx.Field[str] = rx.field("")
    total_kopecks: rx.Field[int] = rx.field(0)
    can_proceed: rx.Field[bool] = rx.field(False)

    def show(self, figures: SelectionFigures) -> None:
        self.account_sums = {str(account_id): format_rubles(kopecks)
                             for account_id, kopecks in figures.account_kopecks.items()}
        self.total_kopecks = figures.total_kopecks
        self.total_text = format_rubles(figures.total_kopecks)
        self.can_proceed = figures.can_proceed


class PayMessagesState(rx.State):
    """The messages next to the amount fields («Аванс», «Частичная оплата», errors): change only on an edit."""

    errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    notes: rx.Field[dict[str, str]] = rx.field(default_factory=dict)

    def show(self, document_id: int, check: AmountCheck) -> None:
        key = str(document_id)
        errors, notes = _with(self.errors, key, check.error), _with(self.notes, key, check.note)
        if errors != self.errors:
            self.errors = errors
        if notes != self.notes:
            self.notes = notes


class PaySelectionState(rx.State):
    """The selection: ticks and amounts per document, ticks per account, kept on the server."""

    _due: dict[int, int] = {}
    _account_of: dict[int, int] = {}
    _selected: dict[int, bool] = {}
    _amounts: dict[int, int | None] = {}
    _amount_texts: dict[int, str] = {}
    _account_selected: dict[int, bool] = {}
    shown_checks: rx.Field[dict[str, bool]] = rx.field(default_factory=dict)
    """What the rows' checkboxes start from when they are built ("a<id>" accounts, "d<id>" documents).

    The checkboxes and amount fields are uncontrolled (a toggle sends only the figures back), so
    after a reload, a reconnect or a move to another worker the rows are built anew from the
    selection kept here; these change only when the page opens, never on a toggle."""
    shown_amounts: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    """Likewise the text in each document's «Сумма платежа» field."""

    async def start(self, page: PaymentPage) -> None:
        """Defaults from the seed: every account and every payable document selected, amount = due."""
        self._due, self._account_of, self._selected, self._amounts, self._amount_texts = {}, {}, {}, {}, {}
        self._account_selected = {account.account_id: True for account in page.accounts}
        for account in page.accounts:
            for document in account.documents:
                if document.selectable:
                    self._due[document.document_id] = document.due_kopecks
                    self._account_of[document.document_id] = account.account_id
                    self._selected[document.document_id] = True
                    self._amounts[document.document_id] = document.due_kopecks
                    self._amount_texts[document.document_id] = document.amount_text
        messages = await self.get_state(PayMessagesState)
        messages.errors, messages.notes = {}, {}
        await self.show_current()

    def fits(self, page: PaymentPage) -> bool:
        """The kept selection still applies: the same accounts, the same payable documents with the same dues."""
        due = {document.document_id: document.due_kopecks for account in page.accounts
               for document in account.documents if document.selectable}
        return due == self._due and {account.account_id for account in page.accounts} == set(self._account_selected)

    async def show_current(self) -> None:
        """The selection as it stands, for rows about to be built (the page opens or reopens)."""
        self.shown_checks = {
            **{f"a{account_id}": chosen for account_id, chosen in self._account_selected.items()},
            **{f"d{document_id}": chosen for document_id, chosen in self._selected.items()},
        }
        self.shown_amounts = {str(document_id): text for document_id, text in self._amount_texts.items()}
        await self._recount()

    def choices(self) -> list[DocumentChoice]:
        """The selection as the domain sees it: a document counts only if its account is selected too."""
        return [
            DocumentChoice(document_id, account_id,
                           self._selected[document_id] and self._account_selected.get(account_id, False),
                           self._amounts[document_id])
            for document_id, account_id in self._account_of.items()
        ]

    def typed_amounts(self) -> list[tuple[int, str]]:
        """(document, typed text) of everything selected, for the server-side re-check at «Далее»."""
        return [(choice.document_id, self._amount_texts[choice.document_id]) for choice in self.choices()
                if choice.selected]

    async def _recount(self) -> None:
        """Every figure from the domain's rule, sent after every change (nothing is added up in the browser)."""
        figures = selection_figures(self.choices(), self._account_selected)
        (await self.get_state(PayFiguresState)).show(figures)

    @event
    async def toggle_document(self, document_id: int, checked: bool):
        if document_id in self._selected:
            self._selected[document_id] = bool(checked)
            await self._recount()

    @event
    async def toggle_account(self, account_id: int, checked: bool):
        if account_id in self._account_selected:
            self._account_selected[account_id] = bool(checked)
            await self._recount()

    @event
    async def set_amount(self, document_id: int, text: str):
        if document_id not in self._due:
            return
        check = check_document_amount(str(text), due_kopecks=self._due[document_id],
                                      cap_kopecks=get_settings().max_document_payment_kopecks)
        self._amount_texts[document_id] = str(text)
        self._amounts[document_id] = check.kopecks
        (await self.get_state(PayMessagesState)).show(document_id, check)
        await self._recount()


def _with(messages: dict[str, str], key: str, message: str) -> dict[str, str]:
    """The messages with ``key`` set to ``message`` (or dropped when empty); a small dict either way."""
    updated = {k: v for k, v in messages.items() if k != key}
    if message:
        updated[key] = message
    return updated


class PayDocumentsState(rx.State):
    """Which accounts show their payment documents: the seed's «специальная иконка напротив номера
    лицевого счета». Changes only on that icon, never on a tick, so reading it in the rows costs
    nothing per tick. The rows stay mounted when hidden: their unticked boxes and typed amounts
    are not rebuilt (and so not lost) when the list opens again."""

    open_accounts: rx.Field[dict[str, bool]] = rx.field(default_factory=dict)

    def close_all(self) -> None:
        if self.open_accounts:
            self.open_accounts = {}

    @event
    async def toggle_documents(self, account_id: int):
        pay = await self.get_state(PayPageState)
        if not any(account.account_id == account_id for account in pay.accounts):
            return  # only the accounts on this page
        key = str(account_id)
        self.open_accounts = {**self.open_accounts, key: not self.open_accounts.get(key, False)}


class PayPageState(ResidentPage, rx.State):
    """The page's rows and which step is shown."""

    loaded: rx.Field[bool] = rx.field(False)
    rows_version: rx.Field[int] = rx.field(0)
    """The key of the rows' container: a new value makes the browser build them anew."""
    accounts: rx.Field[list[PayableAccount]] = rx.field(default_factory=list)
    empty_reason: rx.Field[str] = rx.field("")
    due_total_text: rx.Field[str] = rx.field("")
    """«Сумма к оплате» over every account, shown while the list is collapsed."""
    step: rx.Field[str] = rx.field(STEP_SELECT)
    public_mode: rx.Field[bool] = rx.field(False)
    services: rx.Field[dict[str, DocumentServices]] = rx.field(default_factory=dict)
    shown_services: rx.Field[dict[str, bool]] = rx.field(default_factory=dict)
    confirmed_items: rx.Field[list[ConfirmedItem]] = rx.field(default_factory=list)
    confirmed_accounts: rx.Field[list[ConfirmedAccount]] = rx.field(default_factory=list)
    confirmed_total_text: rx.Field[str] = rx.field("")
    confirm_error: rx.Field[str] = rx.field("")
    pay_error: rx.Field[str] = rx.field("")
    commission_known: rx.Field[bool] = rx.field(False)
    """The gateway told its rates: the method cards show figures and may be pressed."""
    card_commission_text: rx.Field[str] = rx.field("")
    card_charged_text: rx.Field[str] = rx.field("")
    wallet_commission_text: rx.Field[str] = rx.field("")
    wallet_charged_text: rx.Field[str] = rx.field("")
    mail_enabled: rx.Field[bool] = rx.field(False)
    """Receipts go out by e-mail (``GKH_SMTP_URL``): the confirmation offers the address."""
    receipt_email: rx.Field[str] = rx.field("")
    """Where this payment's receipt goes: the profile's address, or what the resident typed (checked)."""
    receipt_email_error: rx.Field[str] = rx.field("")
    _confirmed_total_kopecks: int = 0
    _shown_charges: dict[str, int] = {}
    """Method → sum + commission as the method cards show it: what «Перейти к оплате» may charge."""
    _loaded_for: tuple[int, int] = (0, 0)
    """(resident, another person's account or 0) the rows were read for."""
    _public_account_id: int = 0
    _payment_id: int = 0
    _payment_public_id: str = ""

    @event
    async def open_page(self):
        refused = await self.admit()
        if refused:
            self.loaded = False
            return refused
        resident_id = self._resident_id
        query = self.router.url.query_parameters
        public_account_id = 0
        if "ref" in query or "account" in query:
            # Another person's account opens only through a reference this tab's own search made
            # (and only for a while): no database id in the address leads anywhere.
            pay_other = await self.get_state(PayOtherState)
            public_account_id = pay_other.account_for_reference(query.get("ref", "")) or 0
            if not public_account_id:
                pay_other.reference_gone()
                self.loaded = False
                return rx.redirect(paths.PAY_OTHER, replace=True)
        reopened = self.loaded and (resident_id, public_account_id) == self._loaded_for and not self._payment_id
        try:
            page, profile = await in_transaction(lambda session: (
                payment_page.payment_page_for_account(session, public_account_id) if public_account_id
                else payment_page.payment_page_for_resident(session, resident_id),
                residents.resident_profile(session, resident_id),
            ))
        except AccountLookupError:
            return rx.redirect(paths.PAY_OTHER, replace=True)
        selection = await self.get_state(PaySelectionState)
        if reopened and selection.fits(page):
            # on_load again (reload, reconnect, another worker, back from another page): the rows are read
            # afresh, since a status may have moved (paid at another kiosk, accounted for by the provider),
            # and the selection and the step are kept while they still fit the documents.
            self.accounts, self.empty_reason = page.accounts, page.empty_reason
            self.due_total_text = format_rubles(page.due_kopecks)
            await selection.show_current()
            self.rows_version += 1
            return
        # First visit, after a payment attempt, or the documents changed: start from the database's defaults.
        self._loaded_for, self._public_account_id = (resident_id, public_account_id), public_account_id
        self.public_mode = bool(public_account_id)
        self.accounts, self.empty_reason = page.accounts, page.empty_reason
        self.due_total_text = format_rubles(page.due_kopecks)
        (await self.get_state(PayDocumentsState)).close_all()
        self.services, self.shown_services = {}, {}
        self.step, self.confirm_error, self.pay_error, self._payment_id = STEP_SELECT, "", "", 0
        self.receipt_email, self.receipt_email_error = profile.email, ""
        self.mail_enabled = get_settings().mail_enabled
        await selection.start(page)
        self.rows_version += 1
        self.loaded = True

    @event
    async def toggle_services(self, document_id: int):
        """The icon next to a document number: its services, read from the database on first open."""
        if self.public_mode:
            return  # volumes, tariffs and benefits of someone else's flat are not a payer's business
        key = str(document_id)
        if self.shown_services.get(key):
            self.shown_services = {**self.shown_services, key: False}
            return
        if key not in self.services:
            resident_id, public_id = self._resident_id, self._public_account_id
            try:
                found = await in_transaction(lambda session: payment_page.document_services(
                    session, document_id, resident_id=None if public_id else resident_id,
                    public_account_id=public_id or None))
            except AccessDenied:
                return
            self.services = {**self.services, key: found}
        self.shown_services = {**self.shown_services, key: True}

    @event
    async def open_document(self, document_id: int):
        """«Платёжный документ и QR-код»: the printable view of one of the resident's own documents, under a
        reference this tab gets now (no database id in the address). Not for someone else's account."""
        if self.public_mode or not any(document.document_id == document_id
                                       for account in self.accounts for document in account.documents):
            return
        resident_id = await self.signed_in_resident()
        if resident_id is None:
            return self.to_start()
        reference = (await self.get_state(PaymentDocumentState))._issue(resident_id, document_id)
        return rx.redirect(f"{paths.PAY_DOCUMENT}?ref={reference}")

    @event
    async def proceed(self):
        """«Далее»: the server re-checks everything and shows «Подтверждение оплаты»."""
        if await self.signed_in_resident() is None:
            return self.to_start()
        selection = await self.get_state(PaySelectionState)
        typed = selection.typed_amounts()
        resident_id, public_id = self._resident_id, self._public_account_id
        try:
            confirmed = await in_transaction(lambda session: payment_page.confirm_selection(
                session, resident_id=None if public_id else resident_id, public_account_id=public_id or None,
                choices=typed))
        except SelectionError as error:
            self.confirm_error = "; ".join(message for _, message in error.problems)
            return
        self.confirmed_items, self.confirmed_total_text = confirmed.items, confirmed.total_text
        self.confirmed_accounts = confirmed.accounts
        self._confirmed_total_kopecks = confirmed.total_kopecks
        self.confirm_error, self.step = "", STEP_CONFIRM
        return rx.call_script("window.scrollTo(0, 0)")

    @event
    def back(self):
        """«Назад»: the selection is exactly as it was (the selection view stayed mounted)."""
        self.step = STEP_SELECT
        self._payment_id = 0

    def _take_receipt_email(self, text: object) -> bool:
        """The address typed on the confirmation, checked as on the agreement page; "" = no letter."""
        typed = str(text or "").strip()
        if not typed:
            self.receipt_email, self.receipt_email_error = "", ""
            return True
        try:
            email = normalize_email(typed)
        except ContactError as error:
            self.receipt_email_error = str(error)
            return False
        self.receipt_email, self.receipt_email_error = email, ""
        return True

    @event
    def check_receipt_email(self, text: str):
        """The address field lost focus: the message at the field, or the new «Квитанция будет отправлена на …»."""
        if self.step == STEP_CONFIRM and self.mail_enabled:
            self._take_receipt_email(text)

    @event
    async def submit_confirmation(self, form_data: dict):
        """The confirmation's form («Оплатить», or Enter in the address field): the address, then the methods."""
        if self.step == STEP_CONFIRM and self.mail_enabled and not self._take_receipt_email(
                form_data.get("receipt_email", self.receipt_email)):
            return  # the message stands at the field; nothing moves on
        return await self._to_methods()

    @event
    async def choose_method(self):
        """«Оплатить» on the confirmation: the page «Выбор способа оплаты» with each method's commission."""
        return await self._to_methods()

    async def _to_methods(self):
        if self.step == STEP_CONFIRM:
            self.step, self.pay_error = STEP_METHOD, ""
            await self.load_charges()
            return rx.call_script("window.scrollTo(0, 0)")

    @event
    async def load_charges(self):
        """Ask the gateway for its rates and show what each method charges on the confirmed sum."""
        if self.step != STEP_METHOD:
            return
        rates = await method_rates(current_gateway())
        if rates is None:
            self._show_charges([])
            self.pay_error = MSG_COMMISSION_UNKNOWN
            return
        if self.pay_error == MSG_COMMISSION_UNKNOWN:
            self.pay_error = ""
        total = self._confirmed_total_kopecks
        self._show_charges([method_charge(method, total, rates[method]) for method in METHODS] if total > 0 else [])

    def _show_charges(self, charges: list[MethodCharge]) -> None:
        """The method cards' figures; none at all (and no payment) when the rates are unknown."""
        found = {charge.method: charge for charge in charges}
        card, wallet = found.get("card"), found.get("wallet")
        self.commission_known = card is not None and wallet is not None
        self.card_commission_text, self.card_charged_text = _texts(card)
        self.wallet_commission_text, self.wallet_charged_text = _texts(wallet)
        self._shown_charges = {charge.method: charge.charged_kopecks for charge in charges}
    @event
    def back_to_confirmation(self):
        self.step = STEP_CONFIRM

    @event
    async def pay_with(self, method: str):
        """Create the payment (amounts recomputed from the database) and go to the gateway's page.

        Events of one tab run one after another, so a second tap finds ``_payment_id``
        and is sent to the same payment page; another tab or kiosk is refused by the
        database («Этот документ уже оплачивается»).
        """
        if method not in METHODS or self.step != STEP_METHOD:
            return
        resident_id = await self.signed_in_resident()
        if resident_id is None:
            return self.to_start()
        if not self._payment_id:
            limited = await refusal([("payment_per_resident", str(resident_id))])
            if limited:  # nobody holds documents «в обработке» by starting payment after payment
                self.pay_error = limited
                return
            rates, shown = await method_rates(current_gateway()), self._shown_charges.get(method)
            if rates is None or shown is None:  # no declared rate, or no figure on screen: nothing is charged
                self._show_charges([])
                self.pay_error = MSG_COMMISSION_UNKNOWN
                return
            typed = (await self.get_state(PaySelectionState)).typed_amounts()
            public_id = self._public_account_id or None
            email = (self.receipt_email or None) if self.mail_enabled else None
            try:
                record = await in_transaction(lambda session: payments.create_payment(
                    session, resident_id=resident_id, choices=typed, public_account_id=public_id,
                    receipt_email=email, gateway_name=get_settings().gateway_name, method=method,
                    commission_rate=rates[method], shown_charge_kopecks=shown))
            except ChargeChanged as changed:
                self._confirmed_total_kopecks = changed.amount_kopecks
                self._show_charges([method_charge(name, changed.amount_kopecks, rates[name]) for name in METHODS])
                self.pay_error = str(changed)
                return
            except (payments.DocumentBeingPaid, SelectionError, AccessDenied, ContactError) as error:
                self.pay_error = _payment_refusal(error)
                return
            self._payment_id, self._payment_public_id, self.pay_error = record.id, record.public_id, ""
        result_path = f"{paths.PAY_RESULT}?payment={self._payment_public_id}"
        return_url = get_settings().public_address(result_path)  # never the address the browser claims
        started = await payments.start_payment(self._payment_id, current_gateway(), return_url)
        if started.confirmation_url:  # absolute and allowed (services.payments.gateway_pages)
            return rx.call_script(f"window.location.assign({json.dumps(started.confirmation_url)})")
        if started.message == payments.MSG_PAGE_REFUSED:
            self.pay_error = started.message
            return
        return rx.redirect(result_path)


def _texts(charge: MethodCharge | None) -> tuple[str, str]:
    """(commission, sum + commission) of a method's card; empty when nothing may be claimed."""
    if charge is None:
        return "", ""
    return charge.commission_text, charge.charged_text


def _payment_refusal(error: Exception) -> str:
    if isinstance(error, SelectionError):
        return "; ".join(message for _, message in error.problems)
    if isinstance(error, AccessDenied):
        return "Этот документ нельзя оплатить из вашего кабинета"
    return str(error)
