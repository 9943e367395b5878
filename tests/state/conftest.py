"""State tests: Reflex states built in memory over a demo database, no browser."""

from tests.db.conftest import _fresh_settings_and_engines, demo_db, demo_template  # noqa: F401
