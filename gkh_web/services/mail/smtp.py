"""Talking SMTP (aiosmtplib, on the event loop): ``GKH_SMTP_URL`` read, a letter sent, the answer classified.

``smtps://`` is TLS from the first byte (port 465 by default); ``smtp://`` upgrades with STARTTLS when the
server offers it, and in production insists on it unless the server is on loopback (a local relay). The
password lives only in the URL: ``redacted`` is what any message or log shows.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

from gkh_web.services.tls import client_tls_context

SCHEMES = {"smtp": 25, "smtps": 465}

OUTCOME_SENT, OUTCOME_TEMPORARY, OUTCOME_PERMANENT, OUTCOME_UNKNOWN = "sent", "temporary", "permanent", "unknown"


class SmtpUrlError(ValueError):
    """``GKH_SMTP_URL`` is not ``smtp://`` / ``smtps://[user:pass@]host[:port]`` (message in Russian, no password)."""


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def redacted(url: str) -> str:
    """The URL with its password (and user) replaced by «***»: safe to print."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<неразборчивый адрес>"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    port = f":{parts.port}" if _port(parts) else ""
    return f"{parts.scheme}://***@{host}{port}"


def _port(parts) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None


def parse_smtp_url(url: str) -> SmtpTarget:
    """The server named by ``GKH_SMTP_URL``, or SmtpUrlError."""
    shown = redacted(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise SmtpUrlError(f"GKH_SMTP_URL={shown!r}: это не адрес вида smtps://пользователь:пароль@хост:порт") \
            from error
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise SmtpUrlError(f"GKH_SMTP_URL={shown!r}: нужен адрес вида smtp:// или smtps://пользователь:пароль@хост:порт")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SmtpUrlError(f"GKH_SMTP_URL={shown!r}: укажите только схему, пользователя, хост и порт, без пути")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if (username is None) != (password is None):
        raise SmtpUrlError(f"GKH_SMTP_URL={shown!r}: укажите и пользователя, и пароль (или ни того, ни другого)")
    return SmtpTarget(host=parts.hostname, port=port or SCHEMES[parts.scheme], implicit_tls=parts.scheme == "smtps",
                      username=username, password=password)


@dataclass(frozen=True)
class SendResult:
    outcome: str
    """sent / temporary / permanent / unknown (see ``db.models.RECEIPT_MAIL_OUTCOMES``)."""
    code: int | None = None
    detail: str = ""


async def send(
    target: SmtpTarget, message: EmailMessage, *, timeout: float, require_tls: bool  # ok-float: seconds
) -> SendResult:
    """Hand ``message`` to the server; never raises for what the server or the network does.

    A 5xx to the recipient or to the letter itself is permanent; any 4xx, an unreachable server and
    a refused sender or login (our configuration, fixable) are temporary; a connection that broke
    after the letter may have been accepted is «unknown» — the retry carries the same Message-ID.
    """
    start_tls: bool | None = None
    if not target.implicit_tls and require_tls and not target.loopback:
        start_tls = True
    try:
        _errors, reply = await aiosmtplib.send(
            message, hostname=target.host, port=target.port, username=target.username, password=target.password,
            use_tls=target.implicit_tls, start_tls=start_tls, timeout=timeout,
            tls_context=client_tls_context() if (target.implicit_tls or start_tls) else None,
        )
    except aiosmtplib.SMTPRecipientsRefused as error:
        refused = error.recipients[0] if error.recipients else None
        code = refused.code if refused is not None else None
        return SendResult(_by_code(code), code, _words(refused.message if refused is not None else str(error)))
    except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPConnectTimeoutError, ConnectionRefusedError) as error:
        return SendResult(OUTCOME_TEMPORARY, None, _words(f"сервер недоступен: {error}"))
    except aiosmtplib.SMTPDataError as error:
        return SendResult(_by_code(error.code), error.code, _words(error.message))
    except (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPAuthenticationError, aiosmtplib.SMTPHeloError,
            aiosmtplib.SMTPNotSupported) as error:
        code = getattr(error, "code", None)
        return SendResult(OUTCOME_TEMPORARY, code, _words(getattr(error, "message", str(error))))
    except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPReadTimeoutError, aiosmtplib.SMTPTimeoutError) as error:
        return SendResult(OUTCOME_UNKNOWN, None, _words(f"соединение прервано: {error}"))
    except aiosmtplib.SMTPResponseException as error:
        return SendResult(_by_code(error.code), error.code, _words(error.message))
    except (aiosmtplib.SMTPException, OSError) as error:
        return SendResult(OUTCOME_TEMPORARY, None, _words(f"{type(error).__name__}: {error}"))
    return SendResult(OUTCOME_SENT, 250, _words(reply))  # aiosmtplib hands back the text of the 250 to DATA


def _by_code(code: int | None) -> str:
    return OUTCOME_PERMANENT if code is not None and 500 <= code < 600 else OUTCOME_TEMPORARY


def _words(text: str) -> str:
    """The server's answer on one line, short enough for the attempt's record."""
    return " ".join(str(text).split())[:300]
