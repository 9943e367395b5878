"""Finding personal accounts without a resident: house suggestions, providers of a house, «оплатить по другому ЛС».

Used by both dialogs of the cabinet: «Подключить лицевой счёт» (region → house →
flat → provider → account number, or ЕЛС/ИЖКУ) and «Оплатить по другому
лицевому счёту» (ЕЛС, ИЖКУ, ИПД, or house + account number). Matching follows
design/domain.md §2.1: exact on identifiers after normalisation (Latin
look-alikes → Cyrillic, spaces dropped), exact on the provider's account number
after trimming.

Decisions:

* House suggestions match words in Python over the houses of one region. The
  demo (and a kiosk serving a few management companies) knows a handful of
  houses, and this keeps «ё = е» and «every word is a prefix of some address
  word» identical on SQLite and PostgreSQL. A country-wide house register would
  need a normalised search column or full-text index instead.
* A public view (``PublicAccountView``) shows what a payer needs to recognise
  the premises and the recipient of the money: street, house and flat, but not
  the city (the region is fixed by the identifier's context) and NEVER the
  payer's name. The flat is shown because whoever holds the bill already sees
  the address on it, and paying someone else's flat by a typo is the worse
  mistake; the name is personal data the payer does not need.
* Anyone may look up and pay any account (as in ГИС ЖКХ and at any bank), so
  these functions take no resident. Look-ups are rate-limited in front of them
  (``services.rate_limits``, per tab and per client address), and the account id
  never reaches the browser: the state hands out a short-lived opaque reference.

No Reflex here: views are frozen dataclasses of ``str``/``int`` only, ready to
be stored in Reflex state and sent to the browser.
"""

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, col, select

from gkh_web.db.models import (
    House,
    PaymentDocument,
    PersonalAccount,
    Premises,
    ProviderOrganisation,
    stored_id,
    stored_key,
)
from gkh_web.domain.charges import amount_due
from gkh_web.domain.identifiers import (
    IdentifierError,
    normalize_account_number,
    normalize_els,
    normalize_ipd,
    normalize_izhku,
)
from gkh_web.domain.money import format_rubles

IdentifierKind = Literal["els", "izhku", "ipd"]

MSG_CHOOSE_HOUSE = "Выберите дом из подсказок"
MSG_IDENTIFIER_EMPTY_LINK = "Введите ЕЛС или идентификатор ЖКУ из квитанции"
MSG_IDENTIFIER_EMPTY_PAY = (
    "Введите ЕЛС, идентификатор ЖКУ или идентификатор платёжного документа из квитанции"
    " либо выберите дом и укажите номер лицевого счёта"
)
MSG_NOT_PLACED_HINT = "Возможно, поставщик ещё не разместил его — проверьте номер по квитанции"
MSG_PUBLIC_ACCOUNT_GONE = "Лицевой счёт не найден. Повторите поиск"

_WORD_RE = re.compile(r"[0-9]+|[^\W\d_]+")
"""Runs of digits or of letters: «12к2» → «12», «к», «2», so «д.12» and «12 корп 2» both match."""
_FLAT_PREFIX_RE = re.compile(r"^(?:квартира|кв\.?|№)\s*")
_SPACES_RE = re.compile(r"\s+")


class AccountFormError(ValueError):
    """A problem with one field of an account form: ``field`` names it, ``str(error)`` is the Russian text."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class AccountLookupError(AccountFormError):
    """«Оплатить по другому лицевому счёту» cannot find what was typed; ``field``: identifier, house, account_number."""


# --- Text matching ---------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case- and ё-insensitive form: people type «березовая» for «Берёзовая»."""
    return text.casefold().replace("ё", "е")


def address_words(text: str) -> list[str]:
    """Folded words of an address or a query, digits and letters split apart."""
    return _WORD_RE.findall(_fold(text))


def words_match(query: str, text: str) -> bool:
    """True if every word of ``query`` starts some word of ``text`` (so a half-typed word already matches)."""
    words = address_words(text)
    return all(any(word.startswith(part) for word in words) for part in address_words(query))


def natural_key(text: str) -> tuple:
    """Sort key that orders «кв. 8» before «кв. 15» and ignores case and ё."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in address_words(text))


def normalize_flat(text: str) -> str:
    """Flat as compared with the stored one: trimmed, folded, without «кв.», «квартира» or «№»."""
    folded = _SPACES_RE.sub(" ", _fold(text or "").strip())
    return _FLAT_PREFIX_RE.sub("", folded).strip()


# --- Regions, houses, providers ------------------------------------------------------------


@dataclass(frozen=True)
class HouseChoice:
    """A house suggested in the address step; ``label`` as the resident reads it."""

    house_id: int
    label: str


@dataclass(frozen=True)
class ProviderChoice:
    """An organisation serving the chosen house."""

    provider_id: int
    name: str


def regions(session: Session) -> list[str]:
    """Subjects of the Federation that have at least one known house, alphabetically."""
    return sorted(session.exec(select(House.region).distinct()).all(), key=natural_key)


def house_label(house: House, *, with_city: bool = False) -> str:
    """«ул. Лесная, д. 12, корп. 2», prefixed by the city when a region has several."""
    label = f"{house.street}, д. {house.house_number}"
    return f"{house.city}, {label}" if with_city else label


MAX_HOUSE_QUERY_LENGTH = 200
"""No address is longer; a megabyte pasted into the field is not split into words for every house."""


def house_suggestions(session: Session, *, region: str, query: str, limit: int = 8) -> list[HouseChoice]:
    """Houses of ``region`` whose «city street д. number» contains every word of ``query``.

    A blank query, or one longer than any address, suggests nothing: the list appears once the resident types.
    Matching happens in Python over the region's houses (see the module notes).
    """
    if len(query) > MAX_HOUSE_QUERY_LENGTH or not address_words(query) or limit <= 0:
        return []
    houses = session.exec(select(House).where(House.region == region)).all()
    with_city = len({house.city for house in houses}) > 1
    found = [house for house in houses if words_match(query, f"{house.city} {house.street} д. {house.house_number}")]
    choices = [HouseChoice(stored_id(house), house_label(house, with_city=with_city)) for house in found]
    return sorted(choices, key=lambda choice: natural_key(choice.label))[:limit]


def providers_for_house(session: Session, house_id: int) -> list[ProviderChoice]:
    """Organisations with at least one personal account in the house: the only ones that can match."""
    rows = session.exec(
        select(ProviderOrganisation.id, ProviderOrganisation.short_name)
        .join(PersonalAccount, col(PersonalAccount.provider_id) == ProviderOrganisation.id)
        .join(Premises, col(Premises.id) == PersonalAccount.premises_id)
        .where(Premises.house_id == house_id)
        .distinct()
    ).all()
    choices = [ProviderChoice(stored_key(provider_id), name) for provider_id, name in rows]
    return sorted(choices, key=lambda choice: (natural_key(choice.name), choice.provider_id))


# --- Identifiers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountIdentifier:
    """A normalised ЕЛС, ИЖКУ or ИПД and which one it is."""

    kind: IdentifierKind
    value: str

    def described(self) -> str:
        """«ЕЛС 77АБ123456» / «идентификатором ЖКУ …» for messages («Лицевой счёт с …»)."""
        names = {"els": "ЕЛС", "izhku": "идентификатором ЖКУ", "ipd": "идентификатором платёжного документа"}
        return f"{names[self.kind]} {self.value}"


_NORMALIZERS = {"els": normalize_els, "izhku": normalize_izhku, "ipd": normalize_ipd}
_MAX_LENGTH = {"els": 10, "izhku": 13, "ipd": 18}


def parse_account_identifier(text: str, kinds: tuple[IdentifierKind, ...]) -> AccountIdentifier:
    """Tell a ЕЛС (10), ИЖКУ (13) and ИПД (18) apart by length and normalise; IdentifierError if malformed.

    The length decides which format message is shown, so «77АБ12345» gets the
    ЕЛС hint and «77АБ123456-1» the ИЖКУ one. ``kinds`` lists what the form accepts.
    """
    compact = _SPACES_RE.sub("", text or "")
    kind = next((kind for kind in kinds if len(compact) <= _MAX_LENGTH[kind]), kinds[-1])
    return AccountIdentifier(kind, _NORMALIZERS[kind](compact))


def accounts_by_identifier(session: Session, identifier: AccountIdentifier) -> list[PersonalAccount]:
    """Accounts with this ЕЛС (one premises, possibly several providers), ИЖКУ, or holding this ИПД."""
    statement = select(PersonalAccount)
    if identifier.kind == "els":
        statement = statement.where(PersonalAccount.els == identifier.value)
    elif identifier.kind == "izhku":
        statement = statement.where(PersonalAccount.izhku == identifier.value)
    else:
        statement = statement.join(
            PaymentDocument, col(PaymentDocument.personal_account_id) == PersonalAccount.id
        ).where(PaymentDocument.ipd == identifier.value)
    return list(session.exec(statement.order_by(col(PersonalAccount.id))).all())


def identifier_not_found_message(identifier: AccountIdentifier) -> str:
    """What to say when nothing carries the identifier: most often the provider has not placed it yet."""
    if identifier.kind == "ipd":
        return f"Платёжный документ с {identifier.described()} не найден в ГИС ЖКХ. {MSG_NOT_PLACED_HINT}"
    return f"Лицевой счёт с {identifier.described()} не найден в ГИС ЖКХ. {MSG_NOT_PLACED_HINT}"


# --- Account details and what is owed ----------------------------------------------------------


@dataclass(frozen=True)
class AccountDetails:
    """One account with its provider, premises and house, read in one query (server side only)."""

    account: PersonalAccount
    provider: ProviderOrganisation
    premises: Premises
    house: House


@dataclass(frozen=True)
class UnpaidSummary:
    """Σ amount_due over an account's issued documents still owing something, and how many there are."""

    kopecks: int = 0
    documents: int = 0


def account_details(session: Session, account_ids) -> list[AccountDetails]:
    """Accounts whose id is in ``account_ids`` (a list or a SELECT of ids), with provider and address, in one query."""
    rows = session.exec(
        select(PersonalAccount, ProviderOrganisation, Premises, House)
        .join(ProviderOrganisation, col(ProviderOrganisation.id) == PersonalAccount.provider_id)
        .join(Premises, col(Premises.id) == PersonalAccount.premises_id)
        .join(House, col(House.id) == Premises.house_id)
        .where(col(PersonalAccount.id).in_(account_ids))
    ).all()
    return [AccountDetails(*row) for row in rows]


def unpaid_by_account(session: Session, account_ids) -> dict[int, UnpaidSummary]:
    """Unpaid summaries of the accounts in ``account_ids`` (list or SELECT of ids), from one query.

    SQL only pre-filters issued documents with total > paid (the rest owe 0);
    the amount itself comes from ``domain.charges.amount_due``, the one rule for
    «сумма к оплате». Withdrawn documents are not owed.
    """
    rows = session.exec(
        select(PaymentDocument.personal_account_id, PaymentDocument.total_kopecks, PaymentDocument.paid_kopecks)
        .where(col(PaymentDocument.personal_account_id).in_(account_ids))
        .where(PaymentDocument.status == "issued")
        .where(col(PaymentDocument.total_kopecks) > col(PaymentDocument.paid_kopecks))
    ).all()
    return summarize_unpaid(rows)


def summarize_unpaid(rows: Iterable[tuple[int, int, int]]) -> dict[int, UnpaidSummary]:
    """Fold (account id, total, paid) rows into one summary per account, skipping documents that owe nothing."""
    summaries: dict[int, UnpaidSummary] = {}
    for account_id, total, paid in rows:
        due = amount_due(total, paid)
        if due > 0:
            before = summaries.get(account_id, UnpaidSummary())
            summaries[account_id] = UnpaidSummary(before.kopecks + due, before.documents + 1)
    return summaries


# --- «Оплатить по другому лицевому счёту» ---------------------------------------------------------


@dataclass(frozen=True)
class PublicAccountView:
    """An account as shown to someone paying it without linking: no more than a payer needs to recognise it.

    The street, house and flat, the organisation, the account number (printed on the bill the payer
    holds) and what is owed. Never the payer's name; not the ЕЛС, ИЖКУ or bank details either (the
    seed: «реквизиты исполнителя ЖКУ вводить не требуется», and the confirmation names the recipient).
    ``account_id`` stays on the server: the state hands the browser an opaque reference instead.
    """

    account_id: int
    number: str
    provider_name: str
    premises_hint: str
    """«ул. Лесная, д. 12, корп. 2, кв. 42»: enough to recognise the flat, no city, no name."""
    amount_due_kopecks: int
    amount_due_text: str
    unpaid_documents: int


def premises_hint(house: House, premises: Premises) -> str:
    """Street, house and flat: what a payer checks before paying for the flat (see the module notes)."""
    return f"{house_label(house)}, кв. {premises.flat}"


def public_view(details: AccountDetails, unpaid: UnpaidSummary) -> PublicAccountView:
    """The browser-safe view of one account (copies plain values, so no ORM object leaves the session)."""
    account, provider = details.account, details.provider
    return PublicAccountView(
        account_id=stored_id(account),
        number=account.number,
        provider_name=provider.short_name,
        premises_hint=premises_hint(details.house, details.premises),
        amount_due_kopecks=unpaid.kopecks,
        amount_due_text=format_rubles(unpaid.kopecks),
        unpaid_documents=unpaid.documents,
    )


def public_views(session: Session, account_ids: Collection[int]) -> list[PublicAccountView]:
    """Public views of the accounts in two queries, ordered by provider then account number."""
    details = account_details(session, list(account_ids))
    unpaid = unpaid_by_account(session, list(account_ids))
    details.sort(key=lambda item: (natural_key(item.provider.short_name), natural_key(item.account.number)))
    return [public_view(item, unpaid.get(stored_id(item.account), UnpaidSummary())) for item in details]


def find_accounts_to_pay(
    session: Session, *, identifier: str = "", house_id: int | None = None, account_number: str = ""
) -> list[PublicAccountView]:
    """Accounts a visitor may pay: by ЕЛС, ИЖКУ or ИПД, else by house + provider's account number.

    A ЕЛС may return several accounts (one per provider of the flat), as may a
    number shared by two providers of one house: the visitor picks one, then
    the state calls ``public_account`` with its id. Raises AccountLookupError.
    """
    if identifier.strip():
        return public_views(session, [stored_id(account) for account in _accounts_for_identifier(session, identifier)])
    if house_id is None and not account_number.strip():
        raise AccountLookupError("identifier", MSG_IDENTIFIER_EMPTY_PAY)
    return public_views(session, _accounts_in_house(session, house_id, account_number))


def _accounts_for_identifier(session: Session, text: str) -> list[PersonalAccount]:
    """The accounts behind a ЕЛС/ИЖКУ/ИПД, or AccountLookupError on field «identifier»."""
    try:
        identifier = parse_account_identifier(text, ("els", "izhku", "ipd"))
    except IdentifierError as error:
        raise AccountLookupError("identifier", str(error)) from error
    accounts = accounts_by_identifier(session, identifier)
    if not accounts:
        raise AccountLookupError("identifier", identifier_not_found_message(identifier))
    return accounts


def _accounts_in_house(session: Session, house_id: int | None, account_number: str) -> list[int]:
    """Ids of accounts with this number in the house (any provider), or AccountLookupError."""
    if house_id is None or session.get(House, house_id) is None:
        raise AccountLookupError("house", MSG_CHOOSE_HOUSE)
    try:
        number = normalize_account_number(account_number)
    except IdentifierError as error:
        raise AccountLookupError("account_number", str(error)) from error
    ids = session.exec(
        select(PersonalAccount.id)
        .join(Premises, col(Premises.id) == PersonalAccount.premises_id)
        .where(Premises.house_id == house_id, PersonalAccount.number == number)
    ).all()
    if not ids:
        raise AccountLookupError(
            "account_number", f"Лицевой счёт № {number} в этом доме не найден. Проверьте номер по квитанции"
        )
    return [stored_key(account_id) for account_id in ids]


def public_account(session: Session, account_id: int) -> PublicAccountView:
    """Re-read the chosen account from the database (the id came back from the browser)."""
    views = public_views(session, [account_id]) if is_record_id(account_id) else []
    if not views:
        raise AccountLookupError("identifier", MSG_PUBLIC_ACCOUNT_GONE)
    return views[0]


MAX_RECORD_ID = 2**63 - 1
"""The largest id a database column holds; a bigger int from the browser would crash the driver."""


def is_record_id(value: object) -> bool:
    """A real positive ``int`` a column can hold: anything else from the browser (``True``, «5», None, 10**30)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_RECORD_ID
