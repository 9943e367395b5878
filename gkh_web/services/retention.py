"""How long personal data with an obvious end is kept, and the purge that forgets it (152-ФЗ, ст. 5 ч. 7:
data is kept no longer than its purpose needs).

The rules are one table, ``RULES``: what (a table and the rows due), how old (a setting), how (the rows
are deleted, or only their personal columns cleared while the row stays). Everything else is kept on
purpose: payments, their amounts, public ids, items, events, notices and reconciliation are the money's
audit trail, and a resident's profile lives as long as the cabinet.

A payment's receipt address is the one thing cleared from a row that stays. It is dropped everywhere
that payment holds it (the payment, its outbox letter, and any address an SMTP server echoed into the
letter's error text or its tries), but only once the payment is final and its letter is finished (sent
or given up): a letter still waiting or being tried needs its address, and ``services.mail`` never sees
one disappear under it.

The purge works in batches (``GKH_RETENTION_BATCH_SIZE`` rows per transaction): select a batch of keys,
delete or clear exactly those, commit, repeat. A year of backlog is then many short transactions, never
one long lock, and a second run right after finds nothing. The SQL is plain SELECT/UPDATE/DELETE with
``IN``, the same on SQLite and PostgreSQL.

The retention is a deployment's duty over all its databases, so this is the one module that knows the
demo ЕСИА's tables and the sandbox gateway's database too; it only deletes there, it never reads their
data for the app. The sandbox rules apply only where this server runs the sandbox (no ``GKH_GATEWAY_URL``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from gkh_web.db import engine as app_database
from gkh_web.db.esia_models import EsiaAccessToken, EsiaAuthorizationCode, EsiaLoginThrottle
from gkh_web.db.models import (
    Payment,
    RateLimitCounter,
    ReceiptMail,
    ReceiptMailAttempt,
    ResidentSession,
    utc_now,
)
from gkh_web.domain import receipt_mail as rm
from gkh_web.sandbox_gateway import db as sandbox_database
from gkh_web.sandbox_gateway.config import get_sandbox_settings
from gkh_web.settings import Settings, get_settings

DELETE = "delete"
"""The rows go."""
CLEAR = "clear"
"""The rows stay; their personal columns are emptied."""

APP, SANDBOX = "app", "sandbox"
"""Which database a rule works on: the app's (``GKH_DATABASE_URL``) or the sandbox gateway's."""

ADDRESS_DROPPED = "[адрес удалён]"
"""What an e-mail address in a stored SMTP answer becomes."""
_ADDRESS_RE = re.compile(r"[^\s<>()\[\]\"',;:@]+@[^\s<>()\[\]\"',;:@]+")
"""Anything shaped like an address: SMTP servers quote the recipient in their own words and brackets."""

PAGE_TOKEN_DROPPED = "purged:"
"""Prefix of a sandbox page's token hash once forgotten (``purged:sbx_…``): unique, and no token's hash."""

Where = Callable[[datetime], Any]
"""The rows due, given the cutoff (now − the rule's retention): a SQL boolean expression."""
Clear = Callable[[sa.Connection, list[Any]], None]
"""Empties the personal columns of the rows with these keys (``CLEAR`` rules)."""


@dataclass(frozen=True)
class Rule:
    """One row of the retention table: what, how old, how."""

    name: str
    label: str
    """What the rows are, in Russian, for ``gkh purge`` and the daily job's log."""
    database: str
    keep: Callable[[Settings], timedelta]
    """How long after its end a row is kept."""
    key: tuple[Any, ...]
    """The primary key columns: a batch is selected and then deleted or cleared by exactly these keys."""
    due: Where
    how: str = DELETE
    clear: Clear | None = None


# --- How: the clearing rules -----------------------------------------------------------------------


def _without_addresses(text: str | None) -> str | None:
    return None if text is None else _ADDRESS_RE.sub(ADDRESS_DROPPED, text)


def _redact(connection: sa.Connection, text_column: Any, key_column: Any, where: Any) -> None:
    """Replace every address in ``text_column`` of the rows matching ``where`` (Python-side: no portable
    regular expression in SQL)."""
    table = text_column.table
    rows = connection.execute(sa.select(key_column, text_column).where(where, text_column.is_not(None))).all()
    redacted = ((key, text, _without_addresses(text)) for key, text in rows)
    changed = [{"row_key": key, "new_text": new} for key, old, new in redacted if new != old]
    if changed:
        statement = sa.update(table).where(key_column == sa.bindparam("row_key"))
        connection.execute(statement.values({text_column.name: sa.bindparam("new_text")}), changed)


def _clear_payment_email(connection: sa.Connection, payment_ids: list[Any]) -> None:
    """The payment's address, its letter's address, and any address in the letter's error and tries."""
    ids = [payment_id for (payment_id,) in payment_ids]
    connection.execute(sa.update(Payment).where(col(Payment.id).in_(ids)).values(receipt_email=None))
    # the letter's state checked again: one added since the batch was chosen (a late correction to
    # success) is still to be sent and keeps its address
    finished = sa.and_(col(ReceiptMail.payment_id).in_(ids), col(ReceiptMail.status).in_((rm.SENT, rm.FAILED)))
    connection.execute(sa.update(ReceiptMail).where(finished).values(to_address=None))
    letters = sa.select(col(ReceiptMail.id)).where(finished)
    _redact(connection, col(ReceiptMail.last_error), col(ReceiptMail.id), finished)
    _redact(connection, col(ReceiptMailAttempt.detail), col(ReceiptMailAttempt.id),
            col(ReceiptMailAttempt.receipt_mail_id).in_(letters))


def _forget_page_tokens(connection: sa.Connection, payment_ids: list[Any]) -> None:
    """The hash is NOT NULL and UNIQUE: it becomes ``purged:<payment id>``, which no token hashes to."""
    page = sandbox_database.payments
    ids = [payment_id for (payment_id,) in payment_ids]
    connection.execute(sa.update(page).where(page.c.id.in_(ids))
                       .values(page_token_hash=sa.literal(PAGE_TOKEN_DROPPED) + page.c.id))


# --- What is due ---------------------------------------------------------------------------------------


def _session_over(cutoff: datetime) -> Any:
    """Ended before the cutoff, or never ended but not seen since (the tab just went away: a live
    session is seen every few minutes, and is ended as idle or expired long before a day passes)."""
    ended_at, seen_at = col(ResidentSession.ended_at), col(ResidentSession.last_seen_at)
    return sa.or_(ended_at < cutoff, sa.and_(ended_at.is_(None), seen_at < cutoff))


def _throttle_over(cutoff: datetime) -> Any:
    """The last failure and any lock both before the cutoff."""
    failed, locked = col(EsiaLoginThrottle.last_failed_at), col(EsiaLoginThrottle.locked_until)
    return sa.and_(sa.or_(failed.is_(None), failed < cutoff), sa.or_(locked.is_(None), locked < cutoff))


def _letter_of_payment() -> Any:
    return col(ReceiptMail.payment_id) == col(Payment.id)


def _payment_email_over(cutoff: datetime) -> Any:
    """Final before the cutoff, an address still somewhere, and no letter waiting or being tried."""
    unfinished_letter = sa.exists().where(
        _letter_of_payment(), col(ReceiptMail.status).in_((rm.PENDING, rm.SENDING)))
    addressed_letter = sa.exists().where(_letter_of_payment(), col(ReceiptMail.to_address).is_not(None))
    return sa.and_(
        col(Payment.finished_at) < cutoff,
        sa.or_(col(Payment.receipt_email).is_not(None), addressed_letter),
        ~unfinished_letter,
    )


def _page_over(cutoff: datetime) -> Any:
    page = sandbox_database.payments
    return sa.and_(page.c.page_expires_at < cutoff.timestamp(),  # ok-float: unix seconds
                   page.c.page_token_hash.not_like(PAGE_TOKEN_DROPPED + "%"))


def _hours(setting: str) -> Callable[[Settings], timedelta]:
    return lambda settings: timedelta(hours=getattr(settings, setting))


RULES: tuple[Rule, ...] = (
    Rule("resident_sessions", "закончившиеся сеансы жителей", APP, _hours("retention_session_hours"),
         (col(ResidentSession.id),), _session_over),
    Rule("esia_codes", "коды авторизации демо-ЕСИА", APP, _hours("retention_session_hours"),
         (col(EsiaAuthorizationCode.id),), lambda cutoff: col(EsiaAuthorizationCode.expires_at) < cutoff),
    Rule("esia_tokens", "токены доступа демо-ЕСИА", APP, _hours("retention_session_hours"),
         (col(EsiaAccessToken.id),), lambda cutoff: col(EsiaAccessToken.expires_at) < cutoff),
    Rule("sign_in_throttle", "счётчики неудачных входов в демо-ЕСИА", APP,
         _hours("retention_throttle_hours"), (col(EsiaLoginThrottle.id),), _throttle_over),
    Rule("rate_limit_counters", "счётчики пределов частоты", APP,
         _hours("retention_throttle_hours"), (col(RateLimitCounter.key_hash), col(RateLimitCounter.window_start)),
         lambda cutoff: col(RateLimitCounter.expires_at) < int(cutoff.timestamp())),
    Rule("payment_emails", "адреса для квитанций в платежах и письмах", APP,
         lambda settings: timedelta(days=settings.retention_payment_email_days),
         (col(Payment.id),), _payment_email_over, CLEAR, _clear_payment_email),
    Rule("sandbox_page_tokens", "токены страниц оплаты песочницы шлюза", SANDBOX,
         _hours("retention_page_token_hours"), (sandbox_database.payments.c.id,), _page_over,
         CLEAR, _forget_page_tokens),
    Rule("sandbox_idempotence_keys", "ключи идемпотентности песочницы шлюза", SANDBOX,
         lambda _settings: timedelta(seconds=get_sandbox_settings().idempotence_ttl_seconds),
         (sandbox_database.idempotence.c.key,),
         lambda cutoff: sandbox_database.idempotence.c.created_at < cutoff.timestamp()),  # ok-float: unix seconds
)
"""What, how old, how. Rate-limit counters in Redis (``GKH_REDIS_URL``) expire by themselves with their
window; the demo SMTP sink's ``data/outbox`` plays the resident's own mailbox and is not ours to purge."""


# --- The purge -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    keep: timedelta
    rows: int
    """Rows deleted or cleared (in a dry run: that would be)."""
    batches: int = 0
    """Transactions that changed rows (0 in a dry run)."""


@dataclass
class PurgeReport:
    now: datetime
    dry_run: bool
    outcomes: list[RuleOutcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(outcome.rows for outcome in self.outcomes)

    def rows(self, name: str) -> int:
        return next(outcome.rows for outcome in self.outcomes if outcome.rule.name == name)

    def __str__(self) -> str:
        """One line for the log: ``resident_sessions=12 esia_codes=3 …``."""
        return " ".join(f"{outcome.rule.name}={outcome.rows}" for outcome in self.outcomes) or "nothing to do"


def _key_in(key: tuple[Any, ...], keys: Sequence[Any]) -> Any:
    if len(key) == 1:
        return key[0].in_([row[0] for row in keys])
    return sa.tuple_(*key).in_([tuple(row) for row in keys])


def _one_batch(connection: sa.Connection, rule: Rule, cutoff: datetime, batch_size: int) -> int:
    """Select up to ``batch_size`` keys of rows due, then delete or clear exactly those."""
    keys = list(connection.execute(sa.select(*rule.key).where(rule.due(cutoff)).order_by(*rule.key)
                                   .limit(batch_size)).all())
    if not keys:
        return 0
    if rule.how == DELETE:
        connection.execute(sa.delete(rule.key[0].table).where(_key_in(rule.key, keys)))
    else:
        assert rule.clear is not None, f"{rule.name}: a CLEAR rule says how"
        rule.clear(connection, keys)
    return len(keys)


def _apply(engine: sa.Engine, rule: Rule, cutoff: datetime, batch_size: int) -> tuple[int, int]:
    """Batches, each its own transaction, until one comes back short: (rows, batches)."""
    rows = batches = 0
    while True:
        with engine.begin() as connection:
            done = _one_batch(connection, rule, cutoff, batch_size)
        if done:
            rows, batches = rows + done, batches + 1
        if done < batch_size:
            return rows, batches


def _count(engine: sa.Engine, rule: Rule, cutoff: datetime) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(sa.func.count()).select_from(rule.key[0].table).where(rule.due(cutoff))).scalar_one()


def sandbox_in_use(settings: Settings) -> bool:
    """This server runs the embedded sandbox gateway, whose database is then this deployment's too."""
    return settings.gateway_url is None and settings.sandbox_serving


def rules_in_use(settings: Settings) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.database == APP or sandbox_in_use(settings))


def _engine(rule: Rule) -> sa.Engine:
    return app_database.get_engine() if rule.database == APP else sandbox_database.get_engine()


def purge(*, now: datetime | None = None, dry_run: bool = False, batch_size: int | None = None) -> PurgeReport:
    """Apply every rule in use (or, ``dry_run``, only count what would go); blocking, call it from a thread."""
    settings = get_settings()
    moment = now or utc_now()
    size = batch_size or settings.retention_batch_size
    report = PurgeReport(moment, dry_run)
    for rule in rules_in_use(settings):
        keep = rule.keep(settings)
        cutoff = moment - keep
        if dry_run:
            report.outcomes.append(RuleOutcome(rule, keep, _count(_engine(rule), rule, cutoff)))
        else:
            rows, batches = _apply(_engine(rule), rule, cutoff, size)
            report.outcomes.append(RuleOutcome(rule, keep, rows, batches))
    return report
