"""Attacks on ``GET /metrics`` (issue 14 §2): the page tells payment volumes, error rates and how many
residents are signed in, so it answers only a bearer of ``GKH_METRICS_TOKEN``.

The attacks: no header, another scheme (Basic with the token as password), a wrong token, the token with a
character changed or cut short, the token in the query string (a proxy's or a server's access log keeps
addresses; it must never work, so nobody is tempted to put it there), the token doubled; and the page with
the setting unset, which must look like no page at all (404). Production refuses a short token.
"""

from __future__ import annotations

import base64

import httpx
import pytest
from starlette.applications import Starlette

from gkh_web.observability.endpoint import metrics_routes
from gkh_web.services.config_check import config_problems
from gkh_web.settings import get_settings

TOKEN = "metrics-token-of-this-server-0123456789abcdef"


@pytest.fixture
def metrics_on(monkeypatch, demo_db):
    monkeypatch.setenv("GKH_METRICS_TOKEN", TOKEN)
    get_settings.cache_clear()


async def _get(path: str = "/metrics", headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=Starlette(routes=metrics_routes()))
    async with httpx.AsyncClient(transport=transport, base_url="http://gkh.test") as client:
        return await client.get(path, headers=headers or {})


def _refused(response: httpx.Response) -> bool:
    return response.status_code == 401 and "gkh_" not in response.text and "# TYPE" not in response.text


async def test_the_bearer_of_the_token_reads_the_metrics(metrics_on):
    response = await _get(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "gkh_active_sessions" in response.text and "gkh_receipt_outbox_backlog" in response.text


async def test_no_header_is_refused(metrics_on):
    response = await _get()
    assert _refused(response) and response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("authorization", [
    "Bearer wrong-token",
    f"Bearer {TOKEN[:-1]}",
    f"Bearer {TOKEN[:-1]}X",
    f"Bearer {TOKEN}{TOKEN}",
    f"Bearer{TOKEN}",
    TOKEN,
    f"Token {TOKEN}",
    "Basic " + base64.b64encode(f"prometheus:{TOKEN}".encode()).decode(),
    "Bearer ",
], ids=["wrong", "cut-short", "one-changed", "doubled", "no-space", "bare", "other-scheme", "basic", "empty"])
async def test_anything_but_the_token_is_refused(metrics_on, authorization):
    assert _refused(await _get(headers={"Authorization": authorization}))


@pytest.mark.parametrize("query", [f"token={TOKEN}", f"access_token={TOKEN}", f"authorization=Bearer%20{TOKEN}"])
async def test_the_token_in_the_query_string_is_ignored(metrics_on, query):
    assert _refused(await _get(f"/metrics?{query}"))


async def test_unset_means_no_metrics_page(monkeypatch, demo_db):
    monkeypatch.delenv("GKH_METRICS_TOKEN", raising=False)
    get_settings.cache_clear()
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN}"}):
        response = await _get(headers=headers)
        assert response.status_code == 404 and "gkh_" not in response.text


def test_production_refuses_a_short_token(monkeypatch):
    monkeypatch.setenv("GKH_ENV", "production")
    monkeypatch.setenv("GKH_METRICS_TOKEN", "metrics")
    get_settings.cache_clear()
    assert any(problem.startswith("GKH_METRICS_TOKEN") for problem in config_problems(get_settings()))
    monkeypatch.setenv("GKH_METRICS_TOKEN", TOKEN)
    get_settings.cache_clear()
    assert not any(problem.startswith("GKH_METRICS_TOKEN") for problem in config_problems(get_settings()))
