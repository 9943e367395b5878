"""Which payment gateway this server talks to (the embedded sandbox unless configured)."""

import reflex as rx

from gkh_web.services.gateway_client import HttpGateway
from gkh_web.settings import get_settings


def current_gateway() -> HttpGateway:
    settings = get_settings()
    base = settings.gateway_url or f"http://127.0.0.1:{rx.config.get_config().backend_port}/sandbox-gateway/api/v3"
    timeout = settings.gateway_timeout_seconds
    return HttpGateway(base, settings.gateway_shop_id, settings.gateway_secret, name=settings.gateway_name,
                       read_timeout_seconds=timeout, overall_timeout_seconds=timeout + 10)
