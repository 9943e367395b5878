"""The HTTP routes served next to the Reflex app on the same port, and the headers of every answer.

The embedded demo ЕСИА (``/esia``) and the embedded sandbox payment gateway
(``/sandbox-gateway``) are separate systems that happen to share the process: the
ГИС ЖКХ side talks to them only over HTTP, exactly as it would to real ones. In
production they are not mounted at all unless a named setting allows them
(``Settings.embedded_esia_serving`` / ``sandbox_serving``). The gateway's
notifications arrive at ``/payments/webhook``; the receipt links of the kiosk's QR code open at ``/receipt``
(``receipt_page``). The embedded SMTP sink's letters (``/demo/outbox``) are mounted in demo mode only.
"""

import base64
import functools
import hashlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

from reflex import constants
from reflex.utils.prerequisites import get_web_dir
from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gkh_web.esia.api import esia_routes
from gkh_web.mail_sink.pages import outbox_routes
from gkh_web.observability.endpoint import metrics_routes
from gkh_web.payment_webhook import webhook_routes
from gkh_web.receipt_page import receipt_routes
from gkh_web.sandbox_gateway import pages as sandbox_pages
from gkh_web.sandbox_gateway import sandbox_routes
from gkh_web.settings import get_settings

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"referrer-policy", b"no-referrer"),  # payment and receipt addresses carry tokens
    (b"x-frame-options", b"DENY"),  # nobody frames «Оплатить» under a decoy
    (b"x-content-type-options", b"nosniff"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)
NO_STORE = (b"cache-control", b"no-store")
REPLACED_CACHE_HEADERS = (b"cache-control", b"expires", b"etag", b"last-modified", b"pragma")
"""Whatever a route said about caching gives way to ``no-store`` (one of each, never two that disagree)."""
IMMUTABLE_PREFIXES = ("/assets/",)
"""The build's content-hashed scripts and styles: the same bytes for everyone, safe to cache."""
CSP_HEADER = b"content-security-policy"

# The Content-Security-Policy, measured (not guessed) on the production build (`reflex run --env prod`,
# Reflex 0.10.1) in Debian's Chromium: first sent as Content-Security-Policy-Report-Only with script-src
# 'self' and the hashes, style-src 'self' and every other directive at 'none', listening to
# `securitypolicyviolation` and the console's «Refused to …», then enforced, on the walk sign-in through
# the demo ЕСИА (and the agreement page), /cabinet with linking
# and unlinking an account, /pay with a document ticked, «Далее», «Оплатить», card, the sandbox's card,
# 3-D Secure and wallet pages, /pay/result with the receipt's PDF, /payments, /pay/other, «Выйти»,
# the kiosk's idle reset, the sandbox's idle guard to /session/end and a 404 page. Each source below
# is there because that walk was refused without it; under the whole policy nothing is refused.
CSP_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'none'"),  # nothing is needed that is not named below (fonts, frames, media, manifest)
    ("script-src", "'self' 'unsafe-eval'"),  # + the sha256 of each inline script, see _policy()
    ("style-src", "'self' 'unsafe-inline'"),  # /kiosk.css and the build's CSS; emotion and Radix add <style>
    # elements at run time, and the sandbox's pages carry an inline <style> and style="…" attributes
    ("img-src", "'self'"),  # /favicon.ico and /emblem.svg; no data: image was asked for
    ("connect-src", "'self'"),  # the websocket /_event (+ its ws:/wss: origin, see _websocket_origin())
    ("form-action", "'self'"),  # the sandbox's card, 3-D Secure, wallet and cancel forms, and their
    # 303 redirects to the app's /pay/result (the ЕСИА sign-in is no form: the callback is a navigation)
    ("frame-ancestors", "'none'"),  # as X-Frame-Options: DENY, for browsers that read only CSP
    ("base-uri", "'none'"),  # no injected <base> can move the relative /assets/ addresses
    ("object-src", "'none'"),
)
"""'unsafe-eval' in script-src: Reflex runs every ``rx.call_script`` through ``eval``
(``.web/utils/state.js``): the switch of the tab's token after sign-in, navigating to the gateway's
page, scrolling to the top, the full reset of the tab. Without it the resident cannot get to the card
page. Inline scripts are never allowed wholesale ('unsafe-inline'), only one by one by their hash."""
_SAFE_ORIGIN = re.compile(r"(https?)://([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?")


def build_api() -> Starlette:
    """A new Starlette app for ``rx.App(api_transformer=…)``; Reflex mounts itself inside it."""
    settings = get_settings()
    routes = [*webhook_routes(), *receipt_routes(), *metrics_routes()]
    if settings.embedded_esia_serving:
        routes += esia_routes()
    if settings.sandbox_serving:
        routes += sandbox_routes()
    if settings.smtp_sink_serving:
        routes += outbox_routes()
    return Starlette(routes=routes)


def script_hash(text: str) -> str:
    """The CSP source that allows exactly this inline script (its text between the tags, UTF-8)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


class _InlineScripts(HTMLParser):
    """The text of every ``<script>`` without ``src`` in one HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.texts: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        self._open = tag == "script" and not dict(attrs).get("src")
        if self._open:
            self.texts.append("")

    def handle_endtag(self, tag):
        self._open = False

    def handle_data(self, data):
        if self._open:
            self.texts[-1] += data


def inline_scripts(html: str) -> list[str]:
    """The text of every inline ``<script>`` of an HTML page, as the browser hashes it for the policy."""
    parser = _InlineScripts()
    parser.feed(html)
    return parser.texts


def built_pages_dir() -> Path:
    """Where ``reflex run --env prod`` serves the pages from (``reflex.utils.exec.get_frontend_mount``)."""
    return (get_web_dir() / constants.Dirs.STATIC).resolve()


def _built_pages_key(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of each built HTML page: a new build gives a new key."""
    try:
        with os.scandir(directory) as entries:
            pages = [(entry.name, entry.stat()) for entry in entries
                     if entry.name.endswith(".html") and entry.is_file()]
    except OSError:
        return ()
    return tuple(sorted((name, stat.st_mtime_ns, stat.st_size) for name, stat in pages))


def _inline_scripts(directory: Path, key: tuple[tuple[str, int, int], ...]) -> list[str]:
    """Every inline script of the built pages; a page that vanishes mid-rebuild is skipped."""
    texts: list[str] = []
    for name, _, _ in key:
        try:
            texts += inline_scripts((directory / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return texts


def _websocket_origin(public_url: str) -> str:
    """``wss://host`` for an https public URL (``ws://`` for http): the websocket's own origin, named
    for browsers that do not yet count ws:/wss: as 'self' (CSP3); empty for a URL we cannot trust."""
    match = _SAFE_ORIGIN.fullmatch(public_url)
    if match is None:
        return ""
    scheme = "wss" if match.group(1) == "https" else "ws"
    return f"{scheme}://{match.group(2)}{match.group(3) or ''}"


@functools.lru_cache(maxsize=8)
def _policy(directory: Path, key: tuple[tuple[str, int, int], ...], public_url: str) -> bytes:
    """The whole policy for one build and one public URL.

    Reflex's pages carry inline scripts of their own (the colour theme, React Router's context,
    its module loader and stream): they are read from the built files, so each build allows exactly
    its own, and the sandbox's scripts are constant text from ``sandbox_gateway.pages``.
    """
    inline = [*sandbox_pages.INLINE_SCRIPTS, *_inline_scripts(directory, key)]
    extra = {"script-src": " ".join(dict.fromkeys(script_hash(text) for text in inline)),
             "connect-src": _websocket_origin(public_url)}
    directives = (" ".join(filter(None, (name, sources, extra.get(name)))) for name, sources in CSP_DIRECTIVES)
    return "; ".join(directives).encode("ascii")


def content_security_policy(directory: Path | None = None) -> bytes:
    """The policy for the build now in ``directory`` (the served one by default)."""
    directory = directory or built_pages_dir()
    return _policy(directory, _built_pages_key(directory), get_settings().public_url)


def security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap the whole backend: every HTTP answer — pages, API, webhooks, the sandbox's pages — gets the
    headers above, the Content-Security-Policy of the served build and ``Cache-Control: no-store``
    (no personal page comes back from a cache or the back/forward cache), except that the immutable
    build assets keep their caching. The websocket and lifespan pass through untouched."""

    async def with_headers(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        cacheable = scope.get("path", "").startswith(IMMUTABLE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [header for header in (*SECURITY_HEADERS, (CSP_HEADER, content_security_policy()))
                         if header[0] not in names]
                if not cacheable:
                    kept = [(name, value) for name, value in message.get("headers", [])
                            if name.lower() not in REPLACED_CACHE_HEADERS]
                    message = {**message, "headers": [*kept, NO_STORE, (b"pragma", b"no-cache")]}
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)

    return with_headers


