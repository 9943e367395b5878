"""The kiosk's start screen, served by the production build."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_start_screen_shows_title_and_sign_in(served_app, kiosk_page, console):
    kiosk_page.goto(served_app.url + "/")
    expect(kiosk_page.get_by_role("heading", level=1)).to_have_text("ГИС ЖКХ — оплата жилищно-коммунальных услуг")
    sign_in = kiosk_page.get_by_role("button", name="Войти через Госуслуги")
    expect(sign_in).to_be_visible()
    box = sign_in.bounding_box()
    assert box is not None and box["height"] >= 48, "the main action must be a comfortable touch target"
    assert kiosk_page.locator("html").get_attribute("lang") == "ru"
    expect(kiosk_page).to_have_title("ГИС ЖКХ — оплата ЖКУ")
    kiosk_page.wait_for_load_state("networkidle")
    assert console.errors == []


def test_start_screen_fits_a_phone_without_sideways_scrolling(served_app, phone_page, console):
    phone_page.goto(served_app.url + "/")
    expect(phone_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390
    assert console.errors == []


def test_init_build_and_serve_call_nothing_outside(served_app, kiosk_page):
    """`reflex init`, the production build and the server run with every HTTP(S) proxy variable
    pointing at a recorder (only the npm registry is exempt): telemetry, version checks, network
    probes and downloads would all be caught there."""
    kiosk_page.goto(served_app.url + "/")
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    assert served_app.outbound.requests == []
