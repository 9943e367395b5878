"""Hostile input: the app's demo database (SQLite, then PostgreSQL) and the sandbox gateway's own one.

Every case runs on SQLite. On PostgreSQL (``GKH_TEST_POSTGRES_URL``) only the
SQL and NUL payloads run — the ones whose fate depends on the database (a NUL
cannot even be stored in PostgreSQL text): the other cases are refused before
any query, and copying a PostgreSQL database for each of them would multiply
the suite's time.
"""

import re
from pathlib import Path

from tests.db.conftest import (  # noqa: F401
    _fresh_settings_and_engines,
    demo_db,
    demo_template,
    postgres_demo_copy,
    postgres_demo_template,
)
from tests.sandbox.conftest import client, receiver, sandbox_env  # noqa: F401

ON_POSTGRES_TOO = re.compile(r"sql-or|nul")
"""Case ids that also run on PostgreSQL."""


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("demo_db") == "postgresql"
        if on_postgres and item.path.is_relative_to(here) and not ON_POSTGRES_TOO.search(callspec.id):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
