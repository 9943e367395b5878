"""The alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, func, select

from gkh_web.db import esia_models, models  # noqa: F401  (register every table)
from gkh_web.db.engine import get_engine
from gkh_web.db.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    is_up_to_date,
    upgrade,
)
from gkh_web.db.models import PaymentDocument, ServiceLine
from gkh_web.services.data.demo_data import load_demo
from tests.db.conftest import POSTGRES_URL

APP_TABLES = {
    "provider_organisation", "house", "premises", "personal_account", "payment_document",
    "service_line", "resident", "resident_account_link", "esia_user",
    "esia_authorization_code", "esia_access_token", "esia_login_throttle", "resident_session",
    "payment", "payment_item", "payment_event", "background_lease", "esia_client", "rate_limit_counter",
}


def schema_differences(connection: sa.Connection) -> list:
    """What alembic autogenerate would still write: empty when migrations match the models."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


def test_upgrade_builds_the_model_schema_on_empty_sqlite(empty_db):
    assert current_revision(empty_db) is None

    upgrade(empty_db)

    assert current_revision(empty_db) == head_revision() == "0010_retention"
    assert is_up_to_date(empty_db)
    engine = sa.create_engine(empty_db)
    with engine.connect() as connection:
        assert set(sa.inspect(connection).get_table_names()) >= APP_TABLES
        assert schema_differences(connection) == []
    engine.dispose()


def test_upgrade_twice_is_harmless_and_downgrade_removes_everything(empty_db):
    upgrade(empty_db)
    upgrade(empty_db)

    command.downgrade(alembic_config(empty_db), "base")

    engine = sa.create_engine(empty_db)
    assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()


def test_sqlite_enforces_foreign_keys(empty_db):
    """PRAGMA foreign_keys is on for engine connections: a line of a missing document is refused."""
    upgrade(empty_db)
    with get_engine(empty_db).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        with pytest.raises(sa.exc.IntegrityError):
            connection.execute(sa.insert(ServiceLine).values(
                payment_document_id=999, position=1, service_name="x", service_kind="other", unit="шт.",
                charged_kopecks=100, recalculation_kopecks=0, benefit_kopecks=0, to_pay_kopecks=100,
            ))


def test_gkh_command_line_never_imports_reflex():
    code = "import sys, gkh_web.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'reflex'))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.postgres
def test_upgrade_builds_the_model_schema_on_postgres(postgres_connection):
    upgrade(POSTGRES_URL, connection=postgres_connection)
    postgres_connection.commit()

    assert MigrationContext.configure(postgres_connection).get_current_revision() == head_revision()
    assert set(sa.inspect(postgres_connection).get_table_names()) >= APP_TABLES
    assert schema_differences(postgres_connection) == []


@pytest.mark.postgres
def test_demo_set_loads_on_postgres(postgres_connection):
    """CHECK constraints, BIGINT kopecks and NUMERIC quantities accept the demo set on PostgreSQL too."""
    upgrade(POSTGRES_URL, connection=postgres_connection)
    postgres_connection.commit()
    with Session(bind=postgres_connection) as session:
        summary = load_demo(session, as_of=date(2026, 11, 25))
        session.commit()
        assert session.exec(select(func.count()).select_from(PaymentDocument)).one() == summary.payment_documents
        line = session.exec(select(ServiceLine).order_by(ServiceLine.id)).first()
        assert str(line.volume) == "54.3000"


@pytest.mark.postgres
def test_gkh_db_create_makes_a_missing_postgres_database_once():
    if not POSTGRES_URL:
        pytest.skip("GKH_TEST_POSTGRES_URL не задан: проверка на PostgreSQL пропущена")
    import uuid

    from sqlalchemy.engine import make_url

    from gkh_web.db.engine import create_database_if_missing

    url = make_url(POSTGRES_URL).set(database=f"gkh_create_{uuid.uuid4().hex[:10]}")
    text = url.render_as_string(hide_password=False)
    try:
        assert create_database_if_missing(text) is True
        assert create_database_if_missing(text) is False
        upgrade(text)
        assert current_revision(text) == head_revision()
    finally:
        from gkh_web.db.engine import dispose_engines
        dispose_engines()
        admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        admin.dispose()
