"""The HTTP routes served next to the Reflex app on the same port, and the headers of every answer.

The embedded demo ЕСИА (``/esia``) and the embedded sandbox payment gateway
(``/sandbox-gateway``) are separate systems that happen to share the process: the
ГИС ЖКХ side talks to them only over HTTP, exactly as it would to real ones. In
production they are not mounted at all unless a named setting allows them
(``Settings.embedded_esia_serving`` / ``sandbox_serving``). The gateway's
notifications arrive at ``/payments/webhook``.
"""

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gkh_web.esia.api import esia_routes
from gkh_web.payment_webhook import webhook_routes
from gkh_web.sandbox_gateway import sandbox_routes
from gkh_web.settings import get_settings

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"referrer-policy", b"no-referrer"),  # payment and receipt addresses carry tokens
    (b"x-frame-options", b"DENY"),  # nobody frames «Оплатить» under a decoy
    (b"x-content-type-options", b"nosniff"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)
NO_STORE = (b"cache-control", b"no-store")
IMMUTABLE_PREFIXES = ("/assets/",)
"""The build's content-hashed scripts and styles: the same bytes for everyone, safe to cache."""


def build_api() -> Starlette:
    """A new Starlette app for ``rx.App(api_transformer=…)``; Reflex mounts itself inside it."""
    settings = get_settings()
    routes = list(webhook_routes())
    if settings.embedded_esia_serving:
        routes += esia_routes()
    if settings.sandbox_serving:
        routes += sandbox_routes()
    return Starlette(routes=routes)


def security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap the whole backend: every HTTP answer — pages, API, webhooks, the sandbox's pages — gets the
    headers above and ``Cache-Control: no-store`` (no personal page comes back from a cache or the
    back/forward cache), except the immutable build assets."""

    async def with_headers(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        cacheable = scope.get("path", "").startswith(IMMUTABLE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [header for header in SECURITY_HEADERS if header[0] not in names]
                if not cacheable:
                    kept = [(name, value) for name, value in message.get("headers", [])
                            if name.lower() not in (b"cache-control", b"expires", b"etag", b"last-modified")]
                    message = {**message, "headers": [*kept, NO_STORE, (b"pragma", b"no-cache")]}
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)

    return with_headers


