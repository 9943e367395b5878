"""Which payment gateway this server talks to: the configured one, or the embedded sandbox.

One place for every caller (the payment page, the result page, the reconciler,
the notification route), so that each asks the same gateway with the same
credentials and time limits.
"""

from __future__ import annotations

from gkh_web.domain.commission import parse_rate_setting
from gkh_web.sandbox_gateway.config import API_PREFIX
from gkh_web.services.payments.gateway_client import HttpGateway
from gkh_web.services.payments.yookassa import YooKassaGateway
from gkh_web.settings import GATEWAY_YOOKASSA, YOOKASSA_API_URL, Settings, get_settings


def sandbox_base_url() -> str:
    """The embedded sandbox's API on this server's own backend port (over HTTP, as a foreign gateway)."""
    from reflex.config import get_config  # only the sandbox needs to know our port

    return f"http://127.0.0.1:{get_config().backend_port}{API_PREFIX}"


def current_gateway() -> HttpGateway:
    """The gateway of ``GKH_GATEWAY`` / ``GKH_GATEWAY_URL`` (or the embedded sandbox), with the shop's credentials."""
    settings = get_settings()
    timeout = settings.gateway_timeout_seconds
    if settings.gateway_kind == GATEWAY_YOOKASSA:
        return yookassa_gateway(settings)
    return HttpGateway(
        settings.gateway_url or sandbox_base_url(),
        settings.gateway_shop_id,
        settings.gateway_secret,
        name=settings.gateway_name,
        read_timeout_seconds=timeout,
        overall_timeout_seconds=timeout + 10,
    )


def yookassa_gateway(settings: Settings) -> YooKassaGateway:
    """YooKassa with the shop id and secret key, the shop's commission settings and receipts on or off.

    A commission setting that does not parse is a RateError here, and ``config_check`` names it at start-up.
    """
    timeout = settings.gateway_timeout_seconds
    return YooKassaGateway(
        settings.gateway_url or YOOKASSA_API_URL,
        settings.gateway_shop_id,
        settings.gateway_secret,
        rates={"card": parse_rate_setting(settings.yookassa_commission_card),
               "wallet": parse_rate_setting(settings.yookassa_commission_wallet)},
        receipts=settings.yookassa_receipts,
        name=settings.gateway_name,
        read_timeout_seconds=timeout,
        overall_timeout_seconds=timeout + 10,
    )
