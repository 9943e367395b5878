"""Tables of the ГИС ЖКХ side: providers, houses, personal accounts, payment documents, residents.

Plain ``sqlmodel.SQLModel`` tables (not ``rx.Model``) so the ``gkh`` command line
tool and the services layer work without importing Reflex. Money is always an
integer number of kopecks (``*_kopecks`` columns, BIGINT so that sums above
21 million roubles still fit on PostgreSQL); quantities (area, volume, tariff)
are exact ``Decimal`` values in NUMERIC columns, never floats. (SQLite keeps
NUMERIC values in its REAL storage class; at most 14 significant digits
round-trip exactly, and SQLAlchemy hands them back as ``Decimal`` at the
column's scale.)

Cheap invariants are also CHECK constraints, so that a bug in an importer or a
hand-written SQL fix cannot store a service line that does not add up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Named constraints: alembic batch mode on SQLite can only drop or alter
# constraints that have names, and PostgreSQL error messages become readable.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PROVIDER_KINDS = ("management", "resource", "capital_repair")
"""управляющая организация / ресурсоснабжающая организация / фонд капремонта."""

SERVICE_KINDS = ("housing", "communal", "capital_repair", "other")
"""жилищная услуга / коммунальная услуга / взнос на капремонт / прочие услуги."""

DOCUMENT_STATUSES = ("issued", "withdrawn")
"""выставлен / отозван (ГИС ЖКХ flags ``Expose`` / ``Withdraw``)."""


def utc_now() -> datetime:
    """Timestamps are stored in UTC; the UI converts them to Moscow time."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """The same instant as an aware UTC datetime.

    SQLite hands ``DateTime(timezone=True)`` values back naive (they were
    stored as UTC wall time), PostgreSQL hands them back aware; comparing the
    two kinds raises, so code that compares stored timestamps passes both
    sides through here.
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class _StoredRow(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: _StoredRow) -> int:
    """The primary key of a row read from the database or flushed to it.

    Every table declares ``id: int | None`` because a row built in Python has no key until
    the database gives it one; past a query or a ``flush()`` it always has one. A row that
    was never stored is a bug in the caller, so it raises rather than passing ``None`` on.
    """
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: it was never flushed to the database")
    return row.id


def stored_key(key: int | None) -> int:
    """A primary key selected as a column (``select(Table.id)``): NOT NULL in the table, so always set.

    Only the Python annotation (``int | None``, see ``stored_id``) admits ``None``.
    """
    if key is None:
        raise ValueError("a primary key came back NULL from the database")
    return key


def _one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL text of a CHECK that keeps a string column within a fixed vocabulary."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def kopecks_field(**kwargs: Any) -> Any:
    """An integer-kopecks column (BIGINT: PostgreSQL INTEGER tops out at 21 474 836,47 ₽)."""
    return Field(sa_type=sa.BigInteger, **kwargs)


def aware_datetime_field(**kwargs: Any) -> Any:
    """A timestamp column that keeps the time zone where the database can."""
    return Field(sa_type=sa.DateTime(timezone=True), **kwargs)


class ProviderOrganisation(SQLModel, table=True):
    """Исполнитель ЖКУ: управляющая организация, РСО or фонд капремонта, with its bank requisites."""

    __tablename__ = "provider_organisation"
    __table_args__ = (
        sa.CheckConstraint(_one_of("kind", PROVIDER_KINDS), name="kind_allowed"),
        sa.CheckConstraint("length(inn) IN (10, 12)", name="inn_length"),
        sa.CheckConstraint("length(bik) = 9", name="bik_length"),
        sa.CheckConstraint("length(settlement_account) = 20", name="settlement_account_length"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255)
    short_name: str = Field(max_length=120)
    kind: str = Field(max_length=20)
    inn: str = Field(max_length=12, unique=True)
    kpp: str | None = Field(default=None, max_length=9)
    address: str = Field(max_length=500)
    phone: str = Field(max_length=32)
    email: str = Field(max_length=255)
    recipient_name: str = Field(max_length=255)
    """Получатель платежа as printed in the bank transfer (usually the full name)."""
    bank_name: str = Field(max_length=255)
    bik: str = Field(max_length=9)
    settlement_account: str = Field(max_length=20)
    correspondent_account: str | None = Field(default=None, max_length=20)


class House(SQLModel, table=True):
    """Многоквартирный дом, identified in ГИС ЖКХ by its ФИАС/ГАР GUID."""

    __tablename__ = "house"

    id: int | None = Field(default=None, primary_key=True)
    region: str = Field(max_length=120)
    """Субъект РФ, e.g. «г. Москва»."""
    city: str = Field(max_length=120)
    """Населённый пункт, e.g. «Москва»."""
    street: str = Field(max_length=255)
    """Street with its type, e.g. «ул. Лесная»."""
    house_number: str = Field(max_length=40)
    """Number with корпус/строение, without «д.», e.g. «12, корп. 2»."""
    fias_guid: str = Field(max_length=36, unique=True)

    @property
    def address(self) -> str:
        """Postal address of the house as printed on a payment document."""
        return house_address(self.region, self.street, self.house_number)


def house_address(region: str, street: str, house_number: str) -> str:
    """«г. Москва, ул. Лесная, д. 12, корп. 2»: also for a house known only from its parts (the demo's specs)."""
    return f"{region}, {street}, д. {house_number}"


class Premises(SQLModel, table=True):
    """Помещение in a house. ``flat`` holds only the number/text: «15», «15, комн. 2»."""

    __tablename__ = "premises"
    __table_args__ = (sa.UniqueConstraint("house_id", "flat", name="uq_premises_house_flat"),)

    id: int | None = Field(default=None, primary_key=True)
    house_id: int = Field(foreign_key="house.id")
    """Indexed by the (house_id, flat) unique constraint."""
    flat: str = Field(max_length=40)


def premises_address(house: House, premises: Premises) -> str:
    """Full address of a flat («г. Москва, ул. Лесная, д. 12, корп. 2, кв. 15»)."""
    return flat_address(house.address, premises.flat)


def flat_address(house_address: str, flat: str) -> str:
    """A house's address with the flat added, the one way every screen and the demo write it."""
    return f"{house_address}, кв. {flat}"


class PersonalAccount(SQLModel, table=True):
    """Лицевой счёт у поставщика, with its ГИС ЖКХ identifiers ЕЛС (10) and ИЖКУ (13)."""

    __tablename__ = "personal_account"
    __table_args__ = (
        sa.UniqueConstraint("provider_id", "number", name="uq_personal_account_provider_number"),
        sa.CheckConstraint("length(els) = 10", name="els_length"),
        sa.CheckConstraint("length(izhku) = 13", name="izhku_length"),
        sa.CheckConstraint("total_area > 0", name="total_area_positive"),
        sa.CheckConstraint("residents_count >= 0", name="residents_count_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=30)
    """Номер лицевого счёта у поставщика (1–30 characters)."""
    els: str = Field(max_length=10, index=True)
    izhku: str = Field(max_length=13, unique=True)
    provider_id: int = Field(foreign_key="provider_organisation.id")
    """Indexed by the (provider_id, number) unique constraint."""
    premises_id: int = Field(foreign_key="premises.id", index=True)
    payer_name: str = Field(max_length=255)
    total_area: Decimal = Field(max_digits=8, decimal_places=2)
    """Общая площадь, м²."""
    residents_count: int = Field(default=0)


class PaymentDocument(SQLModel, table=True):
    """Платёжный документ (ЕПД) for one personal account and one month.

    ``total_kopecks`` = Σ service lines to pay + ``debt_or_advance_kopecks`` +
    ``penalties_kopecks``: what the resident owes for this document. The
    services layer checks it with ``domain.charges.document_total`` before insert.
    """

    __tablename__ = "payment_document"
    __table_args__ = (
        sa.UniqueConstraint(
            "personal_account_id", "period_year", "period_month", "number",
            name="uq_payment_document_account_period_number",
        ),
        sa.CheckConstraint("length(ipd) = 18", name="ipd_length"),
        sa.CheckConstraint("period_month BETWEEN 1 AND 12", name="period_month_range"),
        sa.CheckConstraint("period_year BETWEEN 2000 AND 2099", name="period_year_range"),
        sa.CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        sa.CheckConstraint("penalties_kopecks >= 0", name="penalties_not_negative"),
        sa.CheckConstraint("paid_kopecks >= 0", name="paid_not_negative"),
        sa.CheckConstraint(_one_of("status", DOCUMENT_STATUSES), name="status_allowed"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ipd: str = Field(max_length=18, unique=True)
    number: str = Field(max_length=30)
    """Номер платёжного документа, присвоенный исполнителем."""
    personal_account_id: int = Field(foreign_key="personal_account.id")
    """Indexed by the (account, year, month, number) unique constraint, which also serves look-ups by period."""
    period_year: int
    period_month: int
    issue_date: date
    due_date: date
    debt_or_advance_kopecks: int = kopecks_field(default=0)
    """Задолженность (> 0) или аванс (< 0) на начало расчётного периода."""
    penalties_kopecks: int = kopecks_field(default=0)
    total_kopecks: int = kopecks_field()
    """Итого к оплате с учётом задолженности/аванса и пеней."""
    paid_kopecks: int = kopecks_field(default=0)
    """Оплачено (учтено исполнителем)."""
    status: str = Field(default="issued", max_length=20)


class ServiceLine(SQLModel, table=True):
    """One row of section 3 of the document: a service, its volume, tariff and money.

    ``to_pay_kopecks`` = ``charged_kopecks`` + ``recalculation_kopecks`` −
    ``benefit_kopecks``; the CHECK below refuses anything else.
    """

    __tablename__ = "service_line"
    __table_args__ = (
        sa.UniqueConstraint("payment_document_id", "position", name="uq_service_line_document_position"),
        sa.CheckConstraint(_one_of("service_kind", SERVICE_KINDS), name="service_kind_allowed"),
        sa.CheckConstraint("charged_kopecks >= 0", name="charged_not_negative"),
        sa.CheckConstraint("benefit_kopecks >= 0", name="benefit_not_negative"),
        sa.CheckConstraint(
            "to_pay_kopecks = charged_kopecks + recalculation_kopecks - benefit_kopecks",
            name="to_pay_adds_up",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    payment_document_id: int = Field(foreign_key="payment_document.id", ondelete="CASCADE")
    """Indexed by the (payment_document_id, position) unique constraint."""
    position: int
    """1-based order of the line on the document."""
    service_name: str = Field(max_length=255)
    service_kind: str = Field(max_length=20)
    unit: str = Field(max_length=20)
    """Единица измерения: «м²», «м³», «Гкал», «кВт·ч», «чел.», «шт.»."""
    volume: Decimal | None = Field(default=None, max_digits=14, decimal_places=4)
    tariff: Decimal | None = Field(default=None, max_digits=12, decimal_places=4)
    """Тариф, руб. за единицу."""
    charged_kopecks: int = kopecks_field()
    """Начислено за расчётный период (без перерасчётов и льгот)."""
    recalculation_kopecks: int = kopecks_field(default=0)
    """Перерасчёт: доначисление (> 0) или уменьшение (< 0)."""
    benefit_kopecks: int = kopecks_field(default=0)
    """Льготы, субсидии, скидки."""
    to_pay_kopecks: int = kopecks_field()
    """Итого к оплате за расчётный период по услуге."""


class Resident(SQLModel, table=True):
    """Житель with a ГИС ЖКХ personal cabinet, created on first sign-in through ЕСИА.

    ``agreement_accepted_at`` stays NULL until the resident accepts the
    Пользовательское соглашение on «Доступ гражданина в личный кабинет ГИС ЖКХ».
    """

    __tablename__ = "resident"

    id: int | None = Field(default=None, primary_key=True)
    esia_subject_id: str = Field(max_length=64, unique=True)
    last_name: str = Field(max_length=100)
    first_name: str = Field(max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    snils: str | None = Field(default=None, max_length=11)
    phone: str | None = Field(default=None, max_length=16)
    email: str | None = Field(default=None, max_length=255)
    agreement_version: str | None = Field(default=None, max_length=32)
    agreement_accepted_at: datetime | None = aware_datetime_field(default=None)
    created_at: datetime = aware_datetime_field(default_factory=utc_now)


class ResidentAccountLink(SQLModel, table=True):
    """A personal account connected («подключён») to a resident's cabinet."""

    __tablename__ = "resident_account_link"
    __table_args__ = (sa.UniqueConstraint("resident_id", "personal_account_id", name="uq_resident_account_link_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", ondelete="CASCADE")
    """Indexed by the (resident_id, personal_account_id) unique constraint."""
    personal_account_id: int = Field(foreign_key="personal_account.id", index=True)
    linked_at: datetime = aware_datetime_field(default_factory=utc_now)


SESSION_END_REASONS = ("logout", "idle", "replaced", "expired", "revoked")
"""«Выйти» / the kiosk's idle limit passed / a new sign-in on the same tab replaced it / the absolute
lifetime (``GKH_SESSION_MAX_SECONDS``) ran out / an operator or the resident's next sign-in elsewhere ended it."""


class ResidentSession(SQLModel, table=True):
    """One sign-in of a resident on one browser tab; the browser holds only the random token.

    The token is stored as a SHA-256 hex digest, so a copy of the database
    cannot be used to take over a signed-in kiosk.
    """

    __tablename__ = "resident_session"
    __table_args__ = (
        sa.CheckConstraint(_one_of("end_reason", SESSION_END_REASONS), name="end_reason_allowed"),
        sa.CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="ended_with_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    resident_id: int = Field(foreign_key="resident.id", ondelete="CASCADE", index=True)
    created_at: datetime = aware_datetime_field(default_factory=utc_now)
    last_seen_at: datetime = aware_datetime_field(default_factory=utc_now)
    ended_at: datetime | None = aware_datetime_field(default=None)
    end_reason: str | None = Field(default=None, max_length=20)


# --- Payments (issue 5) ----------------------------------------------------------------------------

PAYMENT_STATUSES = ("created", "submitted", "awaiting_customer", "succeeded", "failed", "canceled", "expired")
"""Mirror of ``domain.payment_states.STATUSES`` (the transition table lives there)."""

PAYMENT_METHODS = ("card", "wallet")
"""Банковская карта / кошелёк; NULL until the resident chooses."""

PAYMENT_EVENT_SOURCES = ("app", "gateway", "webhook", "reconciler")


class Payment(SQLModel, table=True):
    """One attempt of a resident to pay one or more payment documents through a gateway.

    The row and its ``idempotency_key`` are written before the first HTTP call;
    every retry of the create request sends the same key. ``status`` changes
    only through ``services.payments.transition`` (which also writes
    ``payment_event``). No card number or CVC is ever stored: only the brand and
    the last four digits the gateway reports.
    """

    __tablename__ = "payment"
    __table_args__ = (
        sa.CheckConstraint(_one_of("status", PAYMENT_STATUSES), name="status_allowed"),
        sa.CheckConstraint(f"method IS NULL OR {_one_of('method', PAYMENT_METHODS)}", name="method_allowed"),
        sa.CheckConstraint("amount_kopecks > 0", name="amount_positive"),
        sa.CheckConstraint("commission_kopecks >= 0", name="commission_not_negative"),
        sa.CheckConstraint("card_last4 IS NULL OR length(card_last4) = 4", name="card_last4_length"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=32, unique=True)
    """uuid4 hex: sent to the gateway as ``metadata.payment_id`` and usable in return URLs (not guessable)."""
    resident_id: int = Field(foreign_key="resident.id", index=True)
    idempotency_key: str = Field(max_length=64, unique=True)
    gateway: str = Field(max_length=30)
    gateway_payment_id: str | None = Field(default=None, max_length=64, unique=True)
    status: str = Field(max_length=20, index=True)
    method: str | None = Field(default=None, max_length=10)
    amount_kopecks: int = kopecks_field()
    """What the documents get (Σ of the items); the payer is charged this plus ``commission_kopecks``."""
    commission_kopecks: int = kopecks_field(default=0, sa_column_kwargs={"server_default": "0"})
    """The method's commission as the gateway declared it when the payment was created (0: none)."""
    description: str = Field(max_length=128)
    return_url: str | None = Field(default=None, max_length=2000)
    """Kept so that a replayed create sends exactly the same body."""
    confirmation_url: str | None = Field(default=None, max_length=2000)
    card_brand: str | None = Field(default=None, max_length=30)
    card_last4: str | None = Field(default=None, max_length=4)
    receipt_email: str | None = Field(default=None, max_length=255)
    failure_reason: str | None = Field(default=None, max_length=64)
    needs_review: bool = Field(default=False)
    """Set when the gateway contradicted us (amount mismatch, success after a local failure)."""
    created_at: datetime = aware_datetime_field(default_factory=utc_now)
    updated_at: datetime = aware_datetime_field(default_factory=utc_now)
    finished_at: datetime | None = aware_datetime_field(default=None)

    @property
    def charged_kopecks(self) -> int:
        """What leaves the payer's card or wallet: the documents' sum plus the commission."""
        return self.amount_kopecks + self.commission_kopecks

    @property
    def number(self) -> str:
        """Public number for the resident: «П-000123»."""
        return f"П-{self.id:06d}"


class PaymentItem(SQLModel, table=True):
    """One payment document inside a payment, with the amount paid for it.

    ``open`` is 1 while the payment is unfinished and NULL once it is final; the
    UNIQUE (payment_document_id, open) constraint lets the database refuse a
    second unfinished payment of the same document (NULLs never collide, on
    SQLite and PostgreSQL alike).
    """

    __tablename__ = "payment_item"
    __table_args__ = (
        sa.UniqueConstraint("payment_document_id", "open", name="uq_payment_item_document_open"),
        sa.UniqueConstraint("payment_id", "payment_document_id", name="uq_payment_item_payment_document"),
        sa.CheckConstraint("open IS NULL OR open = 1", name="open_one_or_null"),
        sa.CheckConstraint("amount_kopecks > 0", name="amount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", ondelete="CASCADE")
    """Indexed by the (payment_id, payment_document_id) unique constraint."""
    payment_document_id: int = Field(foreign_key="payment_document.id")
    """Indexed by the (payment_document_id, open) unique constraint."""
    personal_account_id: int = Field(foreign_key="personal_account.id", index=True)
    amount_kopecks: int = kopecks_field()
    open: int | None = Field(default=1)


NOTICE_ACCOUNTED = "accounted"
NOTICE_REJECTED = "rejected"
NOTICE_OUTCOMES = (NOTICE_ACCOUNTED, NOTICE_REJECTED)


class NoticeReconciliation(SQLModel, table=True):
    """The provider's answer to one payment notice (a paid document of a succeeded payment).

    A succeeded payment credits its documents at once («Оплачен, ожидает учёта поставщиком»);
    the provider then confirms each notice («Учтено организацией», with the provider's date) or
    rejects it («не квитирован», with a reason, kept for support). One answer per notice: a second
    reconciliation of the same notice changes nothing (``gkh import reconciliation``).
    """

    __tablename__ = "notice_reconciliation"
    __table_args__ = (
        sa.CheckConstraint(_one_of("outcome", NOTICE_OUTCOMES), name="outcome_allowed"),
        sa.CheckConstraint("outcome = 'accounted' OR reason IS NOT NULL", name="rejection_has_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    payment_item_id: int = Field(foreign_key="payment_item.id", unique=True)
    outcome: str = Field(max_length=10)
    provider_date: date
    """The date the provider gives for its accounting (or its rejection)."""
    reason: str | None = Field(default=None, max_length=500)
    recorded_at: datetime = aware_datetime_field(default_factory=utc_now)


class PaymentEvent(SQLModel, table=True):
    """Append-only log of every status change of a payment (and of the ignored gateway contradictions)."""

    __tablename__ = "payment_event"
    __table_args__ = (sa.CheckConstraint(_one_of("source", PAYMENT_EVENT_SOURCES), name="source_allowed"),)

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", ondelete="CASCADE", index=True)
    at: datetime = aware_datetime_field(default_factory=utc_now)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    source: str = Field(max_length=20)
    detail: str | None = Field(default=None, sa_type=sa.Text)
    """JSON text; never card data, never credentials."""


class BackgroundLease(SQLModel, table=True):
    """Who runs a background job (the payment reconciler) until when.

    Every backend worker starts the same lifespan tasks; a worker does a round
    only while it holds the job's lease, taken with one conditional UPDATE, so
    the job runs once across all workers and another worker takes over within
    one lease period when the holder dies.
    """

    __tablename__ = "background_lease"

    name: str = Field(primary_key=True, max_length=60)
    holder: str = Field(max_length=200)
    expires_at: datetime = aware_datetime_field()


class RateLimitCounter(SQLModel, table=True):
    """How many times one subject did one limited thing in one fixed window (when Redis is not set).

    ``key_hash`` is the SHA-256 of «limit name:subject» (a tab token, a client address, a resident id):
    the table never holds an address or a token in clear. One row per key and window; the count
    goes up with a single upsert, so concurrent workers never lose an increment.
    """

    __tablename__ = "rate_limit_counter"

    key_hash: str = Field(primary_key=True, max_length=64)
    window_start: int = Field(primary_key=True, sa_type=sa.BigInteger)
    """Unix seconds at which the window began (a multiple of the window's length)."""
    count: int = Field(default=0)
    expires_at: int = Field(sa_type=sa.BigInteger, index=True)
    """Unix seconds after which the row can be deleted."""


# --- Receipts by e-mail (issue 13) -----------------------------------------------------------------

RECEIPT_MAIL_STATUSES = ("pending", "sending", "sent", "failed")
"""Waiting (first time or after a temporary failure) / claimed by a sender, outcome not yet recorded /
accepted by the SMTP server / refused for good (a 5xx, or too many attempts)."""

RECEIPT_MAIL_OUTCOMES = ("sent", "temporary", "permanent", "unknown")
"""An attempt: accepted / 4xx or the server unreachable / 5xx / the connection broke after the letter
went out (or the sender died): the outcome is unknown, so the retry carries the same Message-ID."""


class ReceiptMail(SQLModel, table=True):
    """The «send the receipt» job of one succeeded payment: a transactional outbox.

    Written by ``services.payments.status.transition`` in the very transaction that marks the
    payment succeeded, so a crash can lose neither the payment's success nor its letter. The
    sender (``services.mail.outbox``) claims a job with a conditional UPDATE, talks to SMTP
    outside any transaction and records the outcome; every try is a ``receipt_mail_attempt``.
    """

    __tablename__ = "receipt_mail"
    __table_args__ = (
        sa.CheckConstraint(_one_of("status", RECEIPT_MAIL_STATUSES), name="status_allowed"),
        sa.Index("ix_receipt_mail_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", ondelete="CASCADE", unique=True)
    to_address: str | None = Field(default=None, max_length=255)
    """Where the letter goes. Set for every job; NULL only once the letter is finished (sent or given up)
    and the payment's retention of the address ran out (``services.retention``)."""
    message_id: str = Field(max_length=200, unique=True)
    """``<receipt-000042-…@domain>``: the same on every try, so a letter sent twice is recognisable."""
    status: str = Field(max_length=10, default="pending")
    attempts: int = Field(default=0)
    next_attempt_at: datetime = aware_datetime_field(default_factory=utc_now)
    claimed_until: datetime | None = aware_datetime_field(default=None)
    """While ``sending``: after this moment the claim counts as a dead sender's (outcome unknown)."""
    last_error: str | None = Field(default=None, max_length=300)
    """The SMTP server's answer to the last failed try, in its words (never a password)."""
    created_at: datetime = aware_datetime_field(default_factory=utc_now)
    sent_at: datetime | None = aware_datetime_field(default=None)


class ReceiptMailAttempt(SQLModel, table=True):
    """One try at sending a receipt: when, by whom, and what the SMTP server said."""

    __tablename__ = "receipt_mail_attempt"
    __table_args__ = (
        sa.CheckConstraint(f"outcome IS NULL OR {_one_of('outcome', RECEIPT_MAIL_OUTCOMES)}", name="outcome_allowed"),
    )

    id: int | None = Field(default=None, primary_key=True)
    receipt_mail_id: int = Field(foreign_key="receipt_mail.id", ondelete="CASCADE", index=True)
    started_at: datetime = aware_datetime_field(default_factory=utc_now)
    finished_at: datetime | None = aware_datetime_field(default=None)
    holder: str = Field(max_length=200)
    outcome: str | None = Field(default=None, max_length=10)
    """NULL while the try runs (or when its sender died: then it counts as «unknown»)."""
    smtp_code: int | None = Field(default=None)
    detail: str | None = Field(default=None, max_length=300)
