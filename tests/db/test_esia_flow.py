"""The whole ЕСИА round trip over HTTP: provider endpoints on one side, ``esia_client`` on the other.

The provider is the real Starlette app (``build_api()``) reached through
``httpx.ASGITransport``; outages are a closed TCP port, an ASGI app that never
answers, and one that answers 500 or nonsense.
"""

from __future__ import annotations

import ast
import asyncio
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse, Response

from gkh_web.db.engine import session_scope
from gkh_web.db.esia_models import EsiaUser
from gkh_web.db.models import utc_now
from gkh_web.domain import pkce
from gkh_web.esia import provider, tokens
from gkh_web.esia.api import build_api, esia_routes
from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_PASSWORD
from gkh_web.services.identity import esia_client
from gkh_web.services.identity.esia_client import EsiaClaims, EsiaSignInFailed, EsiaUnavailable, fetch_claims

CLIENT_ID = "gkh-web-kiosk"
CLIENT_SECRET = "demo-esia-secret"
CALLBACK = "http://localhost:3000/auth/callback"
"""What the demo data registers for this ГИС ЖКХ: GKH_PUBLIC_URL (default) + /auth/callback."""
VERIFIER = pkce.new_code_verifier()
CHALLENGE = pkce.code_challenge(VERIFIER)
SERVER = "http://esia.test"
IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")
KUZNETSOVA = next(login for login in DEMO_LOGINS if login.key == "kuznetsova")


def request(redirect_uri: str = CALLBACK, challenge: str = CHALLENGE) -> provider.AuthorizationRequest:
    return provider.AuthorizationRequest(CLIENT_ID, redirect_uri, challenge, pkce.METHOD_S256)


def code_for(login: str, *, redirect_uri: str = CALLBACK, now: datetime | None = None) -> str:
    outcome = provider.sign_in_and_issue_code(login, DEMO_PASSWORD, request(redirect_uri), now=now)
    assert outcome.code, outcome.message
    return outcome.code


async def claims_for(code: str, *, app=None, redirect_uri: str = CALLBACK, client_secret: str = CLIENT_SECRET,
                     timeout_seconds: int = 5, server_base: str = SERVER, code_verifier: str = VERIFIER) -> EsiaClaims:
    transport = httpx.ASGITransport(app=app if app is not None else build_api())
    return await fetch_claims(
        code, redirect_uri=redirect_uri, code_verifier=code_verifier, server_base=server_base, client_id=CLIENT_ID,
        client_secret=client_secret, timeout_seconds=timeout_seconds, transport=transport,
    )


def esia_user(snils: str) -> EsiaUser:
    with session_scope() as session:
        return session.exec(select(EsiaUser).where(EsiaUser.snils == snils)).one()


async def test_code_flow_returns_the_demo_person_as_esia_knows_them(demo_db):
    claims = await claims_for(code_for("+7 (903) 555-04-04"))

    user = esia_user(KUZNETSOVA.snils)
    assert claims == EsiaClaims(
        subject_id=user.subject_id, last_name="Кузнецова", first_name="Анна", middle_name="Викторовна",
        snils="17450823975", phone="+79035550404", email="kuznetsova@example.com",
    )
    assert claims.fio == "Кузнецова Анна Викторовна"


async def test_a_code_works_once(demo_db):
    code = code_for(IVANOV.email)
    await claims_for(code)

    with pytest.raises(EsiaSignInFailed) as failed:
        await claims_for(code)
    assert str(failed.value) == "Не удалось войти: ссылка для входа устарела. Попробуйте ещё раз"


def test_two_exchanges_racing_with_one_code_cannot_both_win(demo_db, monkeypatch):
    """Both requests read the code as unused before either marks it: the conditional UPDATE decides."""
    code = code_for(IVANOV.email)
    monkeypatch.setattr(tokens, "_code_fits", lambda *args: True)
    exchange = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=CALLBACK, code_verifier=VERIFIER)

    assert provider.exchange_code_for_token(code, **exchange).access_token
    with pytest.raises(provider.InvalidGrant):
        provider.exchange_code_for_token(code, **exchange)


async def test_a_code_older_than_sixty_seconds_is_refused(demo_db):
    code = code_for(IVANOV.email, now=utc_now() - timedelta(seconds=61))

    with pytest.raises(EsiaSignInFailed):
        await claims_for(code)


def test_expiry_is_checked_at_the_exchange_moment(demo_db):
    issued_at = utc_now()
    code = code_for(IVANOV.email, now=issued_at)
    exchange = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=CALLBACK, code_verifier=VERIFIER)

    with pytest.raises(provider.InvalidGrant):
        provider.exchange_code_for_token(code, **exchange, now=issued_at + timedelta(seconds=61))
    assert provider.exchange_code_for_token(code, **exchange, now=issued_at + timedelta(seconds=59)).access_token


async def test_a_code_is_bound_to_its_redirect_uri(demo_db):
    code = code_for(IVANOV.email)

    with pytest.raises(EsiaSignInFailed):
        await claims_for(code, redirect_uri="http://192.168.1.5:3000/auth/callback")


async def test_a_wrong_client_secret_is_refused(demo_db):
    with pytest.raises(EsiaSignInFailed):
        await claims_for(code_for(IVANOV.email), client_secret="guess")


async def test_a_code_without_its_pkce_verifier_buys_nothing(demo_db):
    """A code intercepted on its way back through the browser is useless to whoever lacks the verifier."""
    code = code_for(IVANOV.email)
    for wrong in (pkce.new_code_verifier(), CHALLENGE, "x" * 43):
        with pytest.raises(EsiaSignInFailed):
            await claims_for(code, code_verifier=wrong)
    assert (await claims_for(code)).snils == IVANOV.snils  # the guesses did not spend the real client's code


async def post_token(form: dict[str, str] | str, content_type: str = "application/x-www-form-urlencoded"):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=build_api()), base_url=SERVER) as client:
        body = form if isinstance(form, str) else httpx.QueryParams(form).__str__()
        return await client.post("/esia/token", content=body, headers={"content-type": content_type})


def token_form(code: str, **changes: str) -> dict[str, str]:
    return {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code_verifier": VERIFIER, **changes}


async def test_token_endpoint_answers_oauth_errors(demo_db):
    code = code_for(IVANOV.email)
    cases = [
        (token_form(code, client_secret="guess"), 401, "invalid_client"),
        (token_form(code, client_id="evil-app"), 401, "invalid_client"),
        (token_form("made-up-code"), 400, "invalid_grant"),
        (token_form(code, redirect_uri="http://localhost/auth/callback"), 400, "invalid_grant"),
        (token_form(code, grant_type="password"), 400, "unsupported_grant_type"),
        (token_form(code, code_verifier="x" * 43), 400, "invalid_grant"),
        ({key: value for key, value in token_form(code).items() if key != "code_verifier"}, 400, "invalid_request"),
        ({key: value for key, value in token_form(code).items() if key != "code"}, 400, "invalid_request"),
        (f"{httpx.QueryParams(token_form(code))}&code=second", 400, "invalid_request"),
    ]
    for form, status, error in cases:
        response = await post_token(form)
        assert (response.status_code, response.json()) == (status, {"error": error}), form
        assert response.headers["cache-control"] == "no-store"
    wrong_type = await post_token('{"code": "x"}', content_type="application/json")
    assert (wrong_type.status_code, wrong_type.json()) == (400, {"error": "invalid_request"})

    granted = await post_token(token_form(code))
    body = granted.json()
    assert granted.status_code == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 300
    assert len(body["access_token"]) >= 43


async def userinfo(headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=build_api()), base_url=SERVER) as client:
        return await client.get("/esia/userinfo", headers=headers)


async def test_userinfo_wants_a_valid_bearer_token(demo_db):
    for headers in ({}, {"Authorization": "Bearer made-up"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer "}):
        response = await userinfo(headers)
        assert (response.status_code, response.json()) == (401, {"error": "invalid_token"}), headers
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'

    issued = provider.exchange_code_for_token(
        code_for(IVANOV.phone), client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=CALLBACK,
        code_verifier=VERIFIER,
    )
    good = await userinfo({"Authorization": f"bearer {issued.access_token}"})
    assert good.status_code == 200 and good.json()["snils"] == "145-267-389 79"
    assert "password_hash" not in good.json()


def test_access_token_lives_five_minutes(demo_db):
    issued = provider.exchange_code_for_token(
        code_for(IVANOV.phone), client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=CALLBACK,
        code_verifier=VERIFIER,
    )
    later = utc_now() + timedelta(minutes=5, seconds=1)

    assert provider.claims_for_access_token(issued.access_token) is not None
    assert provider.claims_for_access_token(issued.access_token, now=later) is None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_provider_down_is_unavailable_at_once():
    started = time.monotonic()
    with pytest.raises(EsiaUnavailable) as unavailable:
        await fetch_claims(
            "code", redirect_uri=CALLBACK, code_verifier=VERIFIER, server_base=f"http://127.0.0.1:{closed_port()}",
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, timeout_seconds=5,
        )
    assert time.monotonic() - started < 2
    assert str(unavailable.value) == "Сервис ЕСИА временно недоступен, попробуйте позже"


def slow_app(delay_seconds: float):
    async def app(scope, receive, send):
        await asyncio.sleep(delay_seconds)
        await JSONResponse({"access_token": "late", "token_type": "Bearer", "expires_in": 300})(scope, receive, send)
    return app


async def test_a_provider_that_never_answers_is_given_up_on():
    started = time.monotonic()
    with pytest.raises(EsiaUnavailable):
        await claims_for("code", app=slow_app(30), timeout_seconds=1)
    assert time.monotonic() - started < 3


def answering(*responses: Response):
    """A provider that gives these responses in turn, whatever was asked."""
    queue = list(responses)

    async def app(scope, receive, send):
        await queue.pop(0)(scope, receive, send)
    return app


TOKEN_OK = JSONResponse({"access_token": "t", "token_type": "Bearer", "expires_in": 300})
GOOD_CLAIMS = {"sub": "s-1", "last_name": "Иванов", "first_name": "Иван", "middle_name": None,
               "snils": "145-267-389 79", "phone": "+7 (903) 555-01-01", "email": None}


@pytest.mark.parametrize("responses", [
    [PlainTextResponse("Internal Server Error", status_code=500)],
    [PlainTextResponse("Bad Gateway", status_code=502)],
    [PlainTextResponse("<html>maintenance</html>")],
    [JSONResponse(["not", "an", "object"])],
    [JSONResponse({"token_type": "Bearer"})],
    [TOKEN_OK, PlainTextResponse("oops", status_code=500)],
    [TOKEN_OK, JSONResponse({**GOOD_CLAIMS, "snils": "145-267-389 00"})],
    [TOKEN_OK, JSONResponse({**GOOD_CLAIMS, "phone": "12345"})],
    [TOKEN_OK, JSONResponse({**GOOD_CLAIMS, "email": "not-an-email"})],
    [TOKEN_OK, JSONResponse({**GOOD_CLAIMS, "last_name": ""})],
    [TOKEN_OK, JSONResponse({key: value for key, value in GOOD_CLAIMS.items() if key != "sub"})],
], ids=["500", "502", "html", "json-list", "no-token", "userinfo-500", "bad-snils", "bad-phone", "bad-email",
        "no-surname", "no-sub"])
async def test_a_broken_provider_is_unavailable(responses, caplog):
    with pytest.raises(EsiaUnavailable):
        await claims_for("code", app=answering(*responses))
    assert "ЕСИА unavailable" in caplog.text
    assert "145-267-389" not in caplog.text, "personal data stays out of the log"


async def test_claims_are_normalised_and_email_is_optional():
    claims = await claims_for("code", app=answering(TOKEN_OK, JSONResponse(GOOD_CLAIMS)))

    assert claims == EsiaClaims("s-1", "Иванов", "Иван", None, "14526738979", "+79035550101", None)
    assert claims.fio == "Иванов Иван"


def test_authorization_url_carries_every_parameter_encoded():
    url = esia_client.authorization_url("", state="st-1", redirect_uri=CALLBACK, client_id=CLIENT_ID,
                                        code_challenge=CHALLENGE)

    assert url == (
        "/esia/login?client_id=gkh-web-kiosk&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fauth%2Fcallback"
        f"&state=st-1&response_type=code&scope=openid%20fullname%20snils%20mobile%20email"
        f"&code_challenge={CHALLENGE}&code_challenge_method=S256"
    )
    remote = esia_client.authorization_url("https://esia.example/", state="s", redirect_uri=CALLBACK,
                                           client_id=CLIENT_ID, code_challenge=CHALLENGE)
    assert remote.startswith("https://esia.example/esia/login?client_id=")
    assert esia_client.new_state() != esia_client.new_state()


async def test_routes_win_over_reflex_when_mounted_as_api_transformer(demo_db):
    """What ``rx.App(api_transformer=build_api())`` does: CORS on our app, Reflex mounted at "" inside it."""
    from reflex.app import App

    async def reflex_stand_in(scope, receive, send):
        await PlainTextResponse(f"reflex {scope['path']}")(scope, receive, send)

    api = build_api()
    App._add_cors(api)
    api.mount("", reflex_stand_in)
    top = Starlette()
    top.mount("", api)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=top), base_url=SERVER) as client:
        login_page = await client.get("/esia/login", params={"client_id": CLIENT_ID})
        event = await client.get("/_event")
        token = await client.post("/esia/token", data=token_form(code_for(IVANOV.email)))
    assert login_page.text == "reflex /esia/login" and event.text == "reflex /_event"
    assert token.status_code == 200 and token.json()["token_type"] == "Bearer"
    assert [route.path for route in esia_routes()] == ["/esia/token", "/esia/userinfo"]


GKH_SIDE = (
    "gkh_web/services/identity/esia_client.py",
    "gkh_web/services/identity/residents.py",
    "gkh_web/services/identity/agreement.py",
)


@pytest.mark.parametrize("path", GKH_SIDE)
def test_the_gkh_side_never_imports_the_provider_or_reflex(path):
    tree = ast.parse(Path(__file__).resolve().parents[2].joinpath(path).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}

    assert not {name for name in imported if name and (
        name.startswith(("gkh_web.esia", "reflex")) or name == "gkh_web.db.esia_models")}
