"""Every page and state at the kiosk's 1024×768 and a phone's 390×844 (issue 12 §3–§5).

One tour of the app (``tests/browser/tour.py``, the same walk that makes the README's screenshots)
on a database of its own, and at every stop the facts a resident would notice:

* the page never scrolls sideways;
* nothing sticks out of its card (a clipped tab, an amount past the edge);
* every control is at least 44 × 44 px (a finger, not a mouse);
* at 1024×768 the stop's main action is on screen without scrolling;
* «№», «р/с», ИНН, БИК, КПП, «к/с» never end a line apart from their number (a no-break space joins them);
* dates read one way («5 ноября 2026 г.», with «, 09:07» for a moment), never «05.11.2026»;
* axe-core finds nothing, at any impact (WCAG 2.2 A/AA and axe's best practices).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.flows import AXE_JS
from tests.browser.server import ServedApp, serve_app
from tests.browser.tour import (
    NEWCOMERS,
    TOUR_ENV,
    connection_lost,
    idle_prompts,
    other_states,
    refused_sign_in,
    resident_tour,
)
from tests.served import KIOSK, PHONE

pytestmark = pytest.mark.browser

MAIN_ACTIONS = {
    "start": "#sign-in",
    "esia-login": "#esia-submit",
    "agreement": "#agreement-continue",
    "cabinet": "#pay-link",
    "cabinet-large-text": "#pay-link",
    "pay": "#pay-next",
    "pay-accounts": "#pay-next",
    "pay-services": "#pay-next",
    "pay-confirmation": "#confirm-pay",
    "pay-method": "#pay-card",
    "pay-declined": "#payment-retry",
    "pay-pending": "#payment-continue",
    "pay-result": "#payment-to-cabinet",
    "payment-document": "#document-print",
    "receipt-phone": "#receipt-pdf",
}
"""The one thing each stop is for; it must be in view at 1024×768 without scrolling."""

SPLITTABLE_SIGN = re.compile(r"(?:№|р/с|к/с|ИНН|БИК|КПП) (?=[\w\d])")
NUMERIC_DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b")

CONTROLS = ("button, a[href], input:not([type=hidden]), select, textarea, summary, [role=checkbox], [role=radio], "
            "[role=tab], [role=switch]")

FIND_SMALL_CONTROLS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'
               && !e.closest('[aria-hidden=true]') && !(e.tagName === 'INPUT' && e.closest('button, label')))
  .map(e => { const r = e.getBoundingClientRect();
              return [Math.round(r.width), Math.round(r.height),
                      e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' «'
                      + (e.getAttribute('aria-label') || e.textContent || e.value || '').trim().slice(0, 40) + '»']; })
  .filter(([w, h]) => w < 44 || h < 44)"""

FIND_OUTSIDE_CARDS = """() => [...document.querySelectorAll('.rt-BaseCard *')]
  .filter(e => e.getClientRects().length > 0 && (e.children.length === 0 || e.matches('button, [role=radio]'))
               && !(e.closest('thead') && getComputedStyle(e.closest('thead')).clipPath !== 'none'))
  .map(e => { const r = e.getBoundingClientRect(), c = e.closest('.rt-BaseCard').getBoundingClientRect();
              return [Math.round(r.left - c.left), Math.round(c.right - r.right), e.tagName.toLowerCase() + ' «'
                      + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30) + '»']; })
  .filter(([left, right]) => left < -1 || right < -1)"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations'],
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
  return result.violations.map(v => v.id + ' (' + v.impact + '): '
    + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').slice(0, 160)).join('; '));
}"""


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[ServedApp]:
    """A database of its own: the tour signs newcomers in and pays, which other tests must not see."""
    with serve_app(Path(tmp_path_factory.mktemp("layout")), extra_env=TOUR_ENV) as app:
        yield app


class Inspector:
    """What the resident would notice at each stop, collected rather than failing at the first."""

    def __init__(self, viewport: dict[str, int]) -> None:
        self.viewport = viewport
        self.problems: list[str] = []
        self.stops: list[str] = []

    def __call__(self, page: Page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
        self.stops.append(name)
        where = f"{name} at {self.viewport['width']}×{self.viewport['height']}"
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > self.viewport["width"]:
            self.problems.append(f"{where}: scrolls sideways ({width} px wide)")
        for left, right, element in page.evaluate(FIND_OUTSIDE_CARDS):
            self.problems.append(f"{where}: {element} sticks out of its card ({left} / {right} px)")
        for w, h, control in page.evaluate(FIND_SMALL_CONTROLS, CONTROLS):
            self.problems.append(f"{where}: {control} is {w}×{h} px")
        text = page.locator("body").inner_text()
        signs = [text[max(0, m.start() - 20):m.end() + 12] for m in SPLITTABLE_SIGN.finditer(text)]
        if signs:
            self.problems.append(f"{where}: a sign may be split from its number: {signs[:3]}")
        dates = NUMERIC_DATE.findall(text)
        if dates:
            self.problems.append(f"{where}: dates in another style: {dates[:3]}")
        action = MAIN_ACTIONS.get(name)
        if action and self.viewport == KIOSK:
            box = page.locator(action).bounding_box()
            if box is None or box["y"] < 0 or box["y"] + box["height"] > self.viewport["height"]:
                self.problems.append(f"{where}: the main action {action} is not in view ({box})")
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        self.problems.extend(f"{where}: axe {violation}" for violation in page.evaluate(AXE_RUN))


@pytest.mark.parametrize("viewport", [KIOSK, PHONE], ids=["1024x768", "390x844"])
def test_every_stop_fits_a_finger_and_passes_axe(own_app, browser, viewport):
    index = 0 if viewport == KIOSK else 1
    inspect = Inspector(viewport)
    context = browser.new_context(viewport=viewport, locale="ru-RU")
    try:
        resident_tour(context.new_page(), own_app.url, own_app.database_url, NEWCOMERS[index], index, inspect)
        refused_sign_in(context.new_page(), own_app.url, inspect)
        connection_lost(context.new_page(), own_app.url, inspect)
        other_states(context.new_page(), own_app.url, inspect)
    finally:
        context.close()
    context = browser.new_context(viewport=viewport, locale="ru-RU")
    try:
        idle_prompts(context.new_page(), own_app.url, inspect)
    finally:
        context.close()
    assert len(inspect.stops) == 30, inspect.stops
    assert inspect.problems == [], "\n".join(inspect.problems)
