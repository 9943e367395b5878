"""The served app and the browser, shared by tests/browser and tests/security (a pytest plugin named in
the root conftest, so both folders get the same session-wide server and Chromium).

The production build is served by `reflex run --env prod` on a free port with the demo data and
driven by Playwright in Debian's Chromium. Everything that uses it runs twice: on SQLite with one
worker, then — when GKH_TEST_POSTGRES_URL and GKH_TEST_REDIS_URL are set — on PostgreSQL with the
tabs' state in Redis and two backend processes behind a websocket balancer."""

from __future__ import annotations

import os
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


POSTGRES_URL = os.environ.get("GKH_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("GKH_TEST_REDIS_URL")
SERVED_ON = ["sqlite", pytest.param("postgres+redis", marks=pytest.mark.postgres)]


def scaled_out_urls() -> tuple[str, str]:
    """PostgreSQL and Redis for the scaled-out runs; skip the test without them."""
    if not (POSTGRES_URL and REDIS_URL):
        pytest.skip("GKH_TEST_POSTGRES_URL / GKH_TEST_REDIS_URL не заданы: запуск на PostgreSQL + Redis пропущен")
    return POSTGRES_URL, REDIS_URL


@pytest.fixture(scope="session", params=SERVED_ON)
def served_app(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    workdir = tmp_path_factory.mktemp("served_app")
    if request.param == "sqlite":
        with serve_app(workdir) as app:
            yield app
    else:
        postgres_url, redis_url = scaled_out_urls()
        # Two backends (the first with two Granian workers) behind a balancer that hands each
        # new websocket to the other backend: every test below also crosses processes.
        # The reconciler's lease is renewed every 2 s, so test_scale_out can watch who holds it.
        with serve_app(workdir, postgres_url=postgres_url, redis_url=redis_url, workers=2, replicas=2,
                       extra_env={"GKH_RECONCILE_INTERVAL_SECONDS": "2"}) as app:
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
