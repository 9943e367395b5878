"""«Квитанция на телефоне»: a signed, short-lived link to one succeeded payment's receipt.

On a kiosk (``GKH_KIOSK``) the result page saves no file on the shared tablet; it shows this link as a
QR code instead. The link (``GKH_PUBLIC_URL`` + ``/receipt/<token>``, see ``domain.receipt_link``) opens
that one receipt, read-only, without signing in, for ``GKH_RECEIPT_LINK_SECONDS`` (15 minutes); an
altered, forged or expired link opens nothing and says so in Russian.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from gkh_web import paths
from gkh_web.domain.dates import format_moment
from gkh_web.domain.receipt_link import (
    EXPIRED,
    INVALID,
    ReceiptLinkError,
    ReceiptToken,
    read_receipt_token,
    sign_receipt_token,
)
from gkh_web.services.payments.views import MOSCOW, PaymentView, succeeded_payment_view
from gkh_web.settings import get_settings

MSG_LINK_INVALID = ("Ссылка на квитанцию неверна: её изменили или скопировали не полностью. "
                    "Отсканируйте QR-код на экране киоска ещё раз или откройте «Мои платежи» в личном кабинете.")


def msg_link_expired(seconds: int) -> str:
    return (f"Срок действия ссылки на квитанцию истёк: ссылка с экрана киоска действует {seconds // 60} минут. "
            "Квитанция сохранена в личном кабинете ГИС ЖКХ, в разделе «Мои платежи».")


@dataclass(frozen=True)
class ReceiptLink:
    url: str
    """``GKH_PUBLIC_URL/receipt/<token>``: what the QR code holds."""
    pdf_url: str
    until_text: str
    """«25 ноября 2026 г., 18:49» (Moscow time): when the link stops opening the receipt."""


@dataclass(frozen=True)
class LinkedReceipt:
    view: PaymentView
    link: ReceiptLink


def _link(token: str, expires_at: int) -> ReceiptLink:
    settings = get_settings()
    return ReceiptLink(
        url=settings.public_address(f"{paths.RECEIPT}/{token}"),
        pdf_url=settings.public_address(f"{paths.RECEIPT}/{token}/pdf"),
        until_text=format_moment(datetime.fromtimestamp(expires_at, UTC).astimezone(MOSCOW)),
    )


def receipt_link(public_id: str, *, now: float | None = None) -> ReceiptLink:  # ok-float: seconds
    """A new link to the receipt of payment ``public_id``, valid for the configured time from ``now``."""
    settings = get_settings()
    expires_at = int(time.time() if now is None else now) + settings.receipt_link_seconds
    return _link(sign_receipt_token(public_id, expires_at, settings.receipt_link_secret), expires_at)


def check_receipt_token(token: str, *, now: float | None = None) -> ReceiptToken:  # ok-float: seconds
    """The payment a link names, if the link is ours and in time (no database needed); ReceiptLinkError otherwise."""
    settings = get_settings()
    return read_receipt_token(token, settings.receipt_link_secret, now=time.time() if now is None else now,
                              longest_seconds=settings.receipt_link_seconds)


def receipt_for(session: Session, found: ReceiptToken) -> LinkedReceipt:
    """The receipt a checked link opens; ReceiptLinkError for a payment that is not a succeeded one (a link is
    never made for it, so such a token was not made by us either)."""
    view = succeeded_payment_view(session, found.public_id)
    if view is None:
        raise ReceiptLinkError(INVALID)
    token = sign_receipt_token(found.public_id, found.expires_at, get_settings().receipt_link_secret)
    return LinkedReceipt(view, _link(token, found.expires_at))


def refusal_text(error: ReceiptLinkError) -> str:
    """What the resident's phone says for a link that opens nothing."""
    return msg_link_expired(get_settings().receipt_link_seconds) if error.reason == EXPIRED else MSG_LINK_INVALID
