"""Settings read from the environment, one place for every knob.

The embedded defaults run on one machine with no outside services (SQLite in
``data/``); each setting swaps in a real service without code changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'data' / 'gkh.db'}"


@dataclass(frozen=True)
class Settings:
    """What the app needs to know about its surroundings."""

    database_url: str
    """SQLAlchemy URL of the main database (``GKH_DATABASE_URL``)."""

    max_document_payment_kopecks: int
    """Cap for one payment document's «Сумма платежа» (``GKH_MAX_DOCUMENT_PAYMENT_KOPECKS``)."""

    esia_url: str | None
    """Base URL of a real ЕСИА-compatible provider (``GKH_ESIA_URL``); unset = the embedded demo ЕСИА
    served by this same server under ``/esia``."""

    esia_client_id: str
    """Our client id at the provider (``GKH_ESIA_CLIENT_ID``)."""

    esia_client_secret: str
    """Our client secret at the provider (``GKH_ESIA_CLIENT_SECRET``); the default only suits the demo ЕСИА."""

    esia_timeout_seconds: int
    """Longest wait for one ЕСИА call before «Сервис ЕСИА временно недоступен» (``GKH_ESIA_TIMEOUT_SECONDS``)."""

    demo_mode: bool
    """Show the demo logins on the ЕСИА page (``GKH_DEMO_MODE``, on by default; switch off with a real provider)."""

    kiosk_idle_seconds: int
    """Idle time before «Вы ещё здесь?» (``GKH_KIOSK_IDLE_SECONDS``)."""

    kiosk_countdown_seconds: int
    """Countdown in «Вы ещё здесь?» before a full reset (``GKH_KIOSK_COUNTDOWN_SECONDS``)."""

    gateway_name: str
    """Name recorded on each payment (``GKH_GATEWAY_NAME``, default ``sandbox``)."""

    gateway_url: str | None
    """Base URL of a YooKassa-shaped gateway API (``GKH_GATEWAY_URL``); unset = the embedded sandbox."""

    gateway_shop_id: str
    """Shop id for the gateway (``GKH_GATEWAY_SHOP_ID``)."""

    gateway_secret: str
    """Secret key for the gateway and its webhook signatures (``GKH_GATEWAY_SECRET``)."""

    redis_url: str | None
    """Redis for the Reflex state of every tab (``GKH_REDIS_URL``); required for more than one backend
    worker. Unset = state kept in the one worker's memory."""

    db_pool_size: int
    """Connections each worker keeps open to a server database (``GKH_DB_POOL_SIZE``); ignored by SQLite."""

    reconcile_interval_seconds: int
    """How often the payment reconciler runs, once across all workers (``GKH_RECONCILE_INTERVAL_SECONDS``)."""

    reconcile_stale_after_seconds: int
    """The reconciler asks the gateway about an unfinished payment idle this long
    (``GKH_RECONCILE_STALE_AFTER_SECONDS``)."""

    gateway_timeout_seconds: int
    """Longest wait for one gateway answer before the outcome counts as unknown (``GKH_GATEWAY_TIMEOUT_SECONDS``)."""

    @property
    def session_idle_limit_seconds(self) -> int:
        """The server ends a session idle longer than the kiosk's prompt and countdown together."""
        return self.kiosk_idle_seconds + self.kiosk_countdown_seconds

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process; call ``get_settings.cache_clear()`` in tests after changing env."""
    return Settings(
        database_url=os.environ.get("GKH_DATABASE_URL") or _default_database_url(),
        max_document_payment_kopecks=int(
            os.environ.get("GKH_MAX_DOCUMENT_PAYMENT_KOPECKS", str(500_000 * 100))
        ),
        esia_url=(os.environ.get("GKH_ESIA_URL") or "").rstrip("/") or None,
        esia_client_id=os.environ.get("GKH_ESIA_CLIENT_ID", "gkh-web-kiosk"),
        esia_client_secret=os.environ.get("GKH_ESIA_CLIENT_SECRET", "demo-esia-secret"),
        esia_timeout_seconds=int(os.environ.get("GKH_ESIA_TIMEOUT_SECONDS", "5")),
        demo_mode=_flag(os.environ.get("GKH_DEMO_MODE", "1")),
        kiosk_idle_seconds=int(os.environ.get("GKH_KIOSK_IDLE_SECONDS", "120")),
        kiosk_countdown_seconds=int(os.environ.get("GKH_KIOSK_COUNTDOWN_SECONDS", "20")),
        gateway_name=os.environ.get("GKH_GATEWAY_NAME", "sandbox"),
        gateway_url=(os.environ.get("GKH_GATEWAY_URL") or "").rstrip("/") or None,
        gateway_shop_id=os.environ.get("GKH_GATEWAY_SHOP_ID", "sandbox-shop"),
        gateway_secret=os.environ.get("GKH_GATEWAY_SECRET", "sandbox-secret"),
        redis_url=os.environ.get("GKH_REDIS_URL") or None,
        db_pool_size=int(os.environ.get("GKH_DB_POOL_SIZE", "10")),
        reconcile_interval_seconds=int(os.environ.get("GKH_RECONCILE_INTERVAL_SECONDS", "60")),
        reconcile_stale_after_seconds=int(os.environ.get("GKH_RECONCILE_STALE_AFTER_SECONDS", "60")),
        gateway_timeout_seconds=int(os.environ.get("GKH_GATEWAY_TIMEOUT_SECONDS", "15")),
    )


def _flag(text: str) -> bool:
    return text.strip().lower() not in ("0", "false", "no", "off", "")
