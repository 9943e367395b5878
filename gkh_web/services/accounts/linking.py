"""The resident's personal accounts: the cabinet list, «Подключить лицевой счёт», unlinking, access checks.

Every function that takes a ``resident_id`` together with an account or
document id checks from the database that the account is linked to that
resident: ids arriving from the browser are never trusted
(``require_linked_account``, ``require_accessible_document``). The
``resident_id`` itself must come from the server-side sign-in, never from the
browser.

Transactions: functions here only ``flush``; the caller wraps one user action
in one ``session_scope()`` (commit at the end, rollback on any error). A
failed link raises before anything is added, so even a caller that commits
regardless writes nothing.

Decisions:

* Linking an account that another resident has already linked is allowed:
  family members living in one flat share its accounts, as in ГИС ЖКХ, where
  anyone who knows the account's details may link it. Each resident has their
  own link row; unlinking removes only the caller's own.
* ``LinkOutcome.linked`` lists only the accounts linked by this action; the
  state re-reads ``linked_accounts`` to refresh the whole cabinet.
* Address linking compares the flat trimmed, case-insensitively and without a
  «кв.»/«квартира» prefix; the account number exactly after trimming
  (domain.md §2.2: ГИС ЖКХ matching is exact).

The look-up half (regions, house suggestions, providers of a house,
«Оплатить по другому лицевому счёту») lives in ``lookup``; the package
re-exports both, so states import the whole account API from one place.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from gkh_web.db.models import (
    House,
    NoticeReconciliation,
    Payment,
    PaymentDocument,
    PaymentItem,
    PersonalAccount,
    Premises,
    ProviderOrganisation,
    ResidentAccountLink,
    premises_address,
    stored_id,
)
from gkh_web.domain import payment_states as ps
from gkh_web.domain.identifiers import IdentifierError, normalize_account_number
from gkh_web.domain.money import format_rubles
from gkh_web.services.accounts.lookup import (
    MSG_CHOOSE_HOUSE,
    MSG_IDENTIFIER_EMPTY_LINK,
    AccountDetails,
    AccountFormError,
    UnpaidSummary,
    account_details,
    accounts_by_identifier,
    identifier_not_found_message,
    is_record_id,
    natural_key,
    normalize_flat,
    parse_account_identifier,
    unpaid_by_account,
)

MSG_CHOOSE_PROVIDER = "Выберите организацию"
MSG_FLAT_EMPTY = "Укажите номер квартиры"
MSG_ADDRESS_MISMATCH = "Адрес не совпадает с адресом лицевого счёта"
MSG_ALREADY_LINKED = "Этот лицевой счёт уже подключён к вашему личному кабинету"
MSG_ACCOUNT_NOT_LINKED = "Лицевой счёт не подключён к вашему личному кабинету"
MSG_DOCUMENT_NOT_ACCESSIBLE = "Платёжный документ не относится к лицевым счетам вашего личного кабинета"


class AccountLinkError(AccountFormError):
    """«Подключить лицевой счёт» refused; ``field``: region, house, flat, provider, account_number or identifier."""


class AccessDenied(PermissionError):
    """The account or document is not linked to this resident (or does not exist: the two are not told apart)."""


@dataclass(frozen=True)
class LinkedAccountView:
    """One row of the cabinet: a linked account, its provider, address and what is owed on it."""

    account_id: int
    number: str
    els: str
    izhku: str
    provider_name: str
    address: str
    amount_due_kopecks: int
    amount_due_text: str
    unpaid_documents: int
    awaiting_accounting: bool = False
    """Paid through us, but the provider has not accounted for all of it yet (issue 13 §4)."""


@dataclass(frozen=True)
class LinkOutcome:
    """Result of a successful link: the accounts linked by this action and the message to show."""

    linked: list[LinkedAccountView]
    message: str


# --- Cabinet -----------------------------------------------------------------------------


def linked_account_ids(resident_id: int):
    """SELECT of the ids of the resident's linked accounts, to be used inside another query."""
    return select(ResidentAccountLink.personal_account_id).where(ResidentAccountLink.resident_id == resident_id)


def _accounts_awaiting_accounting(session: Session, account_ids) -> set[int]:
    """Accounts with a document paid through us (a succeeded payment) that its provider has not answered yet."""
    return set(session.exec(
        select(PaymentItem.personal_account_id)
        .join(Payment, col(Payment.id) == PaymentItem.payment_id)
        .outerjoin(NoticeReconciliation, col(NoticeReconciliation.payment_item_id) == PaymentItem.id)
        .where(col(PaymentItem.personal_account_id).in_(account_ids))
        .where(Payment.status == ps.SUCCEEDED)
        .where(col(NoticeReconciliation.id).is_(None))
        .distinct()
    ).all())


def _linked_view(details: AccountDetails, unpaid: UnpaidSummary, awaiting: bool = False) -> LinkedAccountView:
    """Copy plain values into the browser-safe view."""
    account = details.account
    return LinkedAccountView(
        account_id=stored_id(account),
        number=account.number,
        els=account.els,
        izhku=account.izhku,
        provider_name=details.provider.short_name,
        address=premises_address(details.house, details.premises),
        amount_due_kopecks=unpaid.kopecks,
        amount_due_text=format_rubles(unpaid.kopecks),
        unpaid_documents=unpaid.documents,
        awaiting_accounting=awaiting,
    )


def _views(session: Session, account_ids) -> list[LinkedAccountView]:
    """Views of the given accounts (list or SELECT of ids) in two queries, by address then provider."""
    details = account_details(session, account_ids)
    unpaid = unpaid_by_account(session, account_ids)
    awaiting = _accounts_awaiting_accounting(session, account_ids)
    views = [_linked_view(item, unpaid.get(stored_id(item.account), UnpaidSummary()),
                          stored_id(item.account) in awaiting) for item in details]
    return sorted(views, key=lambda view: (natural_key(view.address), natural_key(view.provider_name), view.account_id))


def linked_accounts(session: Session, resident_id: int) -> list[LinkedAccountView]:
    """The cabinet's accounts with Σ amount_due of their issued documents: two queries for any number of accounts."""
    return _views(session, linked_account_ids(resident_id))


# --- Access checks ---------------------------------------------------------------------------


def require_linked_account(session: Session, resident_id: int, account_id: int) -> PersonalAccount:
    """The account, if it is linked to the resident; AccessDenied otherwise. Call it in every account handler."""
    account = None
    if is_record_id(account_id):
        account = session.exec(
            select(PersonalAccount)
            .join(ResidentAccountLink, col(ResidentAccountLink.personal_account_id) == PersonalAccount.id)
            .where(PersonalAccount.id == account_id, ResidentAccountLink.resident_id == resident_id)
        ).first()
    if account is None:
        raise AccessDenied(MSG_ACCOUNT_NOT_LINKED)
    return account


def require_accessible_document(session: Session, resident_id: int, document_id: int) -> PaymentDocument:
    """The document, if its account is linked to the resident; AccessDenied otherwise.

    Whether a withdrawn or fully paid document may be paid is the payment
    service's question; this only answers «is it this resident's».
    """
    document = None
    if is_record_id(document_id):
        document = session.exec(
            select(PaymentDocument)
            .where(PaymentDocument.id == document_id)
            .where(col(PaymentDocument.personal_account_id).in_(linked_account_ids(resident_id)))
        ).first()
    if document is None:
        raise AccessDenied(MSG_DOCUMENT_NOT_ACCESSIBLE)
    return document


# --- Linking ------------------------------------------------------------------------------------


def link_by_address(
    session: Session,
    resident_id: int,
    *,
    house_id: int | None,
    flat: str,
    provider_id: int | None,
    account_number: str,
) -> LinkOutcome:
    """Link the account a provider placed under this number, if its premises are that house and flat.

    Fields are checked in the dialog's order (house, flat, provider, number);
    then the account must exist at that provider and sit at that address.
    Raises AccountLinkError with the field to highlight.
    """
    house, provider, number = _address_form(session, house_id, flat, provider_id, account_number)
    account = session.exec(
        select(PersonalAccount).where(PersonalAccount.provider_id == provider.id, PersonalAccount.number == number)
    ).first()
    if account is None:
        raise AccountLinkError(
            "account_number",
            f"Лицевой счёт № {number} у организации {provider.short_name} не найден. Проверьте номер по квитанции",
        )
    _require_same_premises(session, account, house, flat)
    return _link(session, resident_id, [account], field="account_number")


def _address_form(
    session: Session, house_id: int | None, flat: str, provider_id: int | None, account_number: str
) -> tuple[House, ProviderOrganisation, str]:
    """The chosen house and provider and the normalised number, or AccountLinkError for the first bad field."""
    house = session.get(House, house_id) if is_record_id(house_id) else None
    if house is None:
        raise AccountLinkError("house", MSG_CHOOSE_HOUSE)
    if not normalize_flat(flat):
        raise AccountLinkError("flat", MSG_FLAT_EMPTY)
    provider = session.get(ProviderOrganisation, provider_id) if is_record_id(provider_id) else None
    if provider is None:
        raise AccountLinkError("provider", MSG_CHOOSE_PROVIDER)
    try:
        number = normalize_account_number(account_number)
    except IdentifierError as error:
        raise AccountLinkError("account_number", str(error)) from error
    return house, provider, number


def _require_same_premises(session: Session, account: PersonalAccount, house: House, flat: str) -> None:
    """Refuse unless the account's premises are in ``house`` and are ``flat`` (the field to fix is highlighted)."""
    premises = session.get_one(Premises, account.premises_id)
    if premises.house_id != house.id:
        raise AccountLinkError("house", MSG_ADDRESS_MISMATCH)
    if normalize_flat(premises.flat) != normalize_flat(flat):
        raise AccountLinkError("flat", MSG_ADDRESS_MISMATCH)


def link_by_identifier(session: Session, resident_id: int, identifier: str) -> LinkOutcome:
    """Link by the ЕЛС (every account of the premises not linked yet) or the ИЖКУ (that one account).

    Latin look-alikes («77HP482913») are read as Cyrillic. Raises
    AccountLinkError on field «identifier».
    """
    if not (identifier or "").strip():
        raise AccountLinkError("identifier", MSG_IDENTIFIER_EMPTY_LINK)
    try:
        parsed = parse_account_identifier(identifier, ("els", "izhku"))
    except IdentifierError as error:
        raise AccountLinkError("identifier", str(error)) from error
    accounts = accounts_by_identifier(session, parsed)
    if not accounts:
        raise AccountLinkError("identifier", identifier_not_found_message(parsed))
    return _link(session, resident_id, accounts, field="identifier")


def _link(session: Session, resident_id: int, accounts: list[PersonalAccount], *, field: str) -> LinkOutcome:
    """Insert links for the accounts not linked yet (flush only), or AccountLinkError on ``field`` if none is new."""
    offered = [account.id for account in accounts]
    already = set(
        session.exec(
            linked_account_ids(resident_id).where(col(ResidentAccountLink.personal_account_id).in_(offered))
        ).all()
    )
    new = [account for account in accounts if account.id not in already]
    if not new:
        raise AccountLinkError(field, MSG_ALREADY_LINKED)
    session.add_all(
        ResidentAccountLink(resident_id=resident_id, personal_account_id=stored_id(account)) for account in new
    )
    session.flush()
    return LinkOutcome(linked=_views(session, [account.id for account in new]), message=_linked_message(new))


def _linked_message(accounts: list[PersonalAccount]) -> str:
    """«Лицевой счёт № 1001027 подключён» or «Лицевые счета № 1001015, 5600100015 подключены»."""
    numbers = ", ".join(account.number for account in accounts)
    if len(accounts) == 1:
        return f"Лицевой счёт № {numbers} подключён"
    return f"Лицевые счета № {numbers} подключены"


def unlink(session: Session, resident_id: int, account_id: int) -> str:
    """Remove the resident's own link (other residents keep theirs); AccessDenied if it is not linked."""
    account = require_linked_account(session, resident_id, account_id)
    session.exec(
        delete(ResidentAccountLink).where(
            col(ResidentAccountLink.resident_id) == resident_id,
            col(ResidentAccountLink.personal_account_id) == account.id,
        )
    )
    session.flush()
    return f"Лицевой счёт № {account.number} отключён"
