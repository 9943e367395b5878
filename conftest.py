"""Suite-wide: the served app and browser fixtures, and the order tests run in.

Playwright's sync API keeps an event loop running for the rest of the session once
Chromium is launched, and pytest-asyncio cannot start its own loop after that; so
every async test must run before the first test that uses the served app or the
browser. Those run last, grouped by how the app is served (SQLite first, then
PostgreSQL + Redis), so each way is built and started once.
"""

pytest_plugins = ["tests.served"]

SERVED_FIXTURES = {"served_app", "browser", "kiosk_page", "phone_page"}


SERVED_ORDER = {"sqlite": 1, "postgres+redis": 2}
"""Tests with their own servers (tests/browser/test_faults.py) come after both."""


def _served_order(item) -> tuple[int, int]:
    uses_served = bool(SERVED_FIXTURES & set(getattr(item, "fixturenames", ())))
    in_browser_folder = "tests/browser/" in item.nodeid.replace("\\", "/")
    if not (uses_served or in_browser_folder):
        return (0, 0)
    callspec = getattr(item, "callspec", None)
    served_on = str(callspec.params.get("served_app", "")) if callspec is not None else ""
    return (1, SERVED_ORDER.get(served_on, 3))


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_served_order)


import pytest  # noqa: E402  (after the ordering above, which needs no imports)


@pytest.fixture(autouse=True)
def _fresh_commission_rates():
    """Every test asks its own gateway for the commissions: no rates cached by an earlier test's gateway."""
    from gkh_web.services.payments.commission import forget_rates

    forget_rates()
    yield
    forget_rates()
