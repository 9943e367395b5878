"""The outbox's sending side: due letters claimed one by one, sent over SMTP outside any transaction,
every try recorded.

A job is claimed with one conditional UPDATE (pending and due, or «sending» by a sender whose claim ran
out), so two senders never both send it; the SMTP conversation happens after that commit, and its
outcome is recorded in a transaction of its own. If the sender dies in between, the claim runs out, the
try is recorded as «unknown», and the letter goes again with the same Message-ID, by which the receiving
side recognises a repeat. A 4xx or an unreachable server: again later (``domain.receipt_mail``
schedule); a 5xx: given up and shown so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from functools import partial

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gkh_web.db.models import Payment, ReceiptMail, ReceiptMailAttempt, as_utc, stored_id, stored_key, utc_now
from gkh_web.db.threads import in_transaction
from gkh_web.domain import receipt_mail as rm
from gkh_web.observability import correlation
from gkh_web.services import leases
from gkh_web.services.mail import smtp
from gkh_web.services.mail.letter import receipt_letter
from gkh_web.services.payments.views import payment_view
from gkh_web.settings import get_settings

log = logging.getLogger(__name__)

JOB = "receipt-mail-sender"
CLAIM_MARGIN_SECONDS = 30
DEAD_SENDER_DETAIL = "отправитель не дождался ответа сервера (перезапуск или сбой)"


@dataclass(frozen=True)
class Claim:
    mail_id: int
    attempt_id: int
    payment_id: int
    resident_id: int
    public_id: str
    to_address: str
    message_id: str
    created_at: datetime


@dataclass
class RoundReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    outcomes: list[str] = field(default_factory=list)


def _claim_seconds() -> int:
    return get_settings().smtp_timeout_seconds + CLAIM_MARGIN_SECONDS


def _claimable(now: datetime):
    return sa.or_(
        sa.and_(col(ReceiptMail.status) == rm.PENDING, col(ReceiptMail.next_attempt_at) <= now),
        sa.and_(col(ReceiptMail.status) == rm.SENDING, col(ReceiptMail.claimed_until) <= now),
    )


def due_letters(session: Session, now: datetime, *, limit: int = 20) -> list[int]:
    """Ids of the jobs a sender may claim now, oldest first."""
    return [stored_key(mail_id) for mail_id in session.exec(
        select(ReceiptMail.id).where(_claimable(now)).order_by(col(ReceiptMail.next_attempt_at), col(ReceiptMail.id))
        .limit(limit)
    ).all()]


def claim(session: Session, mail_id: int, *, now: datetime, holder: str) -> Claim | None:
    """Take the job for one try (None if another sender has it or it is not due); commits nothing."""
    taken = session.exec(
        sa.update(ReceiptMail)
        .where(col(ReceiptMail.id) == mail_id, _claimable(now))
        .values(status=rm.SENDING, attempts=col(ReceiptMail.attempts) + 1,
                claimed_until=now + timedelta(seconds=_claim_seconds()))
    ).rowcount
    if taken != 1:
        return None
    session.execute(  # a dead sender's try: it may or may not have gone out
        sa.update(ReceiptMailAttempt)
        .where(col(ReceiptMailAttempt.receipt_mail_id) == mail_id, col(ReceiptMailAttempt.outcome).is_(None))
        .values(outcome=smtp.OUTCOME_UNKNOWN, finished_at=now, detail=DEAD_SENDER_DETAIL)
    )
    attempt = ReceiptMailAttempt(receipt_mail_id=mail_id, started_at=now, holder=holder[:200])
    session.add(attempt)
    session.flush()
    job = session.exec(select(ReceiptMail).where(ReceiptMail.id == mail_id)
                       .execution_options(populate_existing=True)).one()
    payment = session.exec(select(Payment).where(Payment.id == job.payment_id)).one()
    return Claim(mail_id=mail_id, attempt_id=stored_id(attempt), payment_id=job.payment_id,
                 resident_id=payment.resident_id, public_id=payment.public_id,
                 to_address=job.to_address or "",  # set on every claimable job: retention clears finished ones
                 message_id=job.message_id, created_at=as_utc(job.created_at))


def build_letter(session: Session, taken: Claim) -> EmailMessage:
    """The letter of a claimed job, from the database (the same as the result page and the PDF)."""
    view = payment_view(session, taken.resident_id, taken.public_id)
    if view is None:
        raise LookupError(f"payment {taken.payment_id} not found")
    return receipt_letter(view, to_address=taken.to_address, mail_from=get_settings().mail_from,
                          message_id=taken.message_id, date_utc=taken.created_at)


def record(session: Session, taken: Claim, result: smtp.SendResult, *, now: datetime) -> str:
    """Write the try's outcome and the job's next state; returns the job's new status."""
    session.execute(
        sa.update(ReceiptMailAttempt)
        .where(col(ReceiptMailAttempt.id) == taken.attempt_id)
        .values(outcome=result.outcome, finished_at=now, smtp_code=result.code, detail=result.detail[:300] or None)
    )
    job = session.exec(select(ReceiptMail).where(ReceiptMail.id == taken.mail_id).with_for_update()
                       .execution_options(populate_existing=True)).one()
    if job.status != rm.SENDING:  # recorded already (a late duplicate): leave it
        return job.status
    values: dict = {"claimed_until": None}
    if result.outcome == smtp.OUTCOME_SENT:
        values.update(status=rm.SENT, sent_at=now, last_error=None)
    else:
        delay = rm.retry_delay(job.attempts) if result.outcome != smtp.OUTCOME_PERMANENT else None
        detail = (f"{result.code} {result.detail}" if result.code else result.detail) or result.outcome
        values.update(last_error=detail[:300])
        if delay is None:
            values.update(status=rm.FAILED)
        else:
            values.update(status=rm.PENDING, next_attempt_at=now + delay)
    session.execute(sa.update(ReceiptMail).where(col(ReceiptMail.id) == taken.mail_id).values(**values))
    return str(values.get("status", job.status))


async def send_due_letters(*, holder: str | None = None, now: Callable[[], datetime] = utc_now,
                           limit: int = 20) -> RoundReport:
    """One round: every due letter claimed, sent and recorded (nothing when e-mail is off)."""
    settings = get_settings()
    report = RoundReport()
    if settings.smtp_url is None:
        return report
    target = smtp.parse_smtp_url(settings.smtp_url)
    holder = holder or leases.this_process()
    ids = await in_transaction(lambda s: due_letters(s, now(), limit=limit))
    for mail_id in ids:
        taken = await in_transaction(partial(claim, mail_id=mail_id, now=now(), holder=holder))
        if taken is None:
            report.skipped += 1
            continue
        try:
            message = await in_transaction(partial(build_letter, taken=taken))
        except Exception as error:  # a letter that cannot be built never will be: given up, shown, logged
            log.exception("receipt letter %s could not be built", taken.mail_id)
            result = smtp.SendResult(smtp.OUTCOME_PERMANENT, None, f"письмо не собрано: {type(error).__name__}")
        else:
            result = await smtp.send(target, message, timeout=settings.smtp_timeout_seconds,
                                     require_tls=settings.is_production)
        status = await in_transaction(partial(record, taken=taken, result=result, now=now()))
        report.outcomes.append(result.outcome)
        if status == rm.SENT:
            report.sent += 1
        elif status == rm.FAILED:
            report.failed += 1
        else:
            report.retrying += 1
        correlation.bind_payment(taken.public_id)
        # no address in the log: logs outlive the address's retention (services.retention); the job's number, not
        # its Message-ID either (which looks like an address: the redaction net would mask it)
        log.info("receipt letter %s: %s %s", taken.mail_id, result.outcome, result.code or "")
    return report


async def send_if_leader(*, holder: str | None = None, now: Callable[[], datetime] = utc_now) -> RoundReport | None:
    """A round, if this worker holds (or takes) the sender's lease; None when another worker has it."""
    settings = get_settings()
    holder = holder or leases.this_process()
    seconds = max(2 * settings.mail_interval_seconds, _claim_seconds())
    if not await in_transaction(lambda s: leases.try_acquire(s, JOB, now=now(), seconds=seconds, holder=holder)):
        return None
    return await send_due_letters(holder=holder, now=now)
