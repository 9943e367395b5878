"""One SQLAlchemy engine per database URL, and a transactional session scope.

The URL comes from ``get_settings().database_url`` unless given explicitly
(tests and the ``gkh`` tool pass their own). SQLite needs two things that
PostgreSQL does by itself: the folder of the database file must exist, and
foreign keys must be switched on for every new connection.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from gkh_web.settings import get_settings

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def resolve_url(url: str | None = None) -> str:
    """The explicit URL, or the configured one."""
    return url or get_settings().database_url


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a SQLite file (``data/`` by default) so a fresh checkout just works."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _enable_sqlite_foreign_keys(dbapi_connection, _connection_record) -> None:
    """SQLite ignores FOREIGN KEY clauses unless asked on each connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine_for(url: str) -> Engine:
    """A new engine for ``url`` (not cached), with the SQLite tweaks applied."""
    ensure_sqlite_directory(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = sa.create_engine(url, pool_pre_ping=True)
    else:  # a server database: a bounded pool per worker, dead connections (a restart) replaced on checkout
        pool_size = get_settings().db_pool_size
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size,
                                  pool_timeout=10, pool_recycle=1800)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: settings), created once."""
    resolved = resolve_url(url)
    with _engines_lock:
        engine = _engines.get(resolved)
        if engine is None:
            engine = _engines[resolved] = create_engine_for(resolved)
        return engine


def dispose_engines() -> None:
    """Close every cached engine (tests call it before deleting their database files)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on any error.

    ``expire_on_commit=False`` so that objects read inside the block can still
    be looked at after it (they are plain data then, not live rows).
    """
    session = Session(get_engine(url), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def create_database_if_missing(url: str) -> bool:
    """Create a PostgreSQL database named in ``url`` on its server; True if it was created.

    SQLite files are made on first connection, so for them this does nothing. The
    statement runs from the server's ``postgres`` database, outside a transaction.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return False
    name = parsed.database
    if not name:
        raise ValueError(f"{parsed.render_as_string(hide_password=True)} names no database to create")
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": name}).first()
            if exists:
                return False
            quoted = connection.dialect.identifier_preparer.quote(name)
            connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
            return True
    finally:
        admin.dispose()
