"""Browser tests: the production build served by `reflex run --env prod` on a free port,
on a fresh SQLite database with the demo data, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.server import BIN, PROJECT_ROOT, ServedApp, serve_app  # noqa: F401  (tests import BIN, PROJECT_ROOT)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
KIOSK = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def served_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    with serve_app(tmp_path_factory.mktemp("served_app")) as app:
        yield app


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class ConsoleLog:
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


def open_page(browser, console: ConsoleLog, viewport: dict[str, int] = KIOSK):
    """A fresh browser context (a new kiosk visitor) whose console errors are collected."""
    context = browser.new_context(viewport=viewport, locale="ru-RU")
    page = context.new_page()
    page.on("console", lambda msg: console.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console.errors.append(str(exc)))
    return page


@pytest.fixture
def kiosk_page(browser, console):
    page = open_page(browser, console, KIOSK)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser, console):
    page = open_page(browser, console, PHONE)
    yield page
    page.context.close()
