"""Screenshots of pages at kiosk (1024×768) and phone (390×844) size, for the README.

Usage: python scripts/screenshots.py [BASE_URL] [ROUTE ...]   (app must be running; default http://localhost:3000 /)
Writes docs/screenshots/<name>-<width>x<height>.png.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = ((1024, 768), (390, 844))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def shoot(base_url: str, routes: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width, height in SIZES:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="ru-RU")
            for route in routes:
                page.goto(base_url.rstrip("/") + route)
                page.wait_for_load_state("networkidle")
                name = route.strip("/").replace("/", "-") or "start"
                path = OUT / f"{name}-{width}x{height}.png"
                page.screenshot(path=str(path))
                print(path)
            page.close()
        browser.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    base = args[0] if args else "http://localhost:3000"
    shoot(base, args[1:] or ["/"])
