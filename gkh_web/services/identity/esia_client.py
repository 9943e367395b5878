"""ГИС ЖКХ as an ЕСИА relying party: send the browser to sign in, trade the code for the person's data.

Only HTTP connects this module with the identity provider, never its tables
or code: the embedded demo ЕСИА (``gkh_web.esia``) and a real provider
(``GKH_ESIA_URL``) look the same from here. Every failure of the provider —
refused connection, timeout, 5xx, broken JSON, a userinfo we cannot use —
becomes ``EsiaUnavailable``; a code the provider refuses becomes
``EsiaSignInFailed``. ``str()`` of both is the Russian text for the resident.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Literal, overload
from urllib.parse import quote, urlencode

import httpx

from gkh_web import paths
from gkh_web.domain import pkce
from gkh_web.domain.contacts import ContactError, normalize_email, normalize_phone
from gkh_web.domain.identifiers import IdentifierError, normalize_snils
from gkh_web.observability import metrics
from gkh_web.services.tls import client_tls_context

log = logging.getLogger(__name__)

ESIA_SCOPE = "openid fullname snils mobile email"
CONNECT_TIMEOUT_SECONDS = 2.0
MSG_UNAVAILABLE = "Сервис ЕСИА временно недоступен, попробуйте позже"
MSG_SIGN_IN_FAILED = "Не удалось войти: ссылка для входа устарела. Попробуйте ещё раз"
NAME_MAX_LENGTH = 100
SUBJECT_MAX_LENGTH = 64


class EsiaUnavailable(Exception):
    """The provider could not be reached or answered nonsense; ``detail`` is for the log only."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(MSG_UNAVAILABLE)
        self.detail = detail

    def __str__(self) -> str:
        return MSG_UNAVAILABLE


class EsiaSignInFailed(Exception):
    """The provider refused the code (used, expired, or not ours): the resident must sign in again."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(MSG_SIGN_IN_FAILED)
        self.detail = detail

    def __str__(self) -> str:
        return MSG_SIGN_IN_FAILED


@dataclass(frozen=True)
class EsiaClaims:
    """Who signed in, as confirmed by ЕСИА: normalised СНИЛС (11 digits), «+7XXXXXXXXXX», lower-case e-mail."""

    subject_id: str
    last_name: str
    first_name: str
    middle_name: str | None
    snils: str
    phone: str | None
    email: str | None

    @property
    def fio(self) -> str:
        """Фамилия Имя Отчество (no отчество for people who have none)."""
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)


def new_state() -> str:
    """The anti-forgery ``state`` of one sign-in round trip (kept server-side, compared on return)."""
    return secrets.token_urlsafe(32)


LOGIN_PATH = paths.ESIA_LOGIN
"""The provider's sign-in page: the same path at the embedded demo and at a real ЕСИА."""
REGISTER_PATH = paths.ESIA_REGISTER
"""The embedded demo ЕСИА's own registration page; a real provider offers registration on its login page."""


def authorization_url(
    browser_base: str, *, state: str, redirect_uri: str, client_id: str, code_challenge: str, page: str = LOGIN_PATH,
) -> str:
    """Where «Войти через Госуслуги» sends the browser; ``browser_base=""`` gives a same-origin path.

    ``code_challenge`` is the S256 PKCE challenge of a verifier kept on the server (``domain.pkce``).
    ``page`` is the provider's page that takes the request: sign-in, or the demo's registration.
    """
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ESIA_SCOPE,
            "code_challenge": code_challenge,
            "code_challenge_method": pkce.METHOD_S256,
        },
        quote_via=quote,
    )
    return f"{browser_base.rstrip('/')}{page}?{query}"


async def fetch_claims(
    code: str,
    *,
    redirect_uri: str,
    code_verifier: str,
    server_base: str,
    client_id: str,
    client_secret: str,
    timeout_seconds: int,
    transport: httpx.AsyncBaseTransport | None = None,
) -> EsiaClaims:
    """Trade the authorization code for an access token, then read the person's data.

    Each HTTP phase is bounded by ``httpx.Timeout`` and both calls together by
    ``timeout_seconds * 2``, so a provider that accepts the connection and then
    stalls cannot hang the resident's screen.
    """
    timeout = httpx.Timeout(timeout_seconds, connect=CONNECT_TIMEOUT_SECONDS)
    with metrics.ESIA.call("token_userinfo") as outcome:
        try:
            async with asyncio.timeout(timeout_seconds * 2):
                async with httpx.AsyncClient(
                    base_url=server_base, timeout=timeout, transport=transport, verify=client_tls_context()
                ) as client:
                    access_token = await _access_token(
                        client, code, redirect_uri, code_verifier, client_id, client_secret)
                    payload = await _userinfo(client, access_token)
        except TimeoutError:
            raise _unavailable("no answer within the overall timeout") from None
        except httpx.HTTPError as error:
            raise _unavailable(f"{error.__class__.__name__}: {error}") from None
        except EsiaSignInFailed:
            outcome["outcome"] = "refused"
            raise
        return claims_from_userinfo(payload)  # unusable claims count as an error of the exchange


def _unavailable(detail: str) -> EsiaUnavailable:
    log.warning("ЕСИА unavailable: %s", detail)
    return EsiaUnavailable(detail)


async def _access_token(
    client: httpx.AsyncClient, code: str, redirect_uri: str, code_verifier: str, client_id: str, client_secret: str
) -> str:
    response = await client.post(
        "/esia/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": client_secret,
            "code_verifier": code_verifier,
        },
    )
    if response.status_code in (400, 401):
        log.info("ЕСИА refused the code: %s", response.status_code)  # not the body: it is the provider's text
        raise EsiaSignInFailed(f"token endpoint answered {response.status_code}")
    body = _json_object(response, "token")
    access_token = body.get("access_token")
    if not isinstance(access_token, str) or not access_token or str(body.get("token_type", "")).lower() != "bearer":
        raise _unavailable("token response without a bearer access_token")
    return access_token


async def _userinfo(client: httpx.AsyncClient, access_token: str) -> dict[str, Any]:
    """The claims; a 401 here means the fresh token already stopped working, so: sign in again."""
    response = await client.get("/esia/userinfo", headers={"Authorization": f"Bearer {access_token}"})
    if response.status_code == 401:
        raise EsiaSignInFailed("userinfo refused the access token")
    return _json_object(response, "userinfo")


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    """A 200 answer with a JSON object in it, or EsiaUnavailable."""
    if response.status_code != 200:
        raise _unavailable(f"{what} endpoint answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise _unavailable(f"{what} endpoint answered something that is not JSON") from None
    if not isinstance(body, dict):
        raise _unavailable(f"{what} endpoint answered JSON that is not an object")
    return body


@overload
def _text(payload: dict[str, Any], name: str, *, required: Literal[True], max_length: int = ...) -> str: ...


@overload
def _text(payload: dict[str, Any], name: str, *, required: Literal[False], max_length: int = ...) -> str | None: ...


def _text(payload: dict[str, Any], name: str, *, required: bool, max_length: int = NAME_MAX_LENGTH) -> str | None:
    """A trimmed string claim, or None when it is optional and absent/empty."""
    value = payload.get(name)
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise ValueError(f"claim {name} is missing")
        return None
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > max_length:
        raise ValueError(f"claim {name} is not a usable string")
    return value.strip()


def claims_from_userinfo(payload: dict[str, Any]) -> EsiaClaims:
    """Check and normalise the userinfo answer; anything unusable is EsiaUnavailable (and logged).

    СНИЛС is required and must normalise; phone and e-mail are each optional (a
    Госуслуги account is registered with either) but must be valid when present.
    Only the reason is logged, never the person's data.
    """
    try:
        email = _text(payload, "email", required=False, max_length=254)
        phone = _text(payload, "phone", required=False, max_length=32)
        return EsiaClaims(
            subject_id=_text(payload, "sub", required=True, max_length=SUBJECT_MAX_LENGTH),
            last_name=_text(payload, "last_name", required=True),
            first_name=_text(payload, "first_name", required=True),
            middle_name=_text(payload, "middle_name", required=False),
            snils=normalize_snils(_text(payload, "snils", required=True)),
            phone=normalize_phone(phone) if phone is not None else None,
            email=normalize_email(email) if email is not None else None,
        )
    except (ValueError, ContactError, IdentifierError) as problem:
        raise _unavailable(f"unusable userinfo: {problem.__class__.__name__}: {problem}") from None
