"""«Оплата жилищно-коммунальных услуг»: what the payment page shows and what «Далее» confirms.

The page lists the payer's accounts («Сумма к оплате»), each with its payment
documents, and on demand the services of one document. The state keeps only a
compact selection (``domain.allocation.DocumentChoice`` per document) and
derives the sums from it; when the resident presses «Далее»,
``confirm_selection`` re-reads every chosen document and re-checks everything:
the browser's ids and amounts are never trusted.

Two modes share the page:

* a resident (``resident_id`` from the server-side sign-in): every linked
  account, access by ``resident_account_link``;
* «Оплатить по другому лицевому счёту» (``public_account_id``): that one
  account, no link needed, and — like ``account_lookup.PublicAccountView`` —
  no payer name and no city, only street, house and flat.

Decisions:

* **Which documents are shown.** Per account, every issued document that still
  owes something (``amount_due > 0``), plus every issued document of the
  account's ``CONTEXT_PERIODS`` (3) newest periods whatever its state, so that
  the current bills show «Оплачен» / «Платёж в обработке» as context. Older
  paid documents are not sent (the large demo would otherwise send 360 paid
  rows). Withdrawn documents are never shown. Order: newest period first.
* **Which accounts are shown.** Accounts with at least one selectable document
  or a payment in progress. An account with everything paid (or no documents)
  is left out of the page; the cabinet still lists it.
* **Empty page.** ``empty_reason`` is "" when at least one account is shown;
  else "no_accounts" (nothing linked), "no_documents" (no issued document on
  any of the accounts: «платёжный документ не был выставлен в системе») or
  "all_paid" (there are issued documents and all of them are paid: «оплата
  уже была произведена и учтена»). With no payment in progress ``accounts`` is
  empty exactly when ``empty_reason`` is set. If the only documents left are
  in progress, the page is shown (nothing selectable, «Далее» disabled), so
  the resident sees the payment being processed instead of the notice.
* **Default selection.** Every selectable document is selected with its
  «Сумма к оплате»; an account's ``due_kopecks`` is the Σ of its selectable
  documents' dues (documents in progress are not counted).
* **Payments in progress** come with issue 5: ``documents_with_payment_in_progress``
  is the single hook, returning an empty set today.

Queries: ``payment_page_for_resident`` reads accounts with provider and
address in one query and the shown documents in a second one (plus, from issue
5, one for payments in progress), whatever the number of accounts and
documents. Services of a document are read only on demand.

Everything returned is a frozen dataclass of ``str``/``int``/``bool`` and lists
of such, ready for Reflex state. Money is ``int`` kopecks; texts are formatted here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gkh_web.db.models import (
    House,
    PaymentDocument,
    PaymentItem,
    PersonalAccount,
    Premises,
    ProviderOrganisation,
    ResidentAccountLink,
    ServiceLine,
    premises_address,
    stored_id,
)
from gkh_web.domain.allocation import (
    STATUS_IN_PROGRESS,
    STATUS_PAID,
    STATUS_TEXTS,
    check_document_amount,
    document_status,
)
from gkh_web.domain.charges import amount_due
from gkh_web.domain.dates import format_date, format_period
from gkh_web.domain.money import format_amount, format_rubles
from gkh_web.domain.quantities import format_tariff, format_volume
from gkh_web.services.accounts import (
    MSG_DOCUMENT_NOT_ACCESSIBLE,
    AccessDenied,
    linked_account_ids,
    require_accessible_document,
)
from gkh_web.services.accounts.lookup import (
    MSG_PUBLIC_ACCOUNT_GONE,
    AccountDetails,
    AccountLookupError,
    account_details,
    is_record_id,
    natural_key,
    premises_hint,
)
from gkh_web.services.payments import notices
from gkh_web.settings import get_settings

__all__ = [
    "CONTEXT_PERIODS",
    "EMPTY_ALL_PAID",
    "EMPTY_AWAITING_ACCOUNTING",
    "EMPTY_NO_ACCOUNTS",
    "EMPTY_NO_DOCUMENTS",
    "AccessDenied",
    "ConfirmedItem",
    "ConfirmedSelection",
    "DocumentServices",
    "PayableAccount",
    "PayableDocument",
    "PaymentPage",
    "RecipientRequisites",
    "SelectionError",
    "ServiceChargeLine",
    "confirm_selection",
    "document_services",
    "documents_with_payment_in_progress",
    "payment_page_for_account",
    "payment_page_for_resident",
]

CONTEXT_PERIODS = 3
"""Newest periods of an account whose documents are shown even when paid."""

EMPTY_NO_ACCOUNTS = "no_accounts"
EMPTY_NO_DOCUMENTS = "no_documents"
EMPTY_ALL_PAID = "all_paid"
EMPTY_AWAITING_ACCOUNTING = "awaiting_accounting"
"""Everything is paid, but the provider has not accounted for (all of) it yet: the seed's first reason
(«оплата уже была произведена, и учтена организацией») does not hold yet."""

LABEL_DEBT = "Задолженность на начало периода"
LABEL_ADVANCE = "Аванс на начало периода"

MSG_NOTHING_SELECTED = "Выберите хотя бы один платёжный документ и укажите сумму больше нуля"
MSG_NO_PAYER = "Не указано, чей платёж: войдите в личный кабинет или выберите лицевой счёт"
MSG_DOCUMENT_NOT_IN_ACCOUNT = "Платёжный документ не относится к этому лицевому счёту"
MSG_DOCUMENT_UNKNOWN = "Платёжный документ не найден"
MSG_DUPLICATE = "Платёжный документ выбран дважды"
MSG_WITHDRAWN = "Платёжный документ отозван поставщиком"
MSG_ALREADY_PAID = "Платёжный документ уже оплачен"
MSG_IN_PROGRESS = "По этому платёжному документу уже есть платёж в обработке"


# --- Views -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientRequisites:
    """Получатель платежа: the provider's bank requisites, filled in from the data, never typed."""

    name: str
    inn: str
    kpp: str
    bank_name: str
    bik: str
    settlement_account: str
    correspondent_account: str


@dataclass(frozen=True)
class PayableDocument:
    """One payment document in an account's list: what is owed on it and whether it can be ticked."""

    document_id: int
    account_id: int
    ipd: str
    number: str
    period_text: str
    """«октябрь 2026»."""
    due_date_text: str
    """«15 ноября 2026 г.»."""
    total_kopecks: int
    total_text: str
    paid_kopecks: int
    paid_text: str
    due_kopecks: int
    """«Сумма к оплате»: total − paid, never below zero."""
    due_text: str
    amount_text: str
    """Initial «Сумма платежа» for the input («5 234,56», no ₽): the amount due."""
    status: str
    """"unpaid", "partially_paid", "paid" or "in_progress"."""
    status_text: str
    selectable: bool


@dataclass(frozen=True)
class PayableAccount:
    """An account in «Сумма к оплате» with its shown documents; ``due_kopecks`` = Σ due of the selectable ones."""

    account_id: int
    number: str
    els: str
    izhku: str
    provider_name: str
    address: str
    recipient: RecipientRequisites
    documents: list[PayableDocument]
    due_kopecks: int
    due_text: str


@dataclass(frozen=True)
class PaymentPage:
    """The whole page; ``empty_reason`` "" or "all_paid" / "no_documents" / "no_accounts" (see module notes)."""

    accounts: list[PayableAccount]
    empty_reason: str

    @property
    def due_kopecks(self) -> int:
        """«Сумма к оплате» over every account: what the collapsed list shows before anything is unticked."""
        return sum(account.due_kopecks for account in self.accounts)


@dataclass(frozen=True)
class ServiceChargeLine:
    """One service of a document, as texts for the services table."""

    service_name: str
    unit: str
    volume_text: str
    tariff_text: str
    charged_text: str
    recalculation_text: str
    benefit_text: str
    to_pay_text: str
    to_pay_kopecks: int


@dataclass(frozen=True)
class DocumentServices:
    """The services of one document with its debt/advance and penalties; lines + debt + penalties = total."""

    document_id: int
    lines: list[ServiceChargeLine]
    lines_total_kopecks: int
    lines_total_text: str
    debt_or_advance_kopecks: int
    """Signed, as stored: debt > 0, advance < 0."""
    debt_or_advance_label: str
    """«Задолженность на начало периода» or «Аванс на начало периода»."""
    debt_or_advance_text: str
    """The absolute amount («300,00 ₽» under «Аванс…»): the label carries the sign."""
    penalties_kopecks: int
    penalties_text: str
    total_kopecks: int
    total_text: str


@dataclass(frozen=True)
class ConfirmedItem:
    """One document of «Подтверждение оплаты», re-read and re-checked by the server."""

    account_id: int
    account_number: str
    provider_name: str
    address: str
    recipient: RecipientRequisites
    document_id: int
    document_number: str
    period_text: str
    amount_kopecks: int
    amount_text: str
    """«1 234,50 ₽»."""
    note: str
    """«Аванс», «Частичная оплата» or ""."""


@dataclass(frozen=True)
class ConfirmedAccount:
    """One account of «Подтверждение оплаты» with its documents: the account is said once, not per card."""

    account_id: int
    account_number: str
    provider_name: str
    address: str
    recipient: RecipientRequisites
    documents: list[ConfirmedItem]
    amount_text: str
    """The sum of its documents, «1 234,50 ₽»."""


@dataclass(frozen=True)
class ConfirmedSelection:
    """What «Далее» leads to: the items grouped by account in the page's order, and the total."""

    items: list[ConfirmedItem]
    total_kopecks: int
    total_text: str

    @property
    def accounts(self) -> list[ConfirmedAccount]:
        """The items under their accounts, in the same order (the items come grouped already)."""
        grouped: dict[int, list[ConfirmedItem]] = {}
        for item in self.items:
            grouped.setdefault(item.account_id, []).append(item)
        return [
            ConfirmedAccount(
                account_id=first.account_id, account_number=first.account_number,
                provider_name=first.provider_name, address=first.address, recipient=first.recipient,
                documents=documents, amount_text=format_rubles(sum(item.amount_kopecks for item in documents)),
            )
            for documents in grouped.values()
            for first in documents[:1]
        ]


class SelectionError(ValueError):
    """The selection cannot be confirmed.

    ``problems`` lists (document id, Russian message) pairs; document id 0
    (never a real id) stands for the selection as a whole, e.g. nothing selected.
    """

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _, message in self.problems))


# --- Payments in progress (issue 5) -------------------------------------------------------------


def documents_with_payment_in_progress(session: Session, document_ids: Collection[int]) -> set[int]:
    """Ids among ``document_ids`` that have a payment started but not finished.

    One query on ``payment_item.open`` (1 while the payment is unfinished,
    NULL once it is final; see ``services.payments``). Such documents are shown
    «Платёж в обработке» and cannot be selected.
    """
    ids = sorted(set(document_ids))
    if not ids:
        return set()
    return set(
        session.exec(
            select(PaymentItem.payment_document_id).where(
                col(PaymentItem.payment_document_id).in_(ids), PaymentItem.open == 1
            )
        ).all()
    )


# --- Building the page ---------------------------------------------------------------------------


def _period_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _account_sort_key(address: str, provider_name: str, account_id: int) -> tuple:
    """The cabinet's order: by address, then provider (see ``accounts.linking._views``)."""
    return natural_key(address), natural_key(provider_name), account_id


def _document_sort_key(document: PaymentDocument) -> tuple:
    """Newest period first, then by number."""
    return -_period_index(document.period_year, document.period_month), natural_key(document.number), document.id


def _recipient(provider: ProviderOrganisation) -> RecipientRequisites:
    return RecipientRequisites(
        name=provider.recipient_name,
        inn=provider.inn,
        kpp=provider.kpp or "",
        bank_name=provider.bank_name,
        bik=provider.bik,
        settlement_account=provider.settlement_account,
        correspondent_account=provider.correspondent_account or "",
    )


def _address(details: AccountDetails, *, public: bool) -> str:
    """Full address for the resident's own accounts; street, house and flat only for another account."""
    if public:
        return premises_hint(details.house, details.premises)
    return premises_address(details.house, details.premises)


def _payable_document(document: PaymentDocument, in_progress: bool, *, public: bool,
                      accounting: notices.DocumentAccounting | None = None) -> PayableDocument:
    """``public``: another person's account, whose ИПД (the ИЖКУ and the period) is not sent.
    ``accounting``: what the provider made of our payments of it («оплачено» is not «учтено»)."""
    due = amount_due(document.total_kopecks, document.paid_kopecks)
    status = document_status(
        total_kopecks=document.total_kopecks, paid_kopecks=document.paid_kopecks, in_progress=in_progress
    )
    status_text = STATUS_TEXTS[status]
    if accounting is not None and status == STATUS_PAID:
        status_text = accounting_text(accounting)
    return PayableDocument(
        document_id=stored_id(document),
        account_id=document.personal_account_id,
        ipd="" if public else document.ipd,
        number=document.number,
        period_text=format_period(document.period_year, document.period_month),
        due_date_text=format_date(document.due_date),
        total_kopecks=document.total_kopecks,
        total_text=format_rubles(document.total_kopecks),
        paid_kopecks=document.paid_kopecks,
        paid_text=format_rubles(document.paid_kopecks),
        due_kopecks=due,
        due_text=format_rubles(due),
        amount_text=format_amount(due),
        status=status,
        status_text=status_text,
        selectable=_selectable(document, status, due),
    )


def _selectable(document: PaymentDocument, status: str, due: int) -> bool:
    """Issued, owing something, not paid and no payment in progress."""
    return document.status == "issued" and due > 0 and status not in (STATUS_PAID, STATUS_IN_PROGRESS)


def _shown_documents(session: Session, account_ids) -> list[PaymentDocument]:
    """Issued documents of the accounts that owe something or belong to their newest periods: one query.

    ``account_ids`` is a list or a SELECT of ids. The newest period of each
    account comes from a grouped subquery, so the window is per account.
    """
    period = col(PaymentDocument.period_year) * 12 + col(PaymentDocument.period_month) - 1
    newest = (
        select(col(PaymentDocument.personal_account_id).label("account_id"), sa.func.max(period).label("newest"))
        .where(col(PaymentDocument.personal_account_id).in_(account_ids))
        .where(PaymentDocument.status == "issued")
        .group_by(col(PaymentDocument.personal_account_id))
        .subquery()
    )
    return list(
        session.exec(
            select(PaymentDocument)
            .join(newest, newest.c.account_id == PaymentDocument.personal_account_id)
            .where(PaymentDocument.status == "issued")
            .where(
                sa.or_(
                    col(PaymentDocument.total_kopecks) > col(PaymentDocument.paid_kopecks),
                    period > newest.c.newest - CONTEXT_PERIODS,
                )
            )
        ).all()
    )


def _build_page(
    session: Session, details: list[AccountDetails], documents: list[PaymentDocument], *, public: bool
) -> PaymentPage:
    """Assemble the views; decide the empty reason (see the module notes)."""
    if not details:
        return PaymentPage(accounts=[], empty_reason=EMPTY_NO_ACCOUNTS)
    if not documents:
        return PaymentPage(accounts=[], empty_reason=EMPTY_NO_DOCUMENTS)
    in_progress = documents_with_payment_in_progress(session, [stored_id(document) for document in documents])
    accounting = notices.accounting_of_documents(session, [stored_id(document) for document in documents
                                                           if document.paid_kopecks > 0])
    by_account: dict[int, list[PaymentDocument]] = {}
    for document in documents:
        by_account.setdefault(document.personal_account_id, []).append(document)
    accounts = []
    for item in details:
        rows = sorted(by_account.get(stored_id(item.account), []), key=_document_sort_key)
        views = [_payable_document(document, document.id in in_progress, public=public,
                                   accounting=accounting.get(stored_id(document))) for document in rows]
        if not any(view.selectable or view.status == STATUS_IN_PROGRESS for view in views):
            continue
        due = sum(view.due_kopecks for view in views if view.selectable)
        accounts.append(
            PayableAccount(  # someone else's account: no ЕЛС or ИЖКУ sent to the browser
                account_id=stored_id(item.account),
                number=item.account.number,
                els="" if public else item.account.els,
                izhku="" if public else item.account.izhku,
                provider_name=item.provider.short_name,
                address=_address(item, public=public),
                recipient=_recipient(item.provider),
                documents=views,
                due_kopecks=due,
                due_text=format_rubles(due),
            )
        )
    accounts.sort(key=lambda account: _account_sort_key(account.address, account.provider_name, account.account_id))
    if accounts:
        return PaymentPage(accounts=accounts, empty_reason="")
    awaiting = any(found.state != notices.NOTICE_ACCOUNTED for found in accounting.values())
    return PaymentPage(accounts=[], empty_reason=EMPTY_AWAITING_ACCOUNTING if awaiting else EMPTY_ALL_PAID)


def accounting_text(accounting: notices.DocumentAccounting) -> str:
    """«Оплачен, ожидает учёта поставщиком», «Учтено организацией 3 декабря 2026 г.» or the rejection."""
    if accounting.state == notices.NOTICE_ACCOUNTED and accounting.provider_date:
        return f"{notices.TEXT_ACCOUNTED} {format_date(accounting.provider_date)}"
    if accounting.state == notices.NOTICE_REJECTED:
        return f"{notices.TEXT_REJECTED}: {accounting.reason}"
    return notices.TEXT_AWAITING


def payment_page_for_resident(session: Session, resident_id: int) -> PaymentPage:
    """The page for a signed-in resident: all linked accounts, in two queries (three from issue 5)."""
    details = account_details(session, linked_account_ids(resident_id))
    documents = _shown_documents(session, linked_account_ids(resident_id)) if details else []
    return _build_page(session, details, documents, public=False)


def payment_page_for_account(session: Session, account_id: int) -> PaymentPage:
    """«Оплатить по другому лицевому счёту»: the same page with that one account; no link, no payer name.

    Raises AccountLookupError (field «identifier») if the account does not exist.
    """
    details = account_details(session, [account_id]) if is_record_id(account_id) else []
    if not details:
        raise AccountLookupError("identifier", MSG_PUBLIC_ACCOUNT_GONE)
    return _build_page(session, details, _shown_documents(session, [account_id]), public=True)


# --- Services of one document ----------------------------------------------------------------------


def _accessible_document(
    session: Session, document_id: int, resident_id: int | None, public_account_id: int | None
) -> PaymentDocument:
    """The document if it is on an account linked to the resident or is on the public account; else AccessDenied."""
    if resident_id is not None:
        try:
            return require_accessible_document(session, resident_id, document_id)
        except AccessDenied:
            if public_account_id is None:
                raise
    if is_record_id(public_account_id) and is_record_id(document_id):
        document = session.exec(
            select(PaymentDocument).where(
                PaymentDocument.id == document_id, PaymentDocument.personal_account_id == public_account_id
            )
        ).first()
        if document is not None:
            return document
    raise AccessDenied(MSG_DOCUMENT_NOT_IN_ACCOUNT if resident_id is None else MSG_DOCUMENT_NOT_ACCESSIBLE)


def _service_line(line: ServiceLine) -> ServiceChargeLine:
    return ServiceChargeLine(
        service_name=line.service_name,
        unit=line.unit,
        volume_text=format_volume(line.volume, line.unit),
        tariff_text=format_tariff(line.tariff),
        charged_text=format_rubles(line.charged_kopecks),
        recalculation_text=format_rubles(line.recalculation_kopecks),
        benefit_text=format_rubles(line.benefit_kopecks),
        to_pay_text=format_rubles(line.to_pay_kopecks),
        to_pay_kopecks=line.to_pay_kopecks,
    )


def document_services(
    session: Session, document_id: int, *, resident_id: int | None, public_account_id: int | None
) -> DocumentServices:
    """The services of one document, read on demand (two queries): access first, then its lines.

    Access: the document must be on an account linked to ``resident_id`` or on
    ``public_account_id``; otherwise AccessDenied (unknown ids are refused the same way).
    """
    document = _accessible_document(session, document_id, resident_id, public_account_id)
    lines = session.exec(
        select(ServiceLine).where(ServiceLine.payment_document_id == document.id).order_by(col(ServiceLine.position))
    ).all()
    lines_total = sum(line.to_pay_kopecks for line in lines)
    debt = document.debt_or_advance_kopecks
    return DocumentServices(
        document_id=stored_id(document),
        lines=[_service_line(line) for line in lines],
        lines_total_kopecks=lines_total,
        lines_total_text=format_rubles(lines_total),
        debt_or_advance_kopecks=debt,
        debt_or_advance_label=LABEL_ADVANCE if debt < 0 else LABEL_DEBT,
        debt_or_advance_text=format_rubles(abs(debt)),
        penalties_kopecks=document.penalties_kopecks,
        penalties_text=format_rubles(document.penalties_kopecks),
        total_kopecks=document.total_kopecks,
        total_text=format_rubles(document.total_kopecks),
    )


# --- «Далее»: the server decides ----------------------------------------------------------------------


@dataclass(frozen=True)
class _ChosenRow:
    document: PaymentDocument
    details: AccountDetails
    linked: bool


def _chosen_rows(session: Session, document_ids: list[int], resident_id: int | None) -> dict[int, _ChosenRow]:
    """The chosen documents with account, provider, address and whether the resident linked the account (one query)."""
    link_on = sa.and_(
        col(ResidentAccountLink.personal_account_id) == PaymentDocument.personal_account_id,
        col(ResidentAccountLink.resident_id) == (resident_id if resident_id is not None else -1),
    )
    rows = session.execute(  # SQLAlchemy's select: sqlmodel's is typed for at most four entities
        sa.select(PaymentDocument, PersonalAccount, ProviderOrganisation, Premises, House, col(ResidentAccountLink.id))
        .join(PersonalAccount, col(PersonalAccount.id) == PaymentDocument.personal_account_id)
        .join(ProviderOrganisation, col(ProviderOrganisation.id) == PersonalAccount.provider_id)
        .join(Premises, col(Premises.id) == PersonalAccount.premises_id)
        .join(House, col(House.id) == Premises.house_id)
        .outerjoin(ResidentAccountLink, link_on)
        .where(col(PaymentDocument.id).in_(document_ids))
    ).all()
    return {
        document.id: _ChosenRow(document, AccountDetails(account, provider, premises, house), link_id is not None)
        for document, account, provider, premises, house, link_id in rows
    }


def _accessible(row: _ChosenRow, public_account_id: int | None) -> bool:
    """On an account the resident linked, or on the other account being paid."""
    return row.linked or (public_account_id is not None and row.document.personal_account_id == public_account_id)


def _confirm_one(
    row: _ChosenRow | None,
    text: str,
    *,
    public_account_id: int | None,
    in_progress: set[int],
    cap: int,
    resident_mode: bool,
) -> ConfirmedItem | str:
    """The confirmed item for one chosen document, or the error message why it cannot be paid."""
    if row is None or not _accessible(row, public_account_id):
        return MSG_DOCUMENT_NOT_ACCESSIBLE if resident_mode else MSG_DOCUMENT_NOT_IN_ACCOUNT
    document = row.document
    if document.status != "issued":
        return MSG_WITHDRAWN
    if document.id in in_progress:
        return MSG_IN_PROGRESS
    due = amount_due(document.total_kopecks, document.paid_kopecks)
    if due <= 0:
        return MSG_ALREADY_PAID
    check = check_document_amount(text, due_kopecks=due, cap_kopecks=cap)
    if check.kopecks is None:
        return check.error
    details = row.details
    return ConfirmedItem(
        account_id=stored_id(details.account),
        account_number=details.account.number,
        provider_name=details.provider.short_name,
        address=_address(details, public=not row.linked),
        recipient=_recipient(details.provider),
        document_id=stored_id(document),
        document_number=document.number,
        period_text=format_period(document.period_year, document.period_month),
        amount_kopecks=check.kopecks,
        amount_text=format_rubles(check.kopecks),
        note=check.note,
    )


def confirm_selection(
    session: Session,
    *,
    resident_id: int | None,
    public_account_id: int | None,
    choices: Iterable[tuple[int, str]],
    cap_kopecks: int | None = None,
) -> ConfirmedSelection:
    """Re-read and re-check the selection sent by the browser; the result is what «Подтверждение оплаты» shows.

    ``choices`` are (document id, amount as typed) of the selected documents.
    Each document must be on an account linked to ``resident_id`` or on
    ``public_account_id``, issued, owing something, without a payment in
    progress, and its amount must pass ``check_document_amount`` against the
    amount due in the database and the cap (``settings.max_document_payment_kopecks``
    unless ``cap_kopecks`` is given). Raises SelectionError listing every
    problem in the order of ``choices``, or when nothing is selected; AccessDenied without any payer.
    Items come grouped by account in the page's order. One query (two from issue 5).
    """
    if resident_id is None and public_account_id is None:
        raise AccessDenied(MSG_NO_PAYER)
    cap = get_settings().max_document_payment_kopecks if cap_kopecks is None else cap_kopecks
    # (document id, typed text, problem found before reading the database), in the browser's order.
    entries: list[tuple[int, str, str]] = []
    wanted: set[int] = set()
    for document_id, text in choices:
        if not is_record_id(document_id):
            entries.append((0, "", MSG_DOCUMENT_UNKNOWN))
        elif document_id in wanted:
            entries.append((document_id, "", MSG_DUPLICATE))
        else:
            wanted.add(document_id)
            entries.append((document_id, text if isinstance(text, str) else "", ""))
    if not wanted:
        raise SelectionError(
            [(document_id, problem) for document_id, _, problem in entries] or [(0, MSG_NOTHING_SELECTED)]
        )
    rows = _chosen_rows(session, sorted(wanted), resident_id)
    in_progress = documents_with_payment_in_progress(session, list(rows))
    problems: list[tuple[int, str]] = []
    items: list[ConfirmedItem] = []
    for document_id, text, problem in entries:
        outcome = problem or _confirm_one(
            rows.get(document_id),
            text,
            public_account_id=public_account_id,
            in_progress=in_progress,
            cap=cap,
            resident_mode=resident_id is not None,
        )
        if isinstance(outcome, str):
            problems.append((document_id, outcome))
        else:
            items.append(outcome)
    if problems:
        raise SelectionError(problems)
    total = sum(item.amount_kopecks for item in items)
    if total <= 0:
        raise SelectionError([(0, MSG_NOTHING_SELECTED)])
    items.sort(
        key=lambda item: (
            _account_sort_key(item.address, item.provider_name, item.account_id),
            _document_sort_key(rows[item.document_id].document),
        )
    )
    return ConfirmedSelection(items=items, total_kopecks=total, total_text=format_rubles(total))
