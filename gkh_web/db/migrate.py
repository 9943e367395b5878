"""Schema migrations through alembic's command API, with a Config built in code.

No ``alembic.ini`` is needed: the script location is this package's
``migrations/`` folder, so the same code works from a checkout and from an
installed wheel. ``gkh db upgrade`` and the tests call these functions.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from gkh_web.db.engine import create_engine_for, resolve_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None, connection: sa.Connection | None = None) -> Config:
    """An alembic Config pointing at our migrations and at ``url`` (or an open connection)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = resolve_url(url)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str | None = None, *, connection: sa.Connection | None = None) -> None:
    """Bring the database at ``url`` (default: settings) to the newest revision."""
    command.upgrade(alembic_config(url, connection), "head")


def new_revision(message: str, url: str | None = None) -> None:
    """Autogenerate the next revision from the models against an up-to-date database.

    Review the file it writes: alembic cannot see renames and data moves.
    """
    command.revision(alembic_config(url), message=message, autogenerate=True)


def head_revision() -> str:
    """The newest revision id shipped with the code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    engine = create_engine_for(resolve_url(url))
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def is_up_to_date(url: str | None = None) -> bool:
    """True when the database schema is at the code's head revision."""
    return current_revision(url) == head_revision()
