"""State tests: Reflex states built in memory over a demo database (SQLite, then PostgreSQL), no browser."""

from tests.db.conftest import (  # noqa: F401
    _fresh_settings_and_engines,
    demo_db,
    demo_template,
    postgres_demo_copy,
    postgres_demo_template,
)
