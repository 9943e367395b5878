"""Suite-wide ordering: browser tests run last.

Playwright's sync API keeps an event loop running for the rest of the session once
Chromium is launched, and pytest-asyncio cannot start its own loop after that; so
every async test must run before the first browser test.
"""


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))
