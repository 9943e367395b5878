"""Receipts by e-mail, the rules without the machinery: the Message-ID of a payment's letter, the
retry schedule, and what the resident is told about the letter."""

from __future__ import annotations

from datetime import timedelta

RETRY_DELAYS_SECONDS = (30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 6 * 3600, 6 * 3600, 6 * 3600)
"""Wait after the 1st, 2nd, … failed try (an SMTP outage or a 4xx); after the last one the letter counts
as not deliverable. Together a little over a day, like a mail server's own queue."""

MAX_ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"

MSG_MAIL_OFF = "Квитанции по почте не отправляются"
MSG_NO_ADDRESS = "Адрес для квитанции не указан — квитанция по почте не отправляется"


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after ``attempts`` failed tries; None when the letter should be given up."""
    if attempts < 1 or attempts >= MAX_ATTEMPTS:
        return None
    return timedelta(seconds=RETRY_DELAYS_SECONDS[attempts - 1])


def message_id(payment_number_digits: int, public_id: str, domain: str) -> str:
    """``<receipt-000042-1f0c…@domain>``: one per payment, the same on every try.

    ASCII only (a Message-ID may not carry «П»); the public id keeps it unique across databases (a demo
    database reset starts numbering again, and the sink drops a repeated Message-ID as a duplicate).
    """
    safe_domain = "".join(ch for ch in domain.lower() if ch.isascii() and (ch.isalnum() or ch in ".-")) or "localhost"
    safe_public = "".join(ch for ch in public_id.lower() if ch in "0123456789abcdef")[:32]
    return f"<receipt-{payment_number_digits:06d}-{safe_public}@{safe_domain}>"


def letter_state_text(status: str | None, to_address: str | None, *, failed_before: bool = False) -> str:
    """The line about the letter in «Мои платежи» and on the result page ("" for no job at all).

    ``to_address`` is None once the retention purge dropped a finished letter's address: the line then
    says what happened without saying to whom.
    """
    if status is None:
        return ""
    to = f" на {to_address}" if to_address else ""
    if status == SENT:
        return f"Квитанция отправлена{to}"
    if status == FAILED:
        return f"Квитанцию не удалось отправить{to}: почтовый сервер отказался её принять"
    if failed_before:  # pending or being tried again after a failed try
        return "Не удалось отправить квитанцию — повторим"
    return f"Квитанция будет отправлена{to}"
