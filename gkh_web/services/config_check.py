"""Production mode fails closed: the list of demo defaults that must not reach the public.

``GKH_ENV=production`` means residents and real money. Then every setting that
still holds a value published in this repository (a secret, the demo logins
card, an embedded provider, a plain-http address) is a problem, and the server
and ``gkh check-config`` refuse to go on while any is left, naming them all at
once so that an operator fixes the configuration in one pass rather than one
restart per mistake. In demo mode (the default) the same defaults are the point.
"""

from __future__ import annotations

import ipaddress
from email.utils import parseaddr
from urllib.parse import urlsplit

from gkh_web.domain.commission import RateError, parse_rate_setting
from gkh_web.domain.fiscal_receipt import VAT_CODES
from gkh_web.services import rate_limits
from gkh_web.services.mail.smtp import SmtpUrlError, parse_smtp_url
from gkh_web.settings import (
    DEMO_ESIA_CLIENT_SECRET,
    DEMO_MAIL_FROM,
    DEMO_RECEIPT_LINK_SECRET,
    ENVIRONMENTS,
    GATEWAY_KINDS,
    GATEWAY_YOOKASSA,
    LOG_LEVELS,
    SANDBOX_SHOP_SECRET,
    SANDBOX_WEBHOOK_SECRET,
    Settings,
)

MIN_RECEIPT_LINK_SECRET = 32
"""Characters of the receipt links' key in production: anyone holding it can open any receipt."""
MIN_METRICS_TOKEN = 32
"""Characters of the ``/metrics`` token in production: the page tells payment volumes and error rates."""


class ProductionRefused(SystemExit):
    """Raised at start-up while any problem is left (in production: any demo default); exits with the whole list."""

    def __init__(self, problems: list[str], env: str) -> None:
        super().__init__(refusal_text(problems, env))
        self.problems = problems


def _origin_problem(name: str, url: str, *, require_https: bool) -> str | None:
    """An address must be scheme://host[:port] and, where required, https."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return f"{name}={url!r}: это не адрес вида https://хост[:порт]"
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return f"{name}={url!r}: это не адрес вида https://хост[:порт]"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"{name}={url!r}: укажите только схему, хост и порт, без пути"
    if require_https and parts.scheme != "https":
        return f"{name}={url!r}: в продакшене адрес должен начинаться с https://"
    return None


def _rate_limits_problem(text: str) -> str | None:
    try:
        rate_limits.parse_limits(text)
    except rate_limits.RateLimitConfigError as error:
        return str(error)
    return None


def _mail_problems(settings: Settings) -> list[str]:
    """``GKH_SMTP_URL`` must parse (its password never shown); ``GKH_MAIL_FROM`` must be one address."""
    problems = []
    if settings.smtp_url is not None:
        try:
            parse_smtp_url(settings.smtp_url)
        except SmtpUrlError as error:
            problems.append(str(error))
    _, address = parseaddr(settings.mail_from)
    if "@" not in address or any(ch in settings.mail_from for ch in "\r\n"):
        problems.append(f"GKH_MAIL_FROM={settings.mail_from!r}: нужен адрес вида «ГИС ЖКХ <no-reply@домен>»")
    return problems


def _observability_problems(settings: Settings) -> list[str]:
    """``GKH_LOG_LEVEL`` must be a level; in production a ``GKH_METRICS_TOKEN``, if set, must be long enough
    that nobody guesses it (unset is fine: no metrics page)."""
    problems = []
    if settings.log_level not in LOG_LEVELS:
        problems.append(f"GKH_LOG_LEVEL={settings.log_level!r}: допустимы {', '.join(LOG_LEVELS)}")
    token = settings.metrics_token
    if settings.is_production and token is not None and len(token) < MIN_METRICS_TOKEN:
        problems.append(f"GKH_METRICS_TOKEN: токен страницы /metrics короче {MIN_METRICS_TOKEN} символов — "
                        "его можно подобрать; задайте случайный (например, `openssl rand -hex 32`)")
    return problems


YOOKASSA_TEST_KEY_PREFIX = "test_"
"""YooKassa's secret keys of a test shop start «test_» (a live shop's «live_»): its payments move no money."""


def _yookassa_problems(settings: Settings) -> list[str]:
    """``GKH_GATEWAY=yookassa`` needs the shop's own id and key (in any mode: without them nothing can be paid),
    commission and VAT settings that parse, and YooKassa's networks; in production a live shop's key."""
    problems = []
    shop_id = settings.gateway_shop_id.strip()
    if not shop_id.isdigit():
        problems.append(f"GKH_GATEWAY_SHOP_ID={shop_id!r}: для YooKassa нужен идентификатор магазина (shopId, "
                        "число из личного кабинета YooKassa)")
    if not settings.gateway_secret or settings.gateway_secret == SANDBOX_SHOP_SECRET:
        problems.append("GKH_GATEWAY_SECRET: для YooKassa нужен секретный ключ магазина из личного кабинета")
    elif settings.is_production and settings.gateway_secret.startswith(YOOKASSA_TEST_KEY_PREFIX):
        problems.append("GKH_GATEWAY_SECRET: ключ «test_…» — это тестовый магазин YooKassa, его платежи не "
                        "списывают деньги и документы не оплачивают; в продакшене нужен ключ «live_…»")
    for name, text in (("GKH_YOOKASSA_COMMISSION_CARD", settings.yookassa_commission_card),
                       ("GKH_YOOKASSA_COMMISSION_WALLET", settings.yookassa_commission_wallet)):
        try:
            parse_rate_setting(text)
        except RateError:
            problems.append(f"{name}={text!r}: комиссия задаётся как «0», «1%» или «1% min 1000» (минимум в копейках)")
    if settings.yookassa_vat_code not in VAT_CODES:
        problems.append(f"GKH_YOOKASSA_VAT_CODE={settings.yookassa_vat_code}: код ставки НДС YooKassa — от 1 до 12")
    problems += _networks_problems("GKH_YOOKASSA_NOTIFY_NETWORKS", settings.yookassa_notify_networks, required=True)
    return problems


def _networks_problems(name: str, cidrs: tuple[str, ...], *, required: bool = False) -> list[str]:
    """Every entry must be an address or a network; an empty list where one is required hears nobody."""
    if required and not cidrs:
        return [f"{name} пуст: уведомления YooKassa не будут приниматься ни с одного адреса"]
    problems = []
    for cidr in cidrs:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            problems.append(f"{name}: {cidr!r} — не адрес и не сеть (ожидается вида 185.71.76.0/27)")
    return problems


def config_problems(settings: Settings) -> list[str]:
    """Everything wrong with ``settings`` for their mode, in Russian, one line each ([] = fine)."""
    if settings.env not in ENVIRONMENTS:
        return [f"GKH_ENV={settings.env!r}: допустимы только {' или '.join(ENVIRONMENTS)}"]
    problems = [
        problem
        for problem in [
            _origin_problem("GKH_PUBLIC_URL", settings.public_url, require_https=settings.is_production),
            _rate_limits_problem(settings.rate_limits),
        ]
        if problem
    ]
    problems += _mail_problems(settings)
    problems += _observability_problems(settings)
    problems += _networks_problems("GKH_TRUSTED_PROXIES", settings.trusted_proxies)
    if settings.gateway_kind not in GATEWAY_KINDS:
        problems.append(f"GKH_GATEWAY={settings.gateway_kind!r}: допустимы только {' или '.join(GATEWAY_KINDS)}")
    elif settings.gateway_kind == GATEWAY_YOOKASSA:
        problems += _yookassa_problems(settings)
    if not settings.is_production:
        return problems
    if settings.esia_client_secret == DEMO_ESIA_CLIENT_SECRET:
        problems.append("GKH_ESIA_CLIENT_SECRET: стоит демо-секрет из репозитория — задайте секрет клиента ЕСИА")
    if settings.gateway_secret == SANDBOX_SHOP_SECRET and settings.gateway_kind != GATEWAY_YOOKASSA:
        problems.append("GKH_GATEWAY_SECRET: стоит секрет песочницы — задайте секретный ключ магазина")
    if settings.gateway_webhook_secret == SANDBOX_WEBHOOK_SECRET and settings.gateway_kind != GATEWAY_YOOKASSA:
        problems.append("GKH_GATEWAY_WEBHOOK_SECRET: стоит секрет песочницы — задайте ключ подписи уведомлений")
    if settings.receipt_link_secret == DEMO_RECEIPT_LINK_SECRET:
        problems.append("GKH_RECEIPT_LINK_SECRET: стоит демо-ключ из репозитория — задайте свой ключ подписи ссылок "
                        "на квитанции (не короче 32 символов)")
    elif len(settings.receipt_link_secret) < MIN_RECEIPT_LINK_SECRET:
        problems.append(f"GKH_RECEIPT_LINK_SECRET: ключ подписи ссылок на квитанции короче {MIN_RECEIPT_LINK_SECRET} "
                        "символов — его можно подобрать")
    if settings.demo_mode:
        problems.append("GKH_DEMO_MODE: включена карточка демо-входов — задайте GKH_DEMO_MODE=0")
    if settings.esia_url is None and not settings.allow_demo_esia_in_production:
        problems.append(
            "GKH_ESIA_URL не задан: вход шёл бы через встроенную демо-ЕСИА — задайте адрес ЕСИА "
            "(или GKH_PRODUCTION_ALLOW_DEMO_ESIA=1 для стенда)"
        )
    if settings.gateway_url is None and not settings.allow_sandbox_in_production:
        problems.append(
            "GKH_GATEWAY_URL не задан: оплата шла бы в песочницу — задайте адрес платёжного шлюза "
            "(или GKH_PRODUCTION_ALLOW_SANDBOX_GATEWAY=1 для стенда)"
        )
    if settings.mail_enabled and settings.mail_from == DEMO_MAIL_FROM:
        problems.append("GKH_MAIL_FROM: стоит демо-адрес в зоне .example — задайте адрес отправителя квитанций")
    for name, url in (("GKH_ESIA_URL", settings.esia_url), ("GKH_GATEWAY_URL", settings.gateway_url)):
        if url is not None and urlsplit(url).scheme != "https":
            problems.append(f"{name}={url!r}: в продакшене адрес должен начинаться с https://")
    return problems


def refusal_text(problems: list[str], env: str) -> str:
    """The operator's message: every problem numbered, and what the mode is."""
    lines = [f"Настройки не годятся для GKH_ENV={env} — проблем: {len(problems)}"]
    lines += [f"  {number}. {problem}" for number, problem in enumerate(problems, start=1)]
    return "\n".join(lines)


def enforce(settings: Settings) -> None:
    """Raise ProductionRefused (a SystemExit with the whole list) unless the settings are fit for their mode."""
    problems = config_problems(settings)
    if problems:
        raise ProductionRefused(problems, settings.env)
