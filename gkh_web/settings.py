"""Settings read from the environment, one place for every knob.

The embedded defaults run on one machine with no outside services (SQLite in
``data/``); each setting swaps in a real service without code changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from gkh_web import paths

PROJECT_ROOT = Path(__file__).resolve().parent.parent

ENV_DEMO = "demo"
ENV_PRODUCTION = "production"
ENVIRONMENTS = (ENV_DEMO, ENV_PRODUCTION)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

DEFAULT_PUBLIC_URL = "http://localhost:3000"
DEMO_ESIA_CLIENT_SECRET = "demo-esia-secret"
SANDBOX_SHOP_SECRET = "sandbox-secret"
SANDBOX_WEBHOOK_SECRET = "sandbox-webhook-secret"
DEMO_RECEIPT_LINK_SECRET = "demo-receipt-link-secret"
"""The embedded defaults: known to everyone who reads this file, so production refuses them."""
DEMO_MAIL_FROM = "ГИС ЖКХ <no-reply@gkh.example>"
"""The demo sender: ``.example`` is reserved and reaches nobody, so production refuses it."""
MAIL_OFF = "off"
GATEWAY_SANDBOX = "sandbox"
GATEWAY_YOOKASSA = "yookassa"
GATEWAY_KINDS = (GATEWAY_SANDBOX, GATEWAY_YOOKASSA)
YOOKASSA_API_URL = "https://api.yookassa.ru/v3"
YOOKASSA_PAGE_HOST = "yoomoney.ru"
"""Where YooKassa sends the payer (``confirmation_url``: https://yoomoney.ru/checkout/payments/v2/contract?…)."""
YOOKASSA_NOTIFY_NETWORKS = (
    "185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11", "77.75.156.35", "77.75.154.128/25",
    "2a02:5180::/32",
)
"""The addresses YooKassa publishes for its HTTP notifications (yookassa.ru/developers/using-api/webhooks,
«IP-адреса»); its notifications carry no signature, so the sender's address is what authenticates them."""
"""``GKH_SMTP_URL=off``: no e-mail at all, also in demo mode (where unset means the embedded sink)."""


class SettingsError(ValueError):
    """A setting cannot be read; the message names the variable and what it must be (for operators)."""



def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'data' / 'gkh.db'}"


STATE_LOCK_MARGIN_SECONDS = 10
"""Added to the outside calls' timeouts: queueing for the CPU and the database under load."""


@dataclass(frozen=True)
class Settings:
    """What the app needs to know about its surroundings."""

    env: str
    """``demo`` (the default: embedded providers and demo secrets are fine) or ``production``
    (``GKH_ENV``; the server refuses to start on any demo default, see ``services.config_check``)."""

    public_url: str
    """Scheme, host and port the residents' browsers use (``GKH_PUBLIC_URL``, no trailing slash).
    Every address handed to anyone (the ЕСИА ``redirect_uri``, the gateway's ``return_url``, links)
    is built from it, never from request headers; the websocket accepts only this Origin."""

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

    session_max_seconds: int
    """Absolute lifetime of a sign-in, however active (``GKH_SESSION_MAX_SECONDS``, 30 minutes)."""

    gateway_name: str
    """Name recorded on each payment (``GKH_GATEWAY_NAME``, default ``sandbox``)."""

    gateway_url: str | None
    """Base URL of a YooKassa-shaped gateway API (``GKH_GATEWAY_URL``); unset = the embedded sandbox."""

    gateway_shop_id: str
    """Shop id for the gateway (``GKH_GATEWAY_SHOP_ID``)."""

    gateway_secret: str
    """Secret key of the shop at the gateway (``GKH_GATEWAY_SECRET``, HTTP Basic auth of the API)."""

    gateway_webhook_secret: str
    """Key of the gateway's notification signatures (``GKH_GATEWAY_WEBHOOK_SECRET``)."""

    gateway_page_hosts: tuple[str, ...]
    """Hosts whose https pages the browser may be sent to as the gateway's payment page
    (``GKH_GATEWAY_PAGE_HOSTS``, comma-separated); the public URL's own origin (the embedded
    sandbox) is always allowed, and in demo mode http on loopback too."""

    webhook_allowed_networks: tuple[str, ...]
    """Networks notifications may come from (``GKH_WEBHOOK_ALLOWED_NETWORKS``, comma-separated CIDRs;
    empty = any: the notification is only a hint, the payment is read back from the gateway)."""

    allow_demo_esia_in_production: bool
    """``GKH_PRODUCTION_ALLOW_DEMO_ESIA``: serve the embedded demo ЕСИА even in production (a staging stand)."""

    allow_sandbox_in_production: bool
    """``GKH_PRODUCTION_ALLOW_SANDBOX_GATEWAY``: serve the sandbox gateway even in production
    (its payments are test payments and never pay a document there)."""

    trusted_proxy_hops: int
    """How many reverse proxies in front of us append to ``X-Forwarded-For`` (``GKH_TRUSTED_PROXY_HOPS``);
    0 = the address is the TCP peer's, and the header is ignored."""

    rate_limits: str
    """Overrides of the rate limits (``GKH_RATE_LIMITS``, e.g. ``lookup_per_tab=20/600``; see
    ``services.rate_limits.DEFAULT_LIMITS``)."""

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

    smtp_url: str | None = field(default=None, repr=False)
    """Where receipts are sent (``GKH_SMTP_URL``: ``smtp://`` or ``smtps://user:pass@host:port``); None = no
    e-mail. Unset in demo mode = the embedded sink (``mail_sink``); unset in production = no e-mail. Holds a
    password: never printed (``repr=False``; ``services.mail.smtp.redacted`` for messages)."""

    mail_from: str = DEMO_MAIL_FROM
    """The letters' «From» (``GKH_MAIL_FROM``); the Message-ID's domain is its domain."""

    smtp_sink_port: int = 2525
    """Port of the embedded SMTP sink on 127.0.0.1 (``GKH_SMTP_SINK_PORT``; demo mode only)."""

    smtp_sink_dir: str = ""
    """Where the embedded sink keeps the letters it received (``GKH_SMTP_SINK_DIR``, ``data/outbox``)."""

    smtp_timeout_seconds: int = 20
    """Longest wait for one SMTP conversation (``GKH_SMTP_TIMEOUT_SECONDS``)."""

    mail_interval_seconds: int = 5
    """How often the receipt sender looks for letters to send, once across workers (``GKH_MAIL_INTERVAL_SECONDS``)."""

    kiosk: bool = False
    """``GKH_KIOSK``: the app runs on a shared kiosk (on for ``make run``). Nothing is saved on the device: the
    result page offers no file, but a QR code with a short-lived link to the receipt for the resident's phone."""

    kiosk_printer: bool = False
    """``GKH_KIOSK_PRINTER``: the kiosk has a printer, so the receipt and the payment document offer «Напечатать»."""

    receipt_link_secret: str = DEMO_RECEIPT_LINK_SECRET
    """Key of the receipt links' HMAC (``GKH_RECEIPT_LINK_SECRET``); the default is public, production refuses it."""

    receipt_link_seconds: int = 15 * 60
    """How long a receipt link from the kiosk's QR code opens the receipt (``GKH_RECEIPT_LINK_SECONDS``)."""

    log_level: str = "INFO"
    """``GKH_LOG_LEVEL``: DEBUG, INFO, WARNING, ERROR or CRITICAL for every logger of the process (JSON lines)."""

    metrics_token: str | None = field(default=None, repr=False)
    """``GKH_METRICS_TOKEN``: the bearer token ``/metrics`` answers to; unset = no metrics page (404). A secret:
    never printed. Production refuses one shorter than 32 characters."""

    metrics_dir: str = ""
    """``GKH_METRICS_DIR`` (``data/metrics``): where each run's workers keep their metric values."""
    gateway_kind: str = GATEWAY_SANDBOX
    """``GKH_GATEWAY``: ``sandbox`` (the embedded one, or any gateway of ``GKH_GATEWAY_URL`` that speaks its
    dialect and signs its notifications) or ``yookassa`` (YooKassa API v3: receipts, unsigned notifications
    heard only from YooKassa's networks, commissions from settings)."""

    trusted_proxies: tuple[str, ...] = ()
    """Our own reverse proxies (``GKH_TRUSTED_PROXIES``, CIDRs): only a connection from one of them may name the
    notification's sender in ``X-Forwarded-For``; from anyone else the header is ignored."""

    yookassa_notify_networks: tuple[str, ...] = YOOKASSA_NOTIFY_NETWORKS
    """Where YooKassa's notifications come from (``GKH_YOOKASSA_NOTIFY_NETWORKS``; the published list by default)."""

    yookassa_commission_card: str = "0"
    yookassa_commission_wallet: str = "0"
    """The commission the payer pays on top, per method (``GKH_YOOKASSA_COMMISSION_CARD`` / ``_WALLET``, the
    sandbox's format «1% min 1000»); YooKassa has no endpoint that says it, the shop decides it (default none)."""

    yookassa_vat_code: int = 1
    """``vat_code`` of every receipt line (``GKH_YOOKASSA_VAT_CODE``; 1 = «без НДС»)."""

    yookassa_receipts: bool = True
    """Send the 54-ФЗ ``receipt`` with each payment (``GKH_YOOKASSA_RECEIPTS``; off only for a shop whose
    receipts are made elsewhere)."""

    retention_session_hours: int = 24
    """Ended (or long dead) resident sessions and the demo ЕСИА's codes and access tokens are deleted this
    long after they stopped working (``GKH_RETENTION_SESSION_HOURS``; see ``services.retention``)."""

    retention_throttle_hours: int = 24
    """Sign-in throttle records and rate-limit counters are deleted this long after their window or lock
    ended (``GKH_RETENTION_THROTTLE_HOURS``)."""

    retention_page_token_hours: int = 24
    """The sandbox gateway forgets a payment page's token this long after the page expired
    (``GKH_RETENTION_PAGE_TOKEN_HOURS``)."""

    retention_payment_email_days: int = 90
    """A payment's receipt address is dropped this long after the payment, once its letter is finished
    (``GKH_RETENTION_PAYMENT_EMAIL_DAYS``)."""

    retention_batch_size: int = 1000
    """Rows deleted or cleared per transaction by the purge (``GKH_RETENTION_BATCH_SIZE``), so a large
    backlog never holds one long lock."""

    @property
    def is_production(self) -> bool:
        return self.env == ENV_PRODUCTION

    @property
    def callback_url(self) -> str:
        """The one ЕСИА ``redirect_uri`` we register and send."""
        return self.public_url + paths.AUTH_CALLBACK

    def public_address(self, path_and_query: str) -> str:
        """An absolute address on our public URL for a path of this app (``/pay/result?payment=…``)."""
        if not path_and_query.startswith("/") or path_and_query.startswith("//"):
            raise ValueError("a path of this app must start with a single /")
        return self.public_url + path_and_query

    @property
    def smtp_sink_serving(self) -> bool:
        """The embedded SMTP sink and ``/demo/outbox`` run: demo mode only, never in production."""
        return not self.is_production

    @property
    def mail_enabled(self) -> bool:
        """Receipts go out by e-mail (an SMTP server is configured or, in demo mode, the embedded sink)."""
        return self.smtp_url is not None

    @property
    def can_print(self) -> bool:
        """«Напечатать» is offered: anywhere but on a kiosk without a printer."""
        return self.kiosk_printer or not self.kiosk

    @property
    def embedded_esia_serving(self) -> bool:
        """The demo ЕСИА answers under ``/esia``: in demo mode always, in production only when allowed."""
        return not self.is_production or self.allow_demo_esia_in_production

    @property
    def sandbox_serving(self) -> bool:
        """The sandbox gateway answers under ``/sandbox-gateway``: in demo mode always, in production if allowed."""
        return not self.is_production or self.allow_sandbox_in_production

    @property
    def session_idle_limit_seconds(self) -> int:
        """The server ends a session idle longer than the kiosk's prompt and countdown together."""
        return self.kiosk_idle_seconds + self.kiosk_countdown_seconds

    @property
    def state_lock_seconds(self) -> int:
        """How long one event may hold its tab's state lock in Redis before Reflex gives up on it.

        It must outlast the slowest handler: ``/auth/callback`` makes two ЕСИА calls (token, userinfo),
        «Оплатить» and ``/pay/result`` up to two gateway calls, each bounded by its timeout; plus a
        margin for a machine under load. Reflex's default of 10 s is shorter than one gateway timeout,
        and under overload (bench/kiosks.py, 200 kiosks at the stress pace) sign-ins lost their lock and
        failed with «Вход не завершён». A lock is released as soon as the event ends, so a long limit
        costs nothing; it only matters when a worker dies holding it.
        """
        return 2 * max(self.esia_timeout_seconds, self.gateway_timeout_seconds) + STATE_LOCK_MARGIN_SECONDS


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process; call ``get_settings.cache_clear()`` in tests after changing env."""
    return Settings(
        env=(os.environ.get("GKH_ENV") or ENV_DEMO).strip().lower(),
        public_url=(os.environ.get("GKH_PUBLIC_URL") or DEFAULT_PUBLIC_URL).strip().rstrip("/"),
        database_url=os.environ.get("GKH_DATABASE_URL") or _default_database_url(),
        max_document_payment_kopecks=int(
            os.environ.get("GKH_MAX_DOCUMENT_PAYMENT_KOPECKS", str(500_000 * 100))
        ),
        esia_url=(os.environ.get("GKH_ESIA_URL") or "").rstrip("/") or None,
        esia_client_id=os.environ.get("GKH_ESIA_CLIENT_ID", "gkh-web-kiosk"),
        esia_client_secret=os.environ.get("GKH_ESIA_CLIENT_SECRET") or DEMO_ESIA_CLIENT_SECRET,
        esia_timeout_seconds=int(os.environ.get("GKH_ESIA_TIMEOUT_SECONDS", "5")),
        demo_mode=_flag(os.environ.get("GKH_DEMO_MODE", "1")),
        kiosk_idle_seconds=int(os.environ.get("GKH_KIOSK_IDLE_SECONDS", "120")),
        kiosk_countdown_seconds=int(os.environ.get("GKH_KIOSK_COUNTDOWN_SECONDS", "20")),
        session_max_seconds=int(os.environ.get("GKH_SESSION_MAX_SECONDS", str(30 * 60))),
        gateway_name=os.environ.get("GKH_GATEWAY_NAME") or _gateway_kind(),
        gateway_url=(os.environ.get("GKH_GATEWAY_URL") or "").rstrip("/") or _default_gateway_url(),
        gateway_shop_id=os.environ.get("GKH_GATEWAY_SHOP_ID", "sandbox-shop"),
        gateway_secret=os.environ.get("GKH_GATEWAY_SECRET") or SANDBOX_SHOP_SECRET,
        gateway_webhook_secret=os.environ.get("GKH_GATEWAY_WEBHOOK_SECRET") or SANDBOX_WEBHOOK_SECRET,
        gateway_page_hosts=_words(os.environ.get("GKH_GATEWAY_PAGE_HOSTS") or _default_page_hosts(), lower=True),
        webhook_allowed_networks=_words(os.environ.get("GKH_WEBHOOK_ALLOWED_NETWORKS", "")),
        allow_demo_esia_in_production=_flag(os.environ.get("GKH_PRODUCTION_ALLOW_DEMO_ESIA", "0")),
        allow_sandbox_in_production=_flag(os.environ.get("GKH_PRODUCTION_ALLOW_SANDBOX_GATEWAY", "0")),
        trusted_proxy_hops=int(os.environ.get("GKH_TRUSTED_PROXY_HOPS", "0")),
        rate_limits=os.environ.get("GKH_RATE_LIMITS", ""),
        redis_url=os.environ.get("GKH_REDIS_URL") or None,
        db_pool_size=int(os.environ.get("GKH_DB_POOL_SIZE", "10")),
        reconcile_interval_seconds=int(os.environ.get("GKH_RECONCILE_INTERVAL_SECONDS", "60")),
        reconcile_stale_after_seconds=int(os.environ.get("GKH_RECONCILE_STALE_AFTER_SECONDS", "60")),
        gateway_timeout_seconds=int(os.environ.get("GKH_GATEWAY_TIMEOUT_SECONDS", "15")),
        **_mail_settings(),
        kiosk=_flag(os.environ.get("GKH_KIOSK", "0")),
        kiosk_printer=_flag(os.environ.get("GKH_KIOSK_PRINTER", "0")),
        receipt_link_secret=os.environ.get("GKH_RECEIPT_LINK_SECRET") or DEMO_RECEIPT_LINK_SECRET,
        receipt_link_seconds=int(os.environ.get("GKH_RECEIPT_LINK_SECONDS", str(15 * 60))),
        log_level=(os.environ.get("GKH_LOG_LEVEL") or "INFO").strip().upper(),
        metrics_token=(os.environ.get("GKH_METRICS_TOKEN") or "").strip() or None,
        metrics_dir=os.environ.get("GKH_METRICS_DIR") or str(PROJECT_ROOT / "data" / "metrics"),
        **_yookassa_settings(),
        # GKH_RETENTION_*: how long personal data with an obvious end is kept (services.retention)
        retention_session_hours=positive_int("GKH_RETENTION_SESSION_HOURS", 24),
        retention_throttle_hours=positive_int("GKH_RETENTION_THROTTLE_HOURS", 24),
        retention_page_token_hours=positive_int("GKH_RETENTION_PAGE_TOKEN_HOURS", 24),
        retention_payment_email_days=positive_int("GKH_RETENTION_PAYMENT_EMAIL_DAYS", 90),
        retention_batch_size=positive_int("GKH_RETENTION_BATCH_SIZE", 1000),
    )


def _gateway_kind() -> str:
    return (os.environ.get("GKH_GATEWAY") or GATEWAY_SANDBOX).strip().lower()


def _default_gateway_url() -> str | None:
    """Unset ``GKH_GATEWAY_URL``: the embedded sandbox (None), or YooKassa's own API for ``GKH_GATEWAY=yookassa``."""
    return YOOKASSA_API_URL if _gateway_kind() == GATEWAY_YOOKASSA else None


def _default_page_hosts() -> str:
    return YOOKASSA_PAGE_HOST if _gateway_kind() == GATEWAY_YOOKASSA else ""


def _yookassa_settings() -> dict[str, Any]:
    """``GKH_GATEWAY`` and what only the YooKassa adapter (and the notification route) reads."""
    networks = os.environ.get("GKH_YOOKASSA_NOTIFY_NETWORKS")
    return {
        "gateway_kind": _gateway_kind(),
        "trusted_proxies": _words(os.environ.get("GKH_TRUSTED_PROXIES", "")),
        "yookassa_notify_networks": YOOKASSA_NOTIFY_NETWORKS if networks is None else _words(networks),
        "yookassa_commission_card": os.environ.get("GKH_YOOKASSA_COMMISSION_CARD", "0"),
        "yookassa_commission_wallet": os.environ.get("GKH_YOOKASSA_COMMISSION_WALLET", "0"),
        "yookassa_vat_code": int(os.environ.get("GKH_YOOKASSA_VAT_CODE", "1")),
        "yookassa_receipts": _flag(os.environ.get("GKH_YOOKASSA_RECEIPTS", "1")),
    }


def positive_int(name: str, default: int) -> int:
    """A whole number above zero from the environment; SettingsError naming the variable otherwise.

    A retention of 0 or less would delete data the moment it is written, and a typo must not do that
    silently: the operator is told, and nothing runs.
    """
    text = (os.environ.get(name) or "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or int(text) == 0:
        raise SettingsError(f"{name} must be a positive whole number (e.g. {name}={default}), got {text!r}")
    return int(text)


def _mail_settings() -> dict[str, Any]:
    """``GKH_SMTP_URL`` and friends; unset in demo mode means the embedded sink on loopback."""
    production = (os.environ.get("GKH_ENV") or ENV_DEMO).strip().lower() == ENV_PRODUCTION
    sink_port = int(os.environ.get("GKH_SMTP_SINK_PORT", "2525"))
    url = (os.environ.get("GKH_SMTP_URL") or "").strip()
    if url.lower() == MAIL_OFF:
        smtp_url: str | None = None
    elif url:
        smtp_url = url
    else:
        smtp_url = None if production else f"smtp://127.0.0.1:{sink_port}"
    return {
        "smtp_url": smtp_url,
        "mail_from": (os.environ.get("GKH_MAIL_FROM") or DEMO_MAIL_FROM).strip(),
        "smtp_sink_port": sink_port,
        "smtp_sink_dir": os.environ.get("GKH_SMTP_SINK_DIR") or str(PROJECT_ROOT / "data" / "outbox"),
        "smtp_timeout_seconds": int(os.environ.get("GKH_SMTP_TIMEOUT_SECONDS", "20")),
        "mail_interval_seconds": int(os.environ.get("GKH_MAIL_INTERVAL_SECONDS", "5")),
    }


def _flag(text: str) -> bool:
    return text.strip().lower() not in ("0", "false", "no", "off", "")


def _words(text: str, *, lower: bool = False) -> tuple[str, ...]:
    """A comma-separated list, blanks dropped."""
    items = (item.strip() for item in text.split(","))
    return tuple(item.lower() if lower else item for item in items if item)
