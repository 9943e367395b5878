"""Which addresses the browser may be sent to as the gateway's payment page.

The gateway's answer carries ``confirmation_url``; the app sends the resident's
browser there. A gateway that is wrong, compromised or impersonated could hand
back ``javascript:…``, a look-alike host or plain http, and the kiosk would
follow. So the address is followed only when it is:

* on an https host named in ``GKH_GATEWAY_PAGE_HOSTS`` (exact host names);
* the embedded sandbox's own page (a path under ``/sandbox-gateway/pay/``),
  placed on our public URL, while the sandbox is serving;
* in demo mode, http on a loopback host (the sandbox reached as 127.0.0.1).

Anything else is refused (``None``), and ``services.payments`` puts the payment
to review with an event in its log.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from gkh_web.sandbox_gateway.config import PAGE_PREFIX
from gkh_web.settings import Settings, get_settings

MAX_LENGTH = 2000


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def browser_address(url: str | None, settings: Settings | None = None) -> str | None:
    """The absolute address to send the browser to, or None when it must not be followed."""
    settings = settings or get_settings()
    if not url or len(url) > MAX_LENGTH or any(ord(char) <= 0x20 or char in "\\\x7f" for char in url):
        return None
    if url.startswith(PAGE_PREFIX + "/") and settings.sandbox_serving:
        return settings.public_address(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None:
        return None
    if parts.scheme == "https" and host in settings.gateway_page_hosts:
        return url
    if not settings.is_production and parts.scheme in ("http", "https") and _is_loopback(host):
        return url
    if url.startswith(settings.public_url + PAGE_PREFIX + "/") and settings.sandbox_serving:
        return url
    return None
