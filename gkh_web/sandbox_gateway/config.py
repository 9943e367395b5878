"""Settings of the sandbox gateway, read from the environment.

Kept apart from ``gkh_web.settings`` on purpose: the sandbox plays a foreign
service, so it has its own database and credentials the app only knows as a client.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from gkh_web.domain.commission import CommissionRate, parse_rate_setting
from gkh_web.settings import PROJECT_ROOT

BASE_PATH = "/sandbox-gateway"
API_PREFIX = f"{BASE_PATH}/api/v3"
PAGE_PREFIX = f"{BASE_PATH}/pay"
DEFAULT_CARD_COMMISSION = "1% min 1000"
"""A demo card commission: 1 %, at least 10 ₽ (a bank's usual shape)."""
DEFAULT_WALLET_COMMISSION = "0"
"""The wallet is the one commission-free way, as the law asks of ЖКУ payments."""


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'data' / 'sandbox.db'}"


@dataclass(frozen=True)
class SandboxSettings:
    """Everything the sandbox needs; tests shrink the delays through the environment."""

    database_url: str  # GKH_SANDBOX_DATABASE_URL
    shop_id: str  # GKH_GATEWAY_SHOP_ID
    secret: str  # GKH_GATEWAY_SECRET: the shop's key for the API (Basic auth), never for notifications
    webhook_secret: str  # GKH_GATEWAY_WEBHOOK_SECRET: the key of the notifications' HMAC, apart from the shop's
    webhook_url: str | None  # GKH_GATEWAY_WEBHOOK_URL; unset = no webhooks
    slow_seconds: float  # ok-float: seconds; GKH_SANDBOX_SLOW_SECONDS, pause of the «slow» test card
    idempotence_ttl_seconds: int  # GKH_SANDBOX_IDEMPOTENCE_TTL_SECONDS (24 h)
    page_ttl_seconds: int  # GKH_SANDBOX_PAGE_TTL_SECONDS: life of a payment page (30 min)
    webhook_attempts: int  # GKH_SANDBOX_WEBHOOK_ATTEMPTS
    webhook_backoff_seconds: float  # ok-float: seconds; GKH_SANDBOX_WEBHOOK_BACKOFF_SECONDS between attempts
    card_commission: CommissionRate  # GKH_SANDBOX_COMMISSION_CARD, e.g. «1% min 1000» (minimum in kopecks)
    wallet_commission: CommissionRate  # GKH_SANDBOX_COMMISSION_WALLET
    wallet_code: str = "0000"
    three_ds_code: str = "123456"
    new_wallet_balance_kopecks: int = 100_000 * 100

    def commission_rate(self, method: str) -> CommissionRate:
        """The declared rate of ``bank_card`` or ``wallet`` (the sandbox's own method names)."""
        return self.card_commission if method == "bank_card" else self.wallet_commission


@lru_cache(maxsize=1)
def get_sandbox_settings() -> SandboxSettings:
    """Settings of this process; tests call ``get_sandbox_settings.cache_clear()`` after changing env."""
    env = os.environ.get
    return SandboxSettings(
        database_url=env("GKH_SANDBOX_DATABASE_URL") or _default_database_url(),
        shop_id=env("GKH_GATEWAY_SHOP_ID") or "sandbox-shop",
        secret=env("GKH_GATEWAY_SECRET") or "sandbox-secret",
        webhook_secret=env("GKH_GATEWAY_WEBHOOK_SECRET") or "sandbox-webhook-secret",
        webhook_url=env("GKH_GATEWAY_WEBHOOK_URL") or None,
        slow_seconds=float(env("GKH_SANDBOX_SLOW_SECONDS", "5")),  # ok-float: seconds
        idempotence_ttl_seconds=int(env("GKH_SANDBOX_IDEMPOTENCE_TTL_SECONDS", str(24 * 3600))),
        page_ttl_seconds=int(env("GKH_SANDBOX_PAGE_TTL_SECONDS", str(30 * 60))),
        webhook_attempts=int(env("GKH_SANDBOX_WEBHOOK_ATTEMPTS", "3")),
        webhook_backoff_seconds=float(env("GKH_SANDBOX_WEBHOOK_BACKOFF_SECONDS", "2")),  # ok-float: seconds
        card_commission=parse_rate_setting(env("GKH_SANDBOX_COMMISSION_CARD") or DEFAULT_CARD_COMMISSION),
        wallet_commission=parse_rate_setting(env("GKH_SANDBOX_COMMISSION_WALLET") or DEFAULT_WALLET_COMMISSION),
    )
