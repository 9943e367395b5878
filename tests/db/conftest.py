"""Fixtures for database tests: a fresh database per test, demo data copied from one template.

Migrating and loading the demo set once per session and copying it for each
test keeps the suite fast while every test still owns its database. Tests that
take ``demo_db``, ``rw`` or ``ro`` run twice: on a SQLite file and, when
``GKH_TEST_POSTGRES_URL`` is set, on a PostgreSQL database made with
``CREATE DATABASE … TEMPLATE`` (skipped without it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from gkh_web.db.engine import create_engine_for, dispose_engines, get_engine, session_scope
from gkh_web.db.migrate import upgrade
from gkh_web.services.data.demo_data import load_demo
from gkh_web.settings import get_settings

DEMO_AS_OF = date(2026, 11, 25)
"""Fixed «today» of the demo set in tests: newest period октябрь 2026."""
IMPORT_TODAY = DEMO_AS_OF


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point settings (and so get_engine(), the CLI, migrations) at ``url``."""
    monkeypatch.setenv("GKH_DATABASE_URL", url)
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_settings_and_engines(monkeypatch):
    """No cached settings or engines leak from one test into the next; the fake gateway's pages are allowed."""
    monkeypatch.setenv("GKH_GATEWAY_PAGE_HOSTS", "pay.gateway.test")
    get_settings.cache_clear()
    yield
    dispose_engines()
    get_settings.cache_clear()


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> str:
    """URL of a new, not yet migrated SQLite file, also set as GKH_DATABASE_URL."""
    url = sqlite_url(tmp_path / "data" / "gkh.db")
    use_database(monkeypatch, url)
    return url


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A migrated SQLite file with the ordinary demo set (as of DEMO_AS_OF), made once."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    url = sqlite_url(path)
    upgrade(url)
    with session_scope(url) as session:
        load_demo(session, as_of=DEMO_AS_OF)
    dispose_engines()
    return path


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
"""The two databases the integration tests run on."""


@pytest.fixture(params=DATABASES)
def demo_db(request, tmp_path, monkeypatch, demo_template) -> Iterator[str]:
    """URL of this test's own copy of the demo database, also set as GKH_DATABASE_URL."""
    if request.param == "sqlite":
        path = tmp_path / "gkh.db"
        shutil.copyfile(demo_template, path)
        url = sqlite_url(path)
    else:
        _require_postgres()
        url = request.getfixturevalue("postgres_demo_copy")
    use_database(monkeypatch, url)
    yield url
    dispose_engines()


class QueryCounter:
    """Counts SQL statements sent through an engine while active (the constant-queries tests)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine, self.statements = engine, []

    def _record(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._record)


def snapshot(
    url: str, content: tuple[str, ...] = ("payment_document", "service_line"), metadata: sa.MetaData | None = None,
) -> dict[str, object]:
    """Row counts of every table plus a checksum of the content of the ``content`` tables (by default
    all payment documents and service lines). ``metadata`` already reflected from a database of the same
    schema saves reflecting it again."""
    engine = sa.create_engine(url)
    try:
        if metadata is None:
            metadata = sa.MetaData()
            metadata.reflect(bind=engine)
        with engine.connect() as connection:
            counts = {
                name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in sorted(metadata.tables.items())
            }
            digest = hashlib.sha256()
            for name in content:
                table = metadata.tables[name]
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns)):
                    digest.update(repr(tuple(row)).encode())
        return {"counts": counts, "content_sha256": digest.hexdigest()}
    finally:
        engine.dispose()


POSTGRES_URL = os.environ.get("GKH_TEST_POSTGRES_URL")
"""PostgreSQL for the tests that need it (``.ci/run`` sets it); without it they skip."""


def _require_postgres() -> str:
    if not POSTGRES_URL:
        pytest.skip("GKH_TEST_POSTGRES_URL не задан: проверка на PostgreSQL пропущена")
    return POSTGRES_URL


def _database_url(name: str) -> str:
    return sa.make_url(_require_postgres()).set(database=name).render_as_string(hide_password=False)


def _admin(statement: str) -> None:
    """CREATE/DROP DATABASE cannot run inside a transaction: autocommit on the server's own database."""
    engine = sa.create_engine(_require_postgres(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


_copies: list[str] = []


def _copy_postgres_database(template: str) -> str:
    """A new database cloned from ``template``; dropped when the session ends (a drop costs more than a copy)."""
    name = f"gkh_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    _copies.append(name)
    return _database_url(name)


@pytest.fixture(scope="session")
def postgres_demo_template() -> Iterator[str]:
    """Name of a PostgreSQL database migrated and loaded with the demo set, made once per session."""
    name = f"gkh_template_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    url = _database_url(name)
    upgrade(url)
    with session_scope(url) as session:
        load_demo(session, as_of=DEMO_AS_OF)
    dispose_engines()  # TEMPLATE needs the database without connections
    try:
        yield name
    finally:
        dispose_engines()
        for copy in [*_copies, name]:
            _admin(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        _copies.clear()


@pytest.fixture
def postgres_demo_copy(postgres_demo_template) -> str:
    """URL of this test's own PostgreSQL copy of the demo database."""
    return _copy_postgres_database(postgres_demo_template)


@pytest.fixture
def postgres_connection() -> Iterator[sa.Connection]:
    """A connection whose search_path is a fresh, empty schema, dropped afterwards."""
    _require_postgres()
    schema = f"gkh_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = sa.create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def postgres_session(postgres_connection) -> Iterator[Session]:
    """The demo set (as of DEMO_AS_OF) migrated and loaded into a fresh PostgreSQL schema."""
    upgrade(POSTGRES_URL, connection=postgres_connection)
    postgres_connection.commit()
    with Session(bind=postgres_connection) as session:
        load_demo(session, as_of=DEMO_AS_OF)
        session.commit()
        yield session


@pytest.fixture(scope="module", params=DATABASES)
def readonly_engine(request, demo_template, tmp_path_factory) -> Iterator[sa.Engine]:
    """One copy of the demo database shared by a module's read-only tests."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo_ro") / "demo.db"
        shutil.copyfile(demo_template, path)
        url = sqlite_url(path)
    else:
        _require_postgres()
        url = _copy_postgres_database(request.getfixturevalue("postgres_demo_template"))
    engine = create_engine_for(url)
    yield engine
    engine.dispose()


@pytest.fixture
def ro(readonly_engine) -> Iterator[Session]:
    """A session on the shared copy; rolled back so a mistaken write cannot leak into other tests."""
    with Session(readonly_engine) as session:
        yield session
        session.rollback()


@pytest.fixture
def rw(demo_db) -> Iterator[Session]:
    """A session on this test's own copy of the demo database."""
    with Session(get_engine(demo_db)) as session:
        yield session
