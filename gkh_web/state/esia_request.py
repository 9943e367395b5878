"""The relying party's sign-in request, as the demo ЕСИА's own pages (sign-in, registration) hold it.

The request arrives in the query of ``/esia/login`` (or ``/esia/register``) and is checked against the
provider's client registry before anything can be typed. Both pages keep it server-side and pass it on
to each other as a query rebuilt from the checked values only: «Зарегистрироваться» and the way back to
«Вход» lose nothing of the sign-in the person started, and add nothing a browser made up.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import reflex as rx

from gkh_web import paths
from gkh_web.esia import provider
from gkh_web.settings import get_settings

MSG_BAD_REQUEST = (
    "Запрос на вход неверен или устарел. Вернитесь в ГИС ЖКХ и нажмите «Войти через Госуслуги» ещё раз"
)
MAX_STATE_LENGTH = 200


class EsiaRequestHolder(rx.State, mixin=True):
    """A page of the demo ЕСИА that serves one sign-in request (the query it was opened with)."""

    request_error: rx.Field[str] = rx.field("")
    request_query: rx.Field[str] = rx.field("")
    """The checked request as a query string, for the links between the provider's pages ("" if refused)."""
    _client_id: str = ""
    _redirect_uri: str = ""
    _state: str = ""
    _code_challenge: str = ""
    _challenge_method: str = ""

    async def _read_request(self) -> bool:
        """Take the request from this page's query and check it; a bad one sets ``request_error``.

        A refused request stays on the provider's page with its message: the browser is never sent to
        an address that is not registered for the client, whatever the query says.
        """
        params = self.router.url.query_parameters
        self._client_id = params.get("client_id", "")
        self._redirect_uri = params.get("redirect_uri", "")
        self._state = params.get("state", "")
        self._code_challenge = params.get("code_challenge", "")
        self._challenge_method = params.get("code_challenge_method", "")
        valid = await asyncio.to_thread(self._request_is_valid)
        self.request_error = "" if valid else MSG_BAD_REQUEST
        self.request_query = urlencode({
            "client_id": self._client_id, "redirect_uri": self._redirect_uri, "state": self._state,
            "code_challenge": self._code_challenge, "code_challenge_method": self._challenge_method,
        }) if valid else ""
        return valid

    def _request(self) -> provider.AuthorizationRequest:
        return provider.AuthorizationRequest(self._client_id, self._redirect_uri, self._code_challenge,
                                             self._challenge_method)

    def _request_is_valid(self) -> bool:
        if not get_settings().embedded_esia_serving or not self._state or len(self._state) > MAX_STATE_LENGTH:
            return False
        try:
            provider.check_client(self._request())
        except ValueError:
            return False
        return True

    def _provider_page(self, path: str) -> str:
        """``/esia/login?…`` or ``/esia/register?…`` carrying this same checked request."""
        if path not in (paths.ESIA_LOGIN, paths.ESIA_REGISTER):
            raise ValueError("only the demo ЕСИА's own pages")
        return f"{path}?{self.request_query}"
