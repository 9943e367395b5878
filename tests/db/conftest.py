"""Fixtures for database tests: a fresh SQLite file per test, demo data copied from one template.

Migrating and loading the demo set once per session and copying the file for
each test keeps the suite fast while every test still owns its database.
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
from gkh_web.services.demo_data import load_demo
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
def _fresh_settings_and_engines():
    """No cached settings or engines leak from one test into the next."""
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


@pytest.fixture
def demo_db(tmp_path, monkeypatch, demo_template) -> str:
    """URL of this test's own copy of the demo database, also set as GKH_DATABASE_URL."""
    path = tmp_path / "gkh.db"
    shutil.copyfile(demo_template, path)
    url = sqlite_url(path)
    use_database(monkeypatch, url)
    return url


def snapshot(url: str) -> dict[str, object]:
    """Row counts of every table plus a checksum of all payment document and service line content."""
    engine = sa.create_engine(url)
    try:
        metadata = sa.MetaData()
        metadata.reflect(bind=engine)
        with engine.connect() as connection:
            counts = {
                name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in sorted(metadata.tables.items())
            }
            digest = hashlib.sha256()
            for name in ("payment_document", "service_line"):
                table = metadata.tables[name]
                for row in connection.execute(sa.select(table).order_by(table.c.id)):
                    digest.update(repr(tuple(row)).encode())
        return {"counts": counts, "content_sha256": digest.hexdigest()}
    finally:
        engine.dispose()


POSTGRES_URL = os.environ.get("GKH_TEST_POSTGRES_URL")
"""PostgreSQL for the tests that need it (``.ci/run`` sets it); without it they skip."""


@pytest.fixture
def postgres_connection() -> Iterator[sa.Connection]:
    """A connection whose search_path is a fresh, empty schema, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("GKH_TEST_POSTGRES_URL не задан: проверка на PostgreSQL пропущена")
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


@pytest.fixture(scope="module")
def readonly_engine(demo_template, tmp_path_factory) -> Iterator[sa.Engine]:
    """One copy of the demo database shared by a module's read-only tests."""
    path = tmp_path_factory.mktemp("demo_ro") / "demo.db"
    shutil.copyfile(demo_template, path)
    engine = create_engine_for(sqlite_url(path))
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
