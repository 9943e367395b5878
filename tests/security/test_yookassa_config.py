"""Deployment mistakes with ``GKH_GATEWAY=yookassa``: a shop without its id or key, a test shop's key in
production, commission and VAT settings that do not parse, no networks to hear notifications from."""

from __future__ import annotations

import subprocess

import pytest

from gkh_web.services import config_check
from tests.security.test_production_mode import BIN, PROJECT_ROOT, SAFE_PRODUCTION, _clean_env, _settings

YOOKASSA_PRODUCTION = {**SAFE_PRODUCTION, "GKH_GATEWAY": "yookassa", "GKH_GATEWAY_SHOP_ID": "506751",
                       "GKH_GATEWAY_URL": "", "GKH_GATEWAY_WEBHOOK_SECRET": "", "GKH_GATEWAY_PAGE_HOSTS": ""}
"""A live YooKassa shop: its API and page host are the defaults, and no webhook key (YooKassa signs nothing)."""


def test_a_live_yookassa_shop_passes(monkeypatch):
    settings = _settings(monkeypatch, **YOOKASSA_PRODUCTION)
    assert config_check.config_problems(settings) == []
    assert (settings.gateway_url, settings.gateway_name, settings.gateway_page_hosts) == (
        "https://api.yookassa.ru/v3", "yookassa", ("yoomoney.ru",))


@pytest.mark.parametrize(("change", "named", "says"), [
    ({"GKH_GATEWAY_SHOP_ID": ""}, "GKH_GATEWAY_SHOP_ID", "идентификатор магазина"),
    ({"GKH_GATEWAY_SHOP_ID": "sandbox-shop"}, "GKH_GATEWAY_SHOP_ID", "идентификатор магазина"),
    ({"GKH_GATEWAY_SECRET": ""}, "GKH_GATEWAY_SECRET", "секретный ключ магазина"),
    ({"GKH_GATEWAY_SECRET": "sandbox-secret"}, "GKH_GATEWAY_SECRET", "секретный ключ магазина"),
    ({"GKH_GATEWAY_SECRET": "test_Fh8hUAVVBGUGbjmlzba6TB0iyUbos_lueTHE-axOwM0"}, "GKH_GATEWAY_SECRET",
     "тестовый магазин"),
    ({"GKH_YOOKASSA_COMMISSION_CARD": "one percent"}, "GKH_YOOKASSA_COMMISSION_CARD", "1% min 1000"),
    ({"GKH_YOOKASSA_COMMISSION_WALLET": "120%"}, "GKH_YOOKASSA_COMMISSION_WALLET", "1% min 1000"),
    ({"GKH_YOOKASSA_VAT_CODE": "13"}, "GKH_YOOKASSA_VAT_CODE", "от 1 до 12"),
    ({"GKH_YOOKASSA_NOTIFY_NETWORKS": ""}, "GKH_YOOKASSA_NOTIFY_NETWORKS", "ни с одного адреса"),
    ({"GKH_YOOKASSA_NOTIFY_NETWORKS": "185.71.76.0/27, yookassa.ru"}, "GKH_YOOKASSA_NOTIFY_NETWORKS",
     "не адрес и не сеть"),
    ({"GKH_TRUSTED_PROXIES": "my-proxy"}, "GKH_TRUSTED_PROXIES", "не адрес и не сеть"),
])
def test_each_yookassa_mistake_alone_is_refused_and_explained(monkeypatch, change, named, says):
    problems = config_check.config_problems(_settings(monkeypatch, **{**YOOKASSA_PRODUCTION, **change}))
    assert len(problems) == 1 and named in problems[0] and says in problems[0], problems


def test_a_misspelt_gateway_is_named_first(monkeypatch):
    problems = config_check.config_problems(_settings(monkeypatch, **{**YOOKASSA_PRODUCTION, "GKH_GATEWAY": "yokassa"}))
    assert problems[0] == "GKH_GATEWAY='yokassa': допустимы только sandbox или yookassa"


def test_a_test_shop_is_fine_outside_production_but_a_missing_shop_never(monkeypatch):
    test_shop = {**YOOKASSA_PRODUCTION, "GKH_ENV": "demo", "GKH_GATEWAY_SECRET": "test_a-test-shop-key"}
    assert config_check.config_problems(_settings(monkeypatch, **test_shop)) == []
    no_shop = {**test_shop, "GKH_GATEWAY_SHOP_ID": "", "GKH_GATEWAY_SECRET": ""}
    assert [p.split(":")[0].split("=")[0] for p in config_check.config_problems(_settings(monkeypatch, **no_shop))] \
        == ["GKH_GATEWAY_SHOP_ID", "GKH_GATEWAY_SECRET"]


def test_gkh_check_config_refuses_a_test_shop_key_in_production():
    env = _clean_env(**{**YOOKASSA_PRODUCTION, "GKH_GATEWAY_SECRET": "test_a-test-shop-key"})
    refused = subprocess.run([str(BIN / "gkh"), "check-config"], env=env, cwd=PROJECT_ROOT,
                             capture_output=True, text=True)
    assert refused.returncode == 1
    assert "проблем: 1" in refused.stderr and "тестовый магазин YooKassa" in refused.stderr
    assert "test_a-test-shop-key" not in refused.stderr  # the key itself is never printed
