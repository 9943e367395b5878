"""Attacks on the app, one module per family: the demo database (SQLite, then PostgreSQL) and the sandbox."""

from tests.db.conftest import (  # noqa: F401
    _fresh_settings_and_engines,
    demo_db,
    demo_template,
    postgres_demo_copy,
    postgres_demo_template,
)
from tests.sandbox.conftest import client, receiver, sandbox_env  # noqa: F401
