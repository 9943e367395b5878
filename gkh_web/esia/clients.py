"""The demo ЕСИА's registry of relying parties: who may ask for a sign-in, and where the browser may go back.

A real provider keeps such a registry, filled when a system is registered
with it; ours lives in ``esia_client``. Two rules, both from RFC 9700:

* ``redirect_uri`` must equal a registered address exactly: no prefix, no
  "any host with the right path", no added query. Anything else gets the
  provider's error page and the browser is sent nowhere;
* the client secret is compared in constant time against its stored digest.

ГИС ЖКХ's own client is written from the settings (``GKH_ESIA_CLIENT_ID``,
``GKH_ESIA_CLIENT_SECRET``, ``GKH_PUBLIC_URL`` + ``/auth/callback``) when the
server starts and when the demo data is loaded, so changing the public URL
and restarting is all an operator does.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlmodel import Session, select

from gkh_web.db.esia_models import EsiaClient
from gkh_web.db.models import utc_now
from gkh_web.settings import Settings

MAX_REDIRECT_URI_LENGTH = 2000


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    redirect_uris: tuple[str, ...]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def register_client(session: Session, client_id: str, secret: str, redirect_uris: list[str]) -> None:
    """Add the client, or replace its secret and addresses (flush only; the caller commits)."""
    if not client_id or not secret or not redirect_uris:
        raise ValueError("a client needs an id, a secret and at least one redirect URI")
    if any("\n" in uri or not uri or len(uri) > MAX_REDIRECT_URI_LENGTH for uri in redirect_uris):
        raise ValueError("each redirect URI is one non-empty line")
    row = session.exec(select(EsiaClient).where(EsiaClient.client_id == client_id)).first()
    if row is None:
        row = EsiaClient(client_id=client_id, secret_hash="", redirect_uris="")
    row.secret_hash = _digest(secret)
    row.redirect_uris = "\n".join(dict.fromkeys(redirect_uris))
    row.updated_at = utc_now()
    session.add(row)
    session.flush()


def register_own_client(session: Session, settings: Settings) -> None:
    """ГИС ЖКХ as a client of the demo ЕСИА, exactly as configured (workers starting together may race
    on the insert: the loser's transaction fails and its retry finds the row and updates it)."""
    register_client(session, settings.esia_client_id, settings.esia_client_secret, [settings.callback_url])


def registered_client(session: Session, client_id: str) -> RegisteredClient | None:
    row = session.exec(select(EsiaClient).where(EsiaClient.client_id == client_id)).first()
    if row is None:
        return None
    return RegisteredClient(row.client_id, tuple(row.redirect_uris.splitlines()))


def redirect_uri_registered(session: Session, client_id: str, redirect_uri: str) -> bool:
    """True only when ``redirect_uri`` is, character for character, one the client registered."""
    client = registered_client(session, client_id)
    return client is not None and any(hmac.compare_digest(redirect_uri.encode(), uri.encode())
                                      for uri in client.redirect_uris)


def secret_matches(session: Session, client_id: str, secret: str) -> bool:
    """``client_secret_post`` at the token endpoint; an unknown client costs the same digest comparison."""
    row = session.exec(select(EsiaClient).where(EsiaClient.client_id == client_id)).first()
    stored = row.secret_hash if row is not None else _digest("no such client")
    return hmac.compare_digest(stored.encode(), _digest(secret).encode()) and row is not None


def list_clients(session: Session) -> list[RegisteredClient]:
    rows = session.exec(select(EsiaClient).order_by(EsiaClient.client_id)).all()
    return [RegisteredClient(row.client_id, tuple(row.redirect_uris.splitlines())) for row in rows]
