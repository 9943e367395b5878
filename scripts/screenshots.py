"""Screenshots of every page at kiosk (1024×768) and phone (390×844) size, for the README.

Usage: .venv/bin/python scripts/screenshots.py      (or `make screenshots`)
Serves the production build on a fresh demo database (as the browser tests do), walks
through the pages as a resident and writes docs/screenshots/<page>-<width>x<height>.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.server import serve_app
from tests.browser.tour import (
    NEWCOMERS,
    TOUR_ENV,
    connection_lost,
    idle_prompts,
    other_states,
    refused_sign_in,
    resident_tour,
)

SIZES = ((1024, 768), (390, 844))
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def _shot(page: Page, name: str) -> None:
    _settle(page)
    width = page.viewport_size["width"]
    height = page.viewport_size["height"]
    path = OUT / f"{name}-{width}x{height}.png"
    page.screenshot(path=str(path))
    print(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (tempfile.TemporaryDirectory() as workdir, serve_app(Path(workdir), extra_env=TOUR_ENV) as app,
          sync_playwright() as pw):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for index, ((width, height), newcomer) in enumerate(zip(SIZES, NEWCOMERS, strict=True)):
            context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
            resident_tour(context.new_page(), app.url, app.database_url, newcomer, index, _shot)
            refused_sign_in(context.new_page(), app.url, _shot)
            connection_lost(context.new_page(), app.url, _shot)
            other_states(context.new_page(), app.url, _shot)
            context.close()
            context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
            idle_prompts(context.new_page(), app.url, _shot)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
