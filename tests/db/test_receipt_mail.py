"""Receipts by e-mail against a real SMTP server (aiosmtpd): the outbox row commits with the success,
SMTP down and then up, a 4xx and then success, a 5xx given up and shown, a crash between the commit and
the send, a sender dying mid-send, and two workers — one letter each time. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlmodel import Session, select

from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.models import Payment, ReceiptMail, ReceiptMailAttempt, Resident
from gkh_web.domain import payment_states as ps
from gkh_web.mail_sink import store
from gkh_web.services import payments as pay
from gkh_web.services.data.demo_data import DEMO_LOGINS
from gkh_web.services.mail import outbox
from gkh_web.services.payments.page import payment_page_for_resident
from gkh_web.settings import get_settings
from tests.mail_server import MailServer, free_port

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ADDRESS = "ivanov@example.com"
CARD_NUMBER = re.compile(r"(?<!\d)(?:\d{4}[ -]){3}\d{4}(?!\d)|(?<!\d)\d{16}(?!\d)")


@dataclass
class Clock:
    moment: datetime = T0

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def mail(demo_db, tmp_path, monkeypatch):
    """SMTP configured at a free port on loopback (nothing listens there until a test starts a server)."""
    port = free_port()
    monkeypatch.setenv("GKH_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("GKH_SMTP_SINK_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("GKH_SMTP_TIMEOUT_SECONDS", "5")
    get_settings.cache_clear()
    return MailServer(tmp_path / "outbox", port)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _resident(session: Session, key: str = "ivanov") -> int:
    login = next(item for item in DEMO_LOGINS if item.key == key)
    return session.exec(select(Resident.id).where(Resident.snils == login.snils)).one()


def _new_payment(session: Session, *, email: str | None = ADDRESS) -> pay.PaymentRecord:
    resident_id = _resident(session)
    page = payment_page_for_resident(session, resident_id)
    document = next(d for account in page.accounts for d in account.documents if d.selectable)
    return pay.create_payment(session, resident_id=resident_id, choices=[(document.document_id, document.amount_text)],
                              receipt_email=email, gateway_name="sandbox", method="card", now=T0)


def _succeed(session: Session, payment_id: int) -> None:
    pay.transition(session, payment_id, ps.SUBMITTED, source="app", now=T0)
    pay.transition(session, payment_id, ps.SUCCEEDED, source="gateway", card_brand="МИР", card_last4="2987", now=T0)


def succeeded_payment(email: str | None = ADDRESS) -> int:
    with Session(get_engine(), expire_on_commit=False) as session:
        record = _new_payment(session, email=email)
        _succeed(session, record.id)
        session.commit()
        return record.id


def job_of(payment_id: int) -> ReceiptMail | None:
    with session_scope() as session:
        return session.exec(select(ReceiptMail).where(ReceiptMail.payment_id == payment_id)).first()


def attempts_of(payment_id: int) -> list[tuple[str | None, int | None]]:
    with session_scope() as session:
        job = session.exec(select(ReceiptMail).where(ReceiptMail.payment_id == payment_id)).one()
        rows = session.exec(select(ReceiptMailAttempt).where(ReceiptMailAttempt.receipt_mail_id == job.id)
                            .order_by(ReceiptMailAttempt.id)).all()
        return [(row.outcome, row.smtp_code) for row in rows]


def mail_line(payment_id: int) -> tuple[str, str]:
    with session_scope() as session:
        payment = session.get(Payment, payment_id)
        assert payment is not None
        view = pay.payment_view(session, payment.resident_id, payment.public_id)
        assert view is not None
        return view.mail_text, view.mail_state


# --- the outbox row ------------------------------------------------------------------------------------


def test_the_job_is_written_in_the_transaction_that_marks_the_payment_succeeded(mail):
    with Session(get_engine(), expire_on_commit=False) as session:
        record = _new_payment(session)
        session.commit()
        assert job_of(record.id) is None, "no letter for a payment that has not succeeded"
        _succeed(session, record.id)
        session.rollback()  # the success rolled back: no letter either
    assert job_of(record.id) is None
    payment_id = succeeded_payment()
    job = job_of(payment_id)
    assert job is not None and job.status == "pending" and job.to_address == ADDRESS and job.attempts == 0
    assert re.fullmatch(rf"<receipt-{payment_id:06d}-[0-9a-f]{{32}}@gkh\.example>", job.message_id)
    assert mail_line(payment_id) == (f"Квитанция будет отправлена на {ADDRESS}", "pending")


def test_with_e_mail_off_no_job_is_written_and_the_screen_says_so(demo_db, monkeypatch):
    monkeypatch.setenv("GKH_SMTP_URL", "off")
    get_settings.cache_clear()
    payment_id = succeeded_payment()
    assert job_of(payment_id) is None
    assert mail_line(payment_id) == ("Квитанции по почте не отправляются", "off")


def test_without_an_address_no_job_is_written(mail):
    payment_id = succeeded_payment(email=None)
    assert job_of(payment_id) is None
    assert mail_line(payment_id)[1] == "off"


# --- sending ------------------------------------------------------------------------------------------


async def test_smtp_down_then_up_the_letter_goes_once(mail, clock):
    payment_id = succeeded_payment()
    report = await outbox.send_due_letters(holder="w1", now=clock)  # nothing listens on the port
    assert report.retrying == 1 and report.outcomes == ["temporary"]
    job = job_of(payment_id)
    assert job is not None and job.status == "pending" and job.last_error
    assert mail_line(payment_id) == ("Не удалось отправить квитанцию — повторим", "retrying")
    async with mail:
        clock.advance(10)
        assert (await outbox.send_due_letters(holder="w1", now=clock)).outcomes == [], "not before its time"
        clock.advance(30)
        assert (await outbox.send_due_letters(holder="w1", now=clock)).sent == 1
        assert (await outbox.send_due_letters(holder="w1", now=clock)).outcomes == [], "never twice"
    assert len(mail.handler.deliveries) == 1 and len(mail.kept()) == 1
    assert attempts_of(payment_id) == [("temporary", None), ("sent", 250)]
    assert mail_line(payment_id) == (f"Квитанция отправлена на {ADDRESS}", "sent")


async def test_a_4xx_then_success(mail, clock):
    payment_id = succeeded_payment()
    async with mail:
        mail.handler.rcpt_replies.append("451 4.3.0 Try again later")
        assert (await outbox.send_due_letters(holder="w1", now=clock)).outcomes == ["temporary"]
        assert mail_line(payment_id)[1] == "retrying"
        clock.advance(31)
        assert (await outbox.send_due_letters(holder="w1", now=clock)).sent == 1
    assert attempts_of(payment_id) == [("temporary", 451), ("sent", 250)]
    assert len(mail.handler.deliveries) == 1


async def test_a_5xx_is_permanent_and_shown_as_such(mail, clock):
    payment_id = succeeded_payment()
    async with mail:
        mail.handler.rcpt_replies.append("550 5.1.1 No such mailbox")
        report = await outbox.send_due_letters(holder="w1", now=clock)
        assert report.failed == 1 and report.outcomes == ["permanent"]
        clock.advance(7 * 24 * 3600)
        assert (await outbox.send_due_letters(holder="w1", now=clock)).outcomes == [], "given up: no more tries"
    job = job_of(payment_id)
    assert job is not None and job.status == "failed" and "550" in (job.last_error or "")
    text, state = mail_line(payment_id)
    assert state == "failed" and text.startswith(f"Квитанцию не удалось отправить на {ADDRESS}")
    assert mail.handler.deliveries == []


async def test_a_crash_between_the_commit_and_the_send_loses_nothing(mail, clock):
    """The worker died right after the success committed: the job waits in the table and a sender
    started later (another process) sends it once."""
    payment_id = succeeded_payment()
    assert job_of(payment_id).status == "pending"
    async with mail:
        report = await outbox.send_due_letters(holder="after-restart", now=clock)
        assert (await outbox.send_due_letters(holder="another", now=clock)).outcomes == []
    assert job_of(payment_id).status == "sent"
    assert report.sent == 1 and len(mail.handler.deliveries) == 1 and len(mail.kept()) == 1


async def test_a_sender_dying_mid_send_gets_the_letter_retried_with_the_same_message_id(mail, clock):
    payment_id = succeeded_payment()
    with session_scope() as session:  # a sender claimed the letter and died before recording anything
        job = job_of(payment_id)
        assert job is not None
        assert outbox.claim(session, job.id, now=clock(), holder="dead") is not None
        session.commit()
    async with mail:
        assert (await outbox.send_due_letters(holder="alive", now=clock)).outcomes == [], "its claim still runs"
        clock.advance(get_settings().smtp_timeout_seconds + outbox.CLAIM_MARGIN_SECONDS + 1)
        assert (await outbox.send_due_letters(holder="alive", now=clock)).sent == 1
    assert attempts_of(payment_id) == [("unknown", None), ("sent", 250)]
    assert len(mail.kept()) == 1


async def test_a_dropped_line_after_data_is_retried_and_the_sink_keeps_one_letter(mail, clock):
    """The server kept the letter but the sender never heard «250»: the outcome is unknown, so the
    letter goes again — with the same Message-ID, by which the receiving side drops the repeat."""
    payment_id = succeeded_payment()
    async with mail:
        mail.handler.hang_up_after_data = 1
        assert (await outbox.send_due_letters(holder="w1", now=clock)).outcomes == ["unknown"]
        clock.advance(31)
        assert (await outbox.send_due_letters(holder="w1", now=clock)).sent == 1
    first, second = mail.handler.deliveries
    assert store.parse(first)["Message-ID"] == store.parse(second)["Message-ID"] == job_of(payment_id).message_id
    assert len(mail.kept()) == 1


async def test_two_workers_one_lease_one_letter(mail, clock):
    payment_id = succeeded_payment()
    async with mail:
        reports = await asyncio.gather(outbox.send_if_leader(holder="worker-a", now=clock),
                                       outbox.send_if_leader(holder="worker-b", now=clock))
        assert sum(report is not None for report in reports) == 1, reports
        # and without the lease (a round outliving it): each letter is claimed by one sender only
        second = succeeded_payment()  # the next payable document
        reports = await asyncio.gather(outbox.send_due_letters(holder="worker-a", now=clock),
                                       outbox.send_due_letters(holder="worker-b", now=clock))
        assert sum(report.sent for report in reports) == 1
    assert len(mail.handler.deliveries) == 2 and len(mail.kept()) == 2
    assert job_of(payment_id).status == job_of(second).status == "sent"


# --- the letter -----------------------------------------------------------------------------------------


async def test_the_letter_russian_text_and_html_encoded_subject_pdf_and_no_card_number(mail, clock):
    payment_id = succeeded_payment()
    async with mail:
        await outbox.send_due_letters(holder="w1", now=clock)
    raw = mail.handler.deliveries[0]
    with session_scope() as session:
        payment = session.get(Payment, payment_id)
        number = payment.number
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # every header is ASCII on the wire
    assert "Subject: =?utf-8?" in head
    letter: EmailMessage = store.parse(raw)
    assert letter["Subject"] == f"Квитанция об оплате ЖКУ № {number}"
    assert letter["To"] == ADDRESS and letter["Message-ID"] == job_of(payment_id).message_id
    text = letter.get_body(preferencelist=("plain",)).get_content()
    html = letter.get_body(preferencelist=("html",)).get_content()
    assert f"Платёж {number}" in text and "Итого с комиссией" in text and "МИР •••• 2987" in text
    assert "Квитанция об оплате" in html and "МИР •••• 2987" in html
    (attachment,) = list(letter.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"kvitanciya-{number}.pdf"
    assert attachment.get_payload(decode=True).startswith(b"%PDF")
    for part in (text, html):
        assert not CARD_NUMBER.search(part), "no card number beyond the brand and the last four"
