"""The websocket is lost at the kiosk: a Russian notice, no server address, and it clears itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gkh_web.components.connection import CONNECTION_LOST, CONNECTION_LOST_DETAIL

pytestmark = pytest.mark.browser


def test_a_lost_connection_is_said_in_russian_and_clears_when_it_is_back(served_app, kiosk_page):
    page = kiosk_page
    page.goto(served_app.url + "/")
    expect(page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    expect(page.locator("#connection-lost")).to_have_count(0)

    page.context.set_offline(True)  # the socket drops and every reconnection attempt fails
    notice = page.locator("#connection-lost")
    expect(notice).to_be_visible(timeout=30_000)
    expect(notice.get_by_role("alert")).to_contain_text(CONNECTION_LOST)
    expect(notice).to_contain_text(CONNECTION_LOST_DETAIL)
    body = page.locator("body").inner_text()
    assert "Cannot connect" not in body and "ws://" not in body and "127.0.0.1" not in body

    page.context.set_offline(False)
    expect(notice).to_have_count(0, timeout=30_000)
    page.get_by_role("button", name="Войти через Госуслуги").click()  # and the app answers again
    expect(page.get_by_role("heading", name="Вход", exact=True)).to_be_visible()
