"""HTTP endpoints of the demo ЕСИА: ``POST /esia/token`` and ``GET /esia/userinfo`` (plain Starlette).

Mounted into the Reflex server through ``rx.App(api_transformer=build_api())``:
Reflex mounts its own ASGI app at "" *inside* the Starlette we return, so these
two routes are matched first and everything else (``/esia/login`` — the
provider's Reflex page —, ``/_event``, the frontend) falls through to Reflex.
Only these two exact paths are claimed here.

The database work is synchronous (sqlmodel, argon2), so each request runs it
in Starlette's thread pool and the event loop keeps serving the kiosks.
Answers follow RFC 6749 §5 (token) and RFC 6750 §3 (bearer errors).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gkh_web.esia import provider

TOKEN_PATH = "/esia/token"
USERINFO_PATH = "/esia/userinfo"
MAX_FORM_BYTES = 16 * 1024
TOKEN_PARAMETERS = ("grant_type", "code", "redirect_uri", "client_id", "client_secret", "code_verifier")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class _BadRequest(Exception):
    """The token request is not a well-formed ``authorization_code`` request."""

    def __init__(self, error: str = "invalid_request") -> None:
        super().__init__(error)
        self.error = error


def _oauth_error(error: str, status_code: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status_code, headers={**NO_STORE, **(headers or {})})


async def _token_form(request: Request) -> dict[str, str]:
    """The urlencoded form, each parameter once (RFC 6749 §3.2), all five present.

    Parsed by hand rather than with ``request.form()`` so the endpoint needs
    no multipart parser and refuses oversized bodies before reading them.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    declared_length = request.headers.get("content-length", "")
    if content_type != "application/x-www-form-urlencoded":
        raise _BadRequest
    if not declared_length.isdigit() or int(declared_length) > MAX_FORM_BYTES:
        raise _BadRequest  # a chunked body of unknown size is refused too
    body = await request.body()
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise _BadRequest from None
    form = dict(pairs)
    if len(form) != len(pairs) or any(not form.get(name) for name in TOKEN_PARAMETERS):
        raise _BadRequest
    if form["grant_type"] != "authorization_code":
        raise _BadRequest("unsupported_grant_type")
    return form


async def token(request: Request) -> JSONResponse:
    """Trade a single-use code for a 5-minute bearer token."""
    try:
        form = await _token_form(request)
    except _BadRequest as bad:
        return _oauth_error(bad.error, 400)
    try:
        issued = await run_in_threadpool(
            provider.exchange_code_for_token, form["code"], client_id=form["client_id"],
            client_secret=form["client_secret"], redirect_uri=form["redirect_uri"],
            code_verifier=form["code_verifier"],
        )
    except provider.InvalidClient:
        return _oauth_error("invalid_client", 401)
    except provider.InvalidGrant:
        return _oauth_error("invalid_grant", 400)
    return JSONResponse(
        {"access_token": issued.access_token, "token_type": "Bearer", "expires_in": issued.expires_in},
        headers=NO_STORE,
    )


def _bearer_token(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    credentials = credentials.strip()
    return credentials if scheme.lower() == "bearer" and credentials else None


async def userinfo(request: Request) -> JSONResponse:
    """The person's ФИО, СНИЛС, phone and e-mail for a valid access token; 401 otherwise."""
    access_token = _bearer_token(request)
    claims = await run_in_threadpool(provider.claims_for_access_token, access_token) if access_token else None
    if claims is None:
        return _oauth_error("invalid_token", 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return JSONResponse(claims, headers=NO_STORE)


def esia_routes() -> list[Route]:
    """The provider's two endpoints, for ``Starlette(routes=esia_routes() + …)``."""
    return [
        Route(TOKEN_PATH, token, methods=["POST"]),
        Route(USERINFO_PATH, userinfo, methods=["GET"]),
    ]


def build_api() -> Starlette:
    """A new Starlette app with the ЕСИА routes, ready for ``rx.App(api_transformer=build_api())``.

    A new instance on every call: Reflex adds middleware to it and mounts
    itself into it, which an already started Starlette app would refuse.
    """
    return Starlette(routes=esia_routes())
