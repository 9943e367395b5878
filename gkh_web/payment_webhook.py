"""``POST /payments/webhook`` — the gateway's notifications, heard only as hints.

The checks run cheapest first, and none of them trusts what the body says:

1. the sender's address must lie in the gateway's networks — for YooKassa always
   (``GKH_YOOKASSA_NOTIFY_NETWORKS``, its published list: YooKassa signs nothing, the
   address is all there is; an empty list hears nobody), for the sandbox when they are
   set (``GKH_WEBHOOK_ALLOWED_NETWORKS``) — else 403. The sender is the TCP peer; only a
   peer that is one of our own proxies (``GKH_TRUSTED_PROXIES``) may name another in
   ``X-Forwarded-For``, and then the sender is the last address there that is not ours;
2. the size is checked before the body is read: a declared Content-Length above
   ``MAX_BODY_BYTES`` is refused unread, any other body is read up to one byte more
   than the limit and no further — else 413;
3. the sandbox's signature with the webhook key (``GKH_GATEWAY_WEBHOOK_SECRET``, never the
   shop's API secret) over a fresh timestamp — else 401 (YooKassa: nothing to check);
4. ``payments.handle_notification`` asks the gateway about the payment the body
   names and applies the gateway's answer — unless the body disagrees with it; a
   gateway that cannot be asked gives 503, so that the sender tries again later.

A lost, late, duplicated or reordered webhook changes nothing that
``payments.transition`` would not allow; the result page and the reconciler ask
the gateway themselves anyway.
"""

import ipaddress
import json
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gkh_web.db.engine import session_scope
from gkh_web.domain.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_webhook
from gkh_web.services import payments
from gkh_web.services.payments.gateway_factory import current_gateway
from gkh_web.settings import GATEWAY_YOOKASSA, Settings, get_settings

WEBHOOK_PATH = "/payments/webhook"
MAX_BODY_BYTES = 64 * 1024


def _refusal(error: str, status_code: int) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status_code)


# --- Who is sending ----------------------------------------------------------------------------------


def sender_address(request: Request, trusted_proxies: tuple[str, ...]) -> str:
    """Who sent the notification: the TCP peer, unless the peer is one of our own proxies.

    ``X-Forwarded-For`` is whatever the connecting party wrote, so it is read only from a
    peer in ``trusted_proxies``; then the addresses are taken from the right (each appended
    by the proxy that saw it) past our own proxies, and the first that is not ours is the
    sender — what a sender writes further left is its own word. A header from anyone else,
    however it looks, is ignored.
    """
    address = request.client.host if request.client else ""
    if not sender_allowed(address, trusted_proxies, anyone_if_empty=False):
        return address
    forwarded = [item.strip() for item in request.headers.get("x-forwarded-for", "").split(",") if item.strip()]
    for hop in reversed(forwarded):
        address = hop
        if not sender_allowed(hop, trusted_proxies, anyone_if_empty=False):
            break
    return address


def _networks(cidrs: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The allowed networks; a malformed entry is dropped, which only narrows the list (fails closed)."""
    networks = []
    for cidr in cidrs:
        try:
            networks.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    return networks


def sender_allowed(address: str, cidrs: tuple[str, ...], *, anyone_if_empty: bool = True) -> bool:
    """True for an address inside one of the networks; with none set, ``anyone_if_empty`` decides."""
    if not cidrs:
        return anyone_if_empty
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # «::ffff:185.71.76.5» from a dual-stack listener is the IPv4 sender
    return any(ip.version == network.version and ip in network for network in _networks(cidrs))


# --- How much it sends ---------------------------------------------------------------------------------


def _declared_too_large(request: Request) -> bool:
    declared = request.headers.get("content-length", "").strip()
    return declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES


async def capped_body(request: Request) -> bytes | None:
    """The body, read chunk by chunk up to ``MAX_BODY_BYTES``; None as soon as more arrives.

    Whatever Content-Length says (absent, not a number, or a lie), no more than
    one chunk past the limit is ever taken from the connection.
    """
    if _declared_too_large(request):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


# --- The route ----------------------------------------------------------------------------------------


def _signed(raw: bytes, request: Request) -> bool:
    return verify_webhook(raw, request.headers.get(TIMESTAMP_HEADER), request.headers.get(SIGNATURE_HEADER),
                          get_settings().gateway_webhook_secret, now=time.time())


def _json_object(raw: bytes) -> dict | None:
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _sender_heard(request: Request, settings: Settings) -> bool:
    """The sender's address against the gateway's networks (YooKassa: its list, never «anyone»)."""
    sender = sender_address(request, settings.trusted_proxies)
    if settings.gateway_kind == GATEWAY_YOOKASSA:
        return sender_allowed(sender, settings.yookassa_notify_networks, anyone_if_empty=False)
    return sender_allowed(sender, settings.webhook_allowed_networks)


async def payment_webhook(request: Request) -> JSONResponse:
    settings = get_settings()
    if not _sender_heard(request, settings):
        return _refusal("forbidden", 403)
    raw = await capped_body(request)
    if raw is None:
        return _refusal("too_large", 413)
    if settings.gateway_kind != GATEWAY_YOOKASSA and not _signed(raw, request):
        return _refusal("invalid_signature", 401)
    body = _json_object(raw)
    if body is None:
        return _refusal("malformed", 400)
    outcome = await payments.handle_notification(body, current_gateway(), session_scope)
    if outcome == "unavailable":
        return _refusal("gateway_unavailable", 503)
    return JSONResponse({"result": outcome})


def webhook_routes() -> list[Route]:
    return [Route(WEBHOOK_PATH, payment_webhook, methods=["POST"])]
