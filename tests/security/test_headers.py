"""The headers of every answer (security.md §8): no caching of anything personal, no framing, no
referrer, no sniffing, and a Content-Security-Policy as strict as the Reflex build allows.

``security_headers`` wraps the whole backend, so it is driven here around small Starlette apps
and around the real routes of ``build_api()`` (the sandbox's pages, the ЕСИА token endpoint).
"""

from __future__ import annotations

import base64
import hashlib
import os

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from gkh_web import api
from gkh_web.api import content_security_policy, inline_scripts, script_hash, security_headers
from gkh_web.sandbox_gateway import pages
from gkh_web.settings import get_settings
from tests.sandbox.conftest import AUTH, create, page_path

EXPECTED = {
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
STALE_CACHE = {"Cache-Control": "public, max-age=3600", "ETag": '"v1"', "Expires": "Thu, 01 Jan 2099 00:00:00 GMT",
               "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT", "Pragma": "cache"}
BUILD_PAGE = ('<!DOCTYPE html><html><head><script>document.documentElement.classList.add("light");</script>'
              '<script defer="" src="/kiosk.js"></script></head><body><div id="root"></div>'
              '<script type="module" async="">import "/assets/manifest-1.js";</script></body></html>')


@pytest.fixture(autouse=True)
def build_dir(tmp_path, monkeypatch):
    """A build of our own: the shared ``.web`` may be rebuilt by another test run at any moment."""
    directory = tmp_path / "build" / "client"
    monkeypatch.setattr(api, "built_pages_dir", lambda: directory)
    return directory


def _boom(request):
    raise RuntimeError("a bug in a route")


def tiny_app() -> Starlette:
    """JSON and HTML at 200, a 500 from a crashing route, stale caching headers, a build asset."""
    return Starlette(routes=[
        Route("/json", lambda request: JSONResponse({"ok": True})),
        Route("/page", lambda request: HTMLResponse("<p>Личный кабинет</p>")),
        Route("/cached", lambda request: JSONResponse({"balance": 1}, headers=STALE_CACHE)),
        Route("/own-frame-option", lambda request: PlainTextResponse("x", headers={"X-Frame-Options": "DENY"})),
        Route("/unavailable", lambda request: JSONResponse({"error": "later"}, status_code=503)),
        Route("/boom", _boom),
        Route("/assets/{name}", lambda request: Response(
            "console.log(1)", media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=31536000, immutable", "ETag": '"abc"'})),
    ])


@pytest.fixture
async def http():
    transport = httpx.ASGITransport(app=security_headers(tiny_app()), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        yield client


def assert_secured(response: httpx.Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get_list(name) == [value], name
    assert response.headers.get_list("content-security-policy") == [content_security_policy().decode()]


def assert_not_stored(response: httpx.Response) -> None:
    assert response.headers.get_list("cache-control") == ["no-store"]
    assert response.headers.get_list("pragma") == ["no-cache"]
    for name in ("etag", "expires", "last-modified"):
        assert name not in response.headers, name


@pytest.mark.parametrize(("path", "status", "kind"), [
    ("/json", 200, "application/json"),
    ("/page", 200, "text/html"),
    ("/no-such-page", 404, "text/plain"),
    ("/unavailable", 503, "application/json"),
    ("/boom", 500, "text/plain"),
])
async def test_every_answer_is_secured_and_never_stored(http, path, status, kind):
    response = await http.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(kind)
    assert_secured(response)
    assert_not_stored(response)


async def test_posts_and_heads_are_secured_too(http):
    assert_secured(await http.post("/json"))  # 405: no such method, still an answer of ours
    head = await http.head("/page")
    assert_secured(head)
    assert_not_stored(head)


async def test_a_routes_own_caching_gives_way_to_no_store(http):
    response = await http.get("/cached")
    assert response.json() == {"balance": 1}
    assert_not_stored(response)
    assert_secured(response)


async def test_a_header_the_route_set_itself_is_not_doubled(http):
    response = await http.get("/own-frame-option")
    assert response.headers.get_list("x-frame-options") == ["DENY"]


async def test_content_hashed_build_assets_keep_their_caching(http):
    response = await http.get("/assets/root-B5JkneLj.js")
    assert response.headers.get_list("cache-control") == ["public, max-age=31536000, immutable"]
    assert response.headers["etag"] == '"abc"'
    assert "pragma" not in response.headers
    assert_secured(response)


@pytest.mark.parametrize("path", ["/assets-old/x.js", "/sandbox-gateway/assets/x.js", "/Assets/x.js", "/assets"])
async def test_only_the_build_assets_folder_is_cacheable(http, path):
    assert_not_stored(await http.get(path))


class Recorder:
    """A raw ASGI app that keeps what it was given and answers a websocket handshake."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    async def __call__(self, scope, receive, send):
        self.calls.append((scope, receive, send))
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept", "headers": [(b"x-own", b"1")]})
            await send({"type": "websocket.send", "text": "hello"})


async def test_websocket_and_lifespan_scopes_pass_through_untouched():
    inner = Recorder()
    wrapped = security_headers(inner)
    sent: list[dict] = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "websocket", "path": "/_event", "headers": []}
    await wrapped(scope, receive, send)
    assert inner.calls == [(scope, receive, send)]  # the very same callables: nothing in between
    assert sent == [{"type": "websocket.accept", "headers": [(b"x-own", b"1")]},
                    {"type": "websocket.send", "text": "hello"}]
    lifespan = {"type": "lifespan"}
    await wrapped(lifespan, receive, send)
    assert inner.calls[-1] == (lifespan, receive, send)


# --- Content-Security-Policy -------------------------------------------------------------------


def directives(policy: bytes) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.decode().split(";"):
        name, *sources = directive.split()
        assert name not in parsed, f"{name} twice"
        parsed[name] = sources
    return parsed


def test_script_hash_is_the_browsers():
    # Chromium's own console names this hash for an empty inline element.
    assert script_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    digest = base64.b64encode(hashlib.sha256("«Я здесь»".encode()).digest()).decode()
    assert script_hash("«Я здесь»") == f"'sha256-{digest}'"


def test_the_measured_policy(monkeypatch):
    monkeypatch.setenv("GKH_PUBLIC_URL", "https://gkh.example.ru")
    get_settings.cache_clear()
    policy = directives(content_security_policy())
    scripts = policy.pop("script-src")
    assert policy == {
        "default-src": ["'none'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'", "wss://gkh.example.ru"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
    assert scripts[:2] == ["'self'", "'unsafe-eval'"]
    assert sorted(scripts[2:]) == sorted(script_hash(text) for text in pages.INLINE_SCRIPTS)
    assert "'unsafe-inline'" not in scripts and "*" not in " ".join(scripts)


def test_the_builds_inline_scripts_are_allowed_one_by_one(build_dir):
    build_dir.mkdir(parents=True)
    (build_dir / "index.html").write_text(BUILD_PAGE, encoding="utf-8")
    (build_dir / "404.html").write_text(BUILD_PAGE.replace('"light"', '"dark"'), encoding="utf-8")
    scripts = directives(content_security_policy())["script-src"]
    for text in ('document.documentElement.classList.add("light");', 'import "/assets/manifest-1.js";',
                 'document.documentElement.classList.add("dark");', *pages.INLINE_SCRIPTS):
        assert script_hash(text) in scripts
    assert len(scripts) == 2 + 3 + len(pages.INLINE_SCRIPTS)  # the module import is the same in both


def test_a_new_build_gets_its_own_hashes(build_dir):
    build_dir.mkdir(parents=True)
    page = build_dir / "index.html"
    page.write_text(BUILD_PAGE, encoding="utf-8")
    before = directives(content_security_policy())["script-src"]
    page.write_text(BUILD_PAGE.replace("manifest-1", "manifest-22"), encoding="utf-8")
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 1_000_000))
    after = directives(content_security_policy())["script-src"]
    assert script_hash('import "/assets/manifest-22.js";') in after
    assert script_hash('import "/assets/manifest-1.js";') not in after and before != after


def test_a_forged_public_url_cannot_write_into_the_policy(monkeypatch):
    monkeypatch.setenv("GKH_PUBLIC_URL", "https://gkh.example.ru; script-src *")
    get_settings.cache_clear()
    policy = directives(content_security_policy())
    assert policy["connect-src"] == ["'self'"]
    assert policy["script-src"][:2] == ["'self'", "'unsafe-eval'"]


# --- The real routes: the sandbox's pages and the ЕСИА token endpoint ----------------------------


@pytest.fixture
async def backend(sandbox_env):
    """``build_api()`` as Reflex gets it, wrapped the way ``gkh_web.py`` wraps it."""
    transport = httpx.ASGITransport(app=security_headers(api.build_api()), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:3000") as client:
        yield client


async def test_sandbox_pages_carry_the_headers_and_their_scripts_are_allowed(backend):
    payment = await create(backend)
    assert payment["status"] == "pending"
    for path in (page_path(payment), page_path(payment) + "?method=bank_card", "/sandbox-gateway/pay/unknown"):
        response = await backend.get(path)
        assert response.status_code in (200, 410)
        assert_secured(response)
        assert_not_stored(response)
        allowed = directives(response.headers["content-security-policy"].encode())["script-src"]
        inline = inline_scripts(response.text)
        assert inline and all(script_hash(text) in allowed for text in inline)
    refused = await backend.post(page_path(payment) + "/card", data={"card_number": "1", "expiry": "", "cvc": ""})
    assert refused.status_code == 422
    assert_secured(refused)
    assert_not_stored(refused)


async def test_sandbox_api_answers_carry_the_headers(backend):
    response = await backend.get("/sandbox-gateway/api/v3/payments/nope", auth=AUTH)
    assert response.status_code == 404
    assert_secured(response)
    assert_not_stored(response)


async def test_esia_token_endpoint_carries_the_headers_once(backend):
    response = await backend.post("/esia/token", data={"grant_type": "authorization_code"})
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request"}
    assert_secured(response)
    assert_not_stored(response)  # its own no-store and Pragma are not doubled


async def test_receipt_link_pages_carry_the_headers_and_no_script(backend):
    """The receipt on the phone (issue 13 §2): its address carries a token, so no Referer, no cache, no script."""
    for path in ("/receipt/" + "0" * 32 + ".1700000000.AAAAAAAAAAAAAAAAAAAAAA", "/receipt/forged/pdf"):
        response = await backend.get(path)
        assert response.status_code == 404 and "Квитанция недоступна" in response.text
        assert_secured(response)
        assert_not_stored(response)
        assert response.headers["referrer-policy"] == "no-referrer"
        assert inline_scripts(response.text) == [] and "<script" not in response.text
