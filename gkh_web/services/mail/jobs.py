"""The outbox's write side: the «send the receipt» job, added in the transaction that marks a payment
succeeded (``services.payments.status.transition`` calls ``enqueue_receipt``).

Only models, settings and the domain here: the status writer imports it, and the sender
(``services.mail.outbox``) imports the payment views, which import the status writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from sqlmodel import Session, col, select

from gkh_web.db.models import Payment, ReceiptMail, stored_id
from gkh_web.domain import receipt_mail
from gkh_web.settings import get_settings


def mail_domain(mail_from: str) -> str:
    """The domain of ``GKH_MAIL_FROM``'s address: the right-hand side of every Message-ID."""
    _, address = parseaddr(mail_from)
    return address.rpartition("@")[2] or "localhost"


def enqueue_receipt(session: Session, payment: Payment, now: datetime) -> ReceiptMail | None:
    """Add the job for a payment that has just succeeded (in the caller's transaction); None when no
    letter is to go: e-mail is off (``GKH_SMTP_URL``) or the payment has no address."""
    settings = get_settings()
    if not settings.mail_enabled or not payment.receipt_email:
        return None
    payment_id = stored_id(payment)
    existing = session.exec(select(ReceiptMail).where(ReceiptMail.payment_id == payment_id)).first()
    if existing is not None:  # a corrected success of a payment that already had its letter
        return existing
    job = ReceiptMail(
        payment_id=payment_id,
        to_address=payment.receipt_email,
        message_id=receipt_mail.message_id(payment_id, payment.public_id, mail_domain(settings.mail_from)),
        status=receipt_mail.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(job)
    return job


@dataclass(frozen=True)
class LetterState:
    status: str
    to_address: str | None
    """None once the retention purge dropped a finished letter's address."""
    failed_before: bool


def letter_states(session: Session, payment_ids: list[int]) -> dict[int, LetterState]:
    """The letter of each of these payments that has one."""
    if not payment_ids:
        return {}
    jobs = session.exec(select(ReceiptMail).where(col(ReceiptMail.payment_id).in_(payment_ids))).all()
    return {job.payment_id: LetterState(job.status, job.to_address, job.last_error is not None) for job in jobs}
