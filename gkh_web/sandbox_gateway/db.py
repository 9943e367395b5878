"""Tables of the sandbox on their own ``MetaData`` and engine — never the app's.

Plain SQLAlchemy Core: the sandbox is a test double, so tables are created with
``create_all`` on first use and there are no migrations. Times are unix seconds
(floats) so expiry checks are simple arithmetic in any database.
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

from gkh_web.sandbox_gateway.config import get_sandbox_settings

metadata = sa.MetaData()

payments = sa.Table(
    "sandbox_payment", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("amount_kopecks", sa.BigInteger, nullable=False),  # what is charged: the sum plus the commission
    sa.Column("commission_kopecks", sa.BigInteger, nullable=False, default=0, server_default="0"),
    sa.Column("currency", sa.String(3), nullable=False, default="RUB"),
    sa.Column("description", sa.String(128), nullable=False, default=""),
    sa.Column("metadata_json", sa.Text, nullable=False, default="{}"),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("cancellation_reason", sa.String(40)),
    sa.Column("cancellation_party", sa.String(20)),
    sa.Column("requested_method", sa.String(12)),  # bank_card | wallet | None = payer chooses
    sa.Column("method_type", sa.String(12)),  # bank_card | wallet, once paid
    sa.Column("card_brand", sa.String(24)),
    sa.Column("card_last4", sa.String(4)),
    sa.Column("wallet_phone", sa.String(16)),
    sa.Column("scenario", sa.String(32)),  # test-card scenario name (never the number)
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("paid_at", sa.Float),
    sa.Column("page_token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("page_expires_at", sa.Float, nullable=False),
    sa.Column("page_state", sa.String(12), nullable=False, default="open"),  # open|challenge|processing|done
    sa.Column("return_url", sa.Text, nullable=False),
    sa.Column("idempotence_key", sa.String(64), nullable=False),
    sa.Column("request_hash", sa.String(64), nullable=False),
)

idempotence = sa.Table(
    "sandbox_idempotence", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("response_json", sa.Text),  # NULL while the first request is in flight
    sa.Column("status_code", sa.Integer),
    sa.Column("created_at", sa.Float, nullable=False),
)

wallets = sa.Table(
    "sandbox_wallet", metadata,
    sa.Column("phone", sa.String(16), primary_key=True),
    sa.Column("balance_kopecks", sa.BigInteger, nullable=False),
)

webhook_deliveries = sa.Table(
    "sandbox_webhook_delivery", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("payment_id", sa.String(40), nullable=False, index=True),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_status_code", sa.Integer),
    sa.Column("last_error", sa.String(200)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("delivered_at", sa.Float),
)

_engines: dict[str, sa.Engine] = {}
_lock = threading.Lock()


def _new_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":  # several workers start at once: one creates, the others wait
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('gkh-sandbox-schema'))")
        metadata.create_all(connection)
        _add_missing_columns(connection)
    return engine


ADDED_COLUMNS = {"sandbox_payment": ("commission_kopecks BIGINT NOT NULL DEFAULT 0",)}
"""Columns added after a sandbox database may already exist: ``create_all`` makes no new columns in old
tables, and the sandbox has no migrations, so a demo's ``data/sandbox.db`` gets them here."""


def _add_missing_columns(connection: sa.Connection) -> None:
    inspector = sa.inspect(connection)
    for table, columns in ADDED_COLUMNS.items():
        present = {column["name"] for column in inspector.get_columns(table)}
        for column in columns:
            if column.split()[0] not in present:
                connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column}")


def get_engine() -> sa.Engine:
    """The engine for ``GKH_SANDBOX_DATABASE_URL``, tables created on first use."""
    url = get_sandbox_settings().database_url
    with _lock:
        if url not in _engines:
            _engines[url] = _new_engine(url)
        return _engines[url]


def dispose_engines() -> None:
    """Close every pooled connection (tests use a fresh database each time)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
