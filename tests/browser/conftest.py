"""Browser tests: the fixtures live in ``tests/served.py`` (shared with tests/security)."""

from tests.served import (  # noqa: F401  (tests and scripts import these names from here)
    BIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    KIOSK,
    PHONE,
    POSTGRES_URL,
    PROJECT_ROOT,
    REDIS_URL,
    ConsoleLog,
    open_page,
    scaled_out_urls,
)
