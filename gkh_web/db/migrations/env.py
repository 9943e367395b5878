"""Alembic environment of gkh_web (plain alembic, no ``alembic.ini`` needed).

The database comes, in this order, from ``config.attributes["connection"]``
(an open SQLAlchemy connection, used by tests), ``config.attributes["url"]``,
the ``sqlalchemy.url`` main option, or ``get_settings().database_url``.
``gkh_web.db.migrate`` builds the Config; see docs in that module.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

from gkh_web.db import esia_models, models  # noqa: F401  (register the tables)
from gkh_web.db.engine import ensure_sqlite_directory
from gkh_web.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def _database_url() -> str:
    """The URL to migrate when no connection was handed in."""
    return (
        config.attributes.get("url")
        or config.get_main_option("sqlalchemy.url")
        or get_settings().database_url
    )


def _configure(connection: sa.Connection) -> None:
    """Batch mode lets SQLite alter tables; compare_type catches changed column types."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """``--sql`` mode: print the SQL instead of running it."""
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the given connection, or through a short-lived engine of its own."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = _database_url()
    ensure_sqlite_directory(url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as own_connection:
            _configure(own_connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
