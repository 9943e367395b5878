"""Personal data expires (issue 14 §5): the retention purge, on SQLite and PostgreSQL.

Every test ages data by inserting rows with timestamps around each rule's limit (one just past it,
one just under it) and moving the purge's clock (``now``); then checks row by row that what is due
is gone or cleared and that everything else — the rows just under the limit, payments, their amounts,
public ids, events, letters still waiting — is exactly as it was. The sandbox gateway's tables are put
in the same test database (``GKH_SANDBOX_DATABASE_URL``), so its rules run on both databases too.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from gkh_web import cli
from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.esia_models import EsiaAccessToken, EsiaAuthorizationCode, EsiaLoginThrottle, EsiaUser
from gkh_web.db.models import (
    BackgroundLease,
    Payment,
    PaymentEvent,
    RateLimitCounter,
    ReceiptMail,
    ReceiptMailAttempt,
    Resident,
    ResidentSession,
)
from gkh_web.sandbox_gateway import db as sandbox_db
from gkh_web.sandbox_gateway.config import get_sandbox_settings
from gkh_web.services import retention
from gkh_web.services.payments.views import views_of
from gkh_web.settings import get_settings
from gkh_web.tasks import retention_purge
from tests.db.conftest import QueryCounter, snapshot

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PAST = timedelta(hours=24, minutes=1)
"""Just past the default 24 h."""
UNDER = timedelta(hours=23, minutes=59)
"""Just under it: must stay."""
EMAIL_PAST, EMAIL_UNDER = timedelta(days=90, minutes=1), timedelta(days=89, hours=23)
ADDRESS = "ivanov@example.com"


@pytest.fixture
def db(demo_db, monkeypatch):
    """The test's demo database, also holding the sandbox gateway's tables."""
    monkeypatch.setenv("GKH_SANDBOX_DATABASE_URL", demo_db)
    get_sandbox_settings.cache_clear()
    get_settings.cache_clear()
    yield demo_db
    sandbox_db.dispose_engines()
    get_sandbox_settings.cache_clear()


# --- Aged data ---------------------------------------------------------------------------------------


def _ids(session: Session) -> tuple[int, str]:
    resident = session.exec(select(Resident).order_by(col(Resident.id))).first()
    user = session.exec(select(EsiaUser).order_by(col(EsiaUser.id))).first()
    assert resident is not None and resident.id is not None and user is not None
    return resident.id, user.subject_id


def _session_row(resident_id: int, *, ended_ago: timedelta | None, seen_ago: timedelta) -> ResidentSession:
    ended = None if ended_ago is None else NOW - ended_ago
    return ResidentSession(token_hash=uuid.uuid4().hex * 2, resident_id=resident_id, created_at=NOW - seen_ago,
                           last_seen_at=NOW - seen_ago, ended_at=ended, end_reason=None if ended is None else "logout")


def _payment(resident_id: int, *, status: str, finished_ago: timedelta | None, email: str | None = ADDRESS,
             created_ago: timedelta | None = None) -> Payment:
    created = NOW - (created_ago or finished_ago or timedelta(days=1))
    return Payment(public_id=uuid.uuid4().hex, resident_id=resident_id, idempotency_key=uuid.uuid4().hex,
                   gateway="sandbox", status=status, method="card", amount_kopecks=123_45, commission_kopecks=1000,
                   description="Оплата ЖКУ", receipt_email=email, created_at=created, updated_at=created,
                   finished_at=None if finished_ago is None else NOW - finished_ago)


def _letter(session: Session, payment: Payment, status: str, *, last_error: str | None = None,
            attempt_detail: str | None = None) -> ReceiptMail:
    assert payment.id is not None
    letter = ReceiptMail(payment_id=payment.id, to_address=payment.receipt_email or ADDRESS,
                         message_id=f"<receipt-{payment.id:06d}-{payment.public_id}@gkh.example>", status=status,
                         attempts=1, last_error=last_error, created_at=payment.created_at)
    session.add(letter)
    session.flush()
    session.add(ReceiptMailAttempt(receipt_mail_id=letter.id, holder="worker", outcome="temporary",
                                   detail=attempt_detail, started_at=payment.created_at))
    return letter


def _age_everything(session: Session) -> dict[str, dict[str, int | str]]:
    """One row past and one under each limit (more where a rule has more than one condition); their ids."""
    resident_id, subject = _ids(session)
    rows: dict[str, dict[str, object]] = {
        "sessions": {
            "ended_past": _session_row(resident_id, ended_ago=PAST, seen_ago=PAST),
            "ended_under": _session_row(resident_id, ended_ago=UNDER, seen_ago=timedelta(hours=25)),
            "abandoned_past": _session_row(resident_id, ended_ago=None, seen_ago=PAST),
            "abandoned_under": _session_row(resident_id, ended_ago=None, seen_ago=UNDER),
            "live": _session_row(resident_id, ended_ago=None, seen_ago=timedelta(seconds=5)),
        },
        "codes": {name: EsiaAuthorizationCode(
            code_hash=uuid.uuid4().hex * 2, subject_id=subject, client_id="gkh-web-kiosk",
            redirect_uri="http://localhost:3000/auth/callback", created_at=NOW - ago, expires_at=NOW - ago)
            for name, ago in (("past", PAST), ("under", UNDER))},
        "tokens": {name: EsiaAccessToken(token_hash=uuid.uuid4().hex * 2, subject_id=subject, client_id="gkh-web-kiosk",
                                         created_at=NOW - ago, expires_at=NOW - ago)
                   for name, ago in (("past", PAST), ("under", UNDER))},
        "throttle": {
            "past": EsiaLoginThrottle(login_key_hash=uuid.uuid4().hex * 2, failed_attempts=2,
                                      last_failed_at=NOW - PAST),
            "locked_under": EsiaLoginThrottle(login_key_hash=uuid.uuid4().hex * 2, failed_attempts=5,
                                              last_failed_at=NOW - PAST - timedelta(minutes=14),
                                              locked_until=NOW - UNDER),
            "under": EsiaLoginThrottle(login_key_hash=uuid.uuid4().hex * 2, failed_attempts=1,
                                       last_failed_at=NOW - UNDER),
        },
    }
    for group in rows.values():
        session.add_all(group.values())  # type: ignore[arg-type]
    for name, ago in (("past", PAST), ("under", UNDER)):
        session.add(RateLimitCounter(key_hash=name.ljust(64, "0"), window_start=int((NOW - ago).timestamp()) - 600,
                                     count=3, expires_at=int((NOW - ago).timestamp())))
    payments = {
        "sent_past": _payment(resident_id, status="succeeded", finished_ago=EMAIL_PAST),
        "given_up_past": _payment(resident_id, status="succeeded", finished_ago=EMAIL_PAST),
        "canceled_past": _payment(resident_id, status="canceled", finished_ago=EMAIL_PAST),
        "waiting_letter_past": _payment(resident_id, status="succeeded", finished_ago=EMAIL_PAST),
        "sent_under": _payment(resident_id, status="succeeded", finished_ago=EMAIL_UNDER),
        "unfinished_old": _payment(resident_id, status="awaiting_customer", finished_ago=None,
                                   created_ago=timedelta(days=200)),
        "no_email_past": _payment(resident_id, status="failed", finished_ago=EMAIL_PAST, email=None),
    }
    session.add_all(payments.values())
    session.flush()
    for payment in payments.values():
        session.add(PaymentEvent(payment_id=payment.id, at=payment.created_at, from_status="created",
                                 to_status=payment.status, source="gateway", detail='{"gateway_status": "x"}'))
    _letter(session, payments["sent_past"], "sent", attempt_detail=f"451 4.3.0 <{ADDRESS}>: try again later")
    _letter(session, payments["given_up_past"], "failed",
            last_error=f"550 5.1.1 <{ADDRESS}>: Recipient address rejected",
            attempt_detail="550 5.1.1 <Ivanov@Example.com>")
    _letter(session, payments["waiting_letter_past"], "pending", last_error="421 try later",
            attempt_detail=f"421 <{ADDRESS}> busy")
    _letter(session, payments["sent_under"], "sent", attempt_detail=f"451 <{ADDRESS}>")
    session.commit()
    ids: dict[str, dict[str, int | str]] = {group: {name: row.id for name, row in members.items()}  # type: ignore[attr-defined]
                                            for group, members in rows.items()}
    ids["payments"] = {name: payment.id for name, payment in payments.items()}  # type: ignore[misc]
    ids.update(_age_sandbox())
    return ids


def _age_sandbox() -> dict[str, dict[str, int | str]]:
    """Sandbox payments whose page expired past and under the limit; idempotence keys likewise."""
    pages, keys = {}, {}
    with sandbox_db.get_engine().begin() as connection:
        for name, ago in (("past", PAST), ("under", UNDER)):
            payment_id = f"sbx_{name}_{uuid.uuid4().hex[:8]}"
            moment = (NOW - ago).timestamp()
            connection.execute(sandbox_db.payments.insert().values(
                id=payment_id, amount_kopecks=12345, status="succeeded", created_at=moment - 1800,
                page_token_hash=uuid.uuid4().hex * 2, page_expires_at=moment, return_url="http://x/pay/result",
                idempotence_key=uuid.uuid4().hex, request_hash="h" * 64))
            connection.execute(sandbox_db.idempotence.insert().values(
                key=f"key-{name}", request_hash="h" * 64, response_json="{}", status_code=200, created_at=moment))
            pages[name], keys[name] = payment_id, f"key-{name}"
    return {"pages": pages, "keys": keys}


# --- Looking at what is left -------------------------------------------------------------------------


def _present(session: Session, model, ids) -> set:
    return set(session.exec(select(model.id).where(col(model.id).in_(list(ids)))).all())


def _page_hashes() -> dict[str, str]:
    with sandbox_db.get_engine().connect() as connection:
        rows = connection.execute(sa.select(sandbox_db.payments.c.id, sandbox_db.payments.c.page_token_hash)).all()
        return {payment_id: token_hash for payment_id, token_hash in rows}


def _keys() -> set[str]:
    with sandbox_db.get_engine().connect() as connection:
        return set(connection.execute(sa.select(sandbox_db.idempotence.c.key)).scalars())


def _money_trail(url: str) -> dict[str, object]:
    """Everything that must never change: payments (but their address), items, events, notices, documents."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            payment = sa.Table("payment", sa.MetaData(), autoload_with=connection)
            kept = [column for column in payment.columns if column.name != "receipt_email"]
            trail: dict[str, object] = {"payment": connection.execute(sa.select(*kept).order_by(payment.c.id)).all()}
            for name in ("payment_item", "payment_event", "notice_reconciliation", "payment_document", "resident"):
                table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                trail[name] = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        return trail
    finally:
        engine.dispose()


# --- The tests ---------------------------------------------------------------------------------------


def test_what_is_due_goes_and_the_rest_stays_row_by_row(db):
    with session_scope() as session:
        ids = _age_everything(session)
    trail = _money_trail(db)

    report = retention.purge(now=NOW)

    sessions, payments = ids["sessions"], ids["payments"]
    with Session(get_engine()) as session:
        assert _present(session, ResidentSession, sessions.values()) == {
            sessions["ended_under"], sessions["abandoned_under"], sessions["live"]}
        assert _present(session, EsiaAuthorizationCode, ids["codes"].values()) == {ids["codes"]["under"]}
        assert _present(session, EsiaAccessToken, ids["tokens"].values()) == {ids["tokens"]["under"]}
        assert _present(session, EsiaLoginThrottle, ids["throttle"].values()) == {
            ids["throttle"]["locked_under"], ids["throttle"]["under"]}
        assert set(session.exec(select(RateLimitCounter.key_hash)).all()) == {"under".ljust(64, "0")}
        email = {name: session.get(Payment, payment_id).receipt_email for name, payment_id in payments.items()}
        assert email == {"sent_past": None, "given_up_past": None, "canceled_past": None,
                         "waiting_letter_past": ADDRESS, "sent_under": ADDRESS, "unfinished_old": ADDRESS,
                         "no_email_past": None}
        letters = {name: session.exec(select(ReceiptMail).where(ReceiptMail.payment_id == payment_id)).first()
                   for name, payment_id in payments.items()}
        assert letters["sent_past"].to_address is None and letters["given_up_past"].to_address is None
        assert letters["given_up_past"].last_error == "550 5.1.1 <[адрес удалён]>: Recipient address rejected"
        assert letters["waiting_letter_past"].to_address == ADDRESS, "a letter still to be tried keeps its address"
        assert letters["sent_under"].to_address == ADDRESS
        details = {name: session.exec(select(ReceiptMailAttempt.detail).where(
            ReceiptMailAttempt.receipt_mail_id == letter.id)).one() for name, letter in letters.items() if letter}
        assert details == {"sent_past": "451 4.3.0 <[адрес удалён]>: try again later",
                           "given_up_past": "550 5.1.1 <[адрес удалён]>",
                           "waiting_letter_past": f"421 <{ADDRESS}> busy", "sent_under": f"451 <{ADDRESS}>"}
        # «Мои платежи» still tells what happened, without saying to whom
        shown = {view.public_id: view.mail_text for view in views_of(session, [
            session.get(Payment, payments[name]) for name in ("sent_past", "given_up_past", "sent_under")])}
        assert sorted(shown.values()) == sorted([
            "Квитанция отправлена", "Квитанцию не удалось отправить: почтовый сервер отказался её принять",
            f"Квитанция отправлена на {ADDRESS}"])
    assert _money_trail(db) == trail, "payments, amounts, public ids, items, events and notices are untouched"
    hashes = _page_hashes()
    assert hashes[ids["pages"]["past"]] == f"purged:{ids['pages']['past']}"
    assert not hashes[ids["pages"]["under"]].startswith("purged:")
    assert _keys() == {"key-under"}
    assert {outcome.rule.name: outcome.rows for outcome in report.outcomes} == {
        "resident_sessions": 2, "esia_codes": 1, "esia_tokens": 1, "sign_in_throttle": 1, "rate_limit_counters": 1,
        "payment_emails": 3, "sandbox_page_tokens": 1, "sandbox_idempotence_keys": 1}


def test_a_second_run_is_a_no_op(db):
    with session_scope() as session:
        _age_everything(session)
    retention.purge(now=NOW)
    before = snapshot(db, content=("payment", "receipt_mail", "receipt_mail_attempt", "resident_session"))
    again = retention.purge(now=NOW)
    assert again.total == 0, str(again)
    assert snapshot(db, content=("payment", "receipt_mail", "receipt_mail_attempt", "resident_session")) == before


def test_a_dry_run_counts_what_would_go_and_changes_nothing(db):
    with session_scope() as session:
        _age_everything(session)
    tables = ("payment", "receipt_mail", "receipt_mail_attempt", "resident_session", "esia_login_throttle",
              "rate_limit_counter", "sandbox_payment", "sandbox_idempotence")
    before = snapshot(db, content=tables)
    dry = retention.purge(now=NOW, dry_run=True)
    assert snapshot(db, content=tables) == before
    real = retention.purge(now=NOW)
    assert [(o.rule.name, o.rows) for o in dry.outcomes] == [(o.rule.name, o.rows) for o in real.outcomes]
    assert dry.total == 11 and all(outcome.batches == 0 for outcome in dry.outcomes)


def test_a_backlog_goes_in_batches_each_its_own_statement(db):
    with session_scope() as session:
        resident_id, _ = _ids(session)
        session.add_all([_session_row(resident_id, ended_ago=PAST + timedelta(minutes=i), seen_ago=PAST)
                         for i in range(5)])
        session.add(_session_row(resident_id, ended_ago=UNDER, seen_ago=UNDER))
        session.add_all([_payment(resident_id, status="canceled", finished_ago=EMAIL_PAST) for _ in range(5)])
    with QueryCounter(get_engine()) as counter:
        report = retention.purge(now=NOW, batch_size=2)
    outcome = {o.rule.name: o for o in report.outcomes}
    assert (outcome["resident_sessions"].rows, outcome["resident_sessions"].batches) == (5, 3)
    assert (outcome["payment_emails"].rows, outcome["payment_emails"].batches) == (5, 3)
    deletes = [s for s in counter.statements if s.lstrip().upper().startswith("DELETE FROM RESIDENT_SESSION")]
    clears = [s for s in counter.statements if s.lstrip().upper().startswith("UPDATE PAYMENT SET")]
    assert len(deletes) == 3 and len(clears) == 3, "2 + 2 + 1 rows: three short transactions, not one long one"
    with Session(get_engine()) as session:
        assert len(session.exec(select(ResidentSession)).all()) == 1
        assert session.exec(select(Payment).where(col(Payment.receipt_email).is_not(None))).all() == []


def test_the_limits_follow_the_settings(db, monkeypatch):
    with session_scope() as session:
        ids = _age_everything(session)
    monkeypatch.setenv("GKH_RETENTION_SESSION_HOURS", "48")
    monkeypatch.setenv("GKH_RETENTION_PAYMENT_EMAIL_DAYS", "30")
    get_settings.cache_clear()
    report = retention.purge(now=NOW)
    assert report.rows("resident_sessions") == 0 and report.rows("esia_codes") == 0
    assert report.rows("payment_emails") == 4, "89 days is past 30: the sent letter's payment goes too"
    with Session(get_engine()) as session:
        assert session.get(Payment, ids["payments"]["sent_under"]).receipt_email is None


def test_with_a_real_gateway_the_sandbox_is_left_alone(db, monkeypatch):
    with session_scope() as session:
        ids = _age_everything(session)
    monkeypatch.setenv("GKH_GATEWAY_URL", "https://gateway.example/api/v3")
    get_settings.cache_clear()
    report = retention.purge(now=NOW)
    assert "sandbox_page_tokens" not in str(report)
    assert not _page_hashes()[ids["pages"]["past"]].startswith("purged:")


# --- gkh purge -----------------------------------------------------------------------------------------


def test_gkh_purge_dry_run_then_purge(db, capsys):
    with session_scope() as session:
        _age_everything(session)
    _shift_clock(db, datetime.now(UTC) - NOW)  # the CLI purges as of the real clock: age the rows against it

    assert cli.main(["purge", "--dry-run"]) == cli.EXIT_OK
    dry = capsys.readouterr().out
    assert "пробный прогон" in dry and "База песочницы шлюза:" in dry
    assert "закончившиеся сеансы жителей (старше 24 ч): будет удалено 2" in dry
    assert "адреса для квитанций в платежах и письмах (старше 90 дн.): будет очищено 3" in dry
    assert cli.main(["purge"]) == cli.EXIT_OK
    done = capsys.readouterr().out
    assert "закончившиеся сеансы жителей (старше 24 ч): удалено 2 (1 пакет)" in done
    assert "адреса для квитанций в платежах и письмах (старше 90 дн.): очищено 3 (1 пакет)" in done
    assert "Всего строк: 11" in done
    assert cli.main(["purge"]) == cli.EXIT_OK
    assert "Всего строк: 0" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "２４"])
def test_gkh_purge_refuses_a_bad_retention_setting(db, capsys, monkeypatch, value):
    monkeypatch.setenv("GKH_RETENTION_SESSION_HOURS", value)
    get_settings.cache_clear()
    assert cli.main(["purge"]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "GKH_RETENTION_SESSION_HOURS must be a positive whole number" in err and repr(value) in err


def _shift_clock(url: str, shift: timedelta) -> None:
    """Move every aged row by ``shift`` (so that «25 h ago» is 25 h before the real now)."""
    with session_scope() as session:
        for model, columns in ((ResidentSession, ("created_at", "last_seen_at", "ended_at")),
                               (EsiaAuthorizationCode, ("created_at", "expires_at")),
                               (EsiaAccessToken, ("created_at", "expires_at")),
                               (EsiaLoginThrottle, ("last_failed_at", "locked_until")),
                               (Payment, ("created_at", "updated_at", "finished_at"))):
            for row in session.exec(select(model)).all():
                for name in columns:
                    if getattr(row, name) is not None:
                        setattr(row, name, getattr(row, name) + shift)
                session.add(row)
        seconds = int(shift.total_seconds())
        session.execute(sa.update(RateLimitCounter).values(expires_at=col(RateLimitCounter.expires_at) + seconds))
    with sandbox_db.get_engine().begin() as connection:
        connection.execute(sa.update(sandbox_db.payments).values(
            page_expires_at=sandbox_db.payments.c.page_expires_at + shift.total_seconds()))  # ok-float: unix seconds
        connection.execute(sa.update(sandbox_db.idempotence).values(
            created_at=sandbox_db.idempotence.c.created_at + shift.total_seconds()))  # ok-float: unix seconds


# --- The daily job ---------------------------------------------------------------------------------------


def test_the_daily_job_runs_once_a_day_across_workers(db):
    def at(moment):
        return lambda: moment

    with session_scope() as session:
        _age_everything(session)
    first = asyncio.run(retention_purge.purge_if_due("worker-a", at(NOW)))
    assert first is not None and first.total == 11
    assert asyncio.run(retention_purge.purge_if_due("worker-b", at(NOW))) is None
    with session_scope() as session:  # new data ages meanwhile; the day's turn is taken
        resident_id, _ = _ids(session)
        late = _session_row(resident_id, ended_ago=timedelta(hours=5), seen_ago=timedelta(hours=5))
        session.add(late)
        session.flush()
        late_id = late.id
    for hours in (1, 12, 23):
        for worker in ("worker-a", "worker-b"):  # not even the worker that ran it
            assert asyncio.run(retention_purge.purge_if_due(worker, at(NOW + timedelta(hours=hours)))) is None
    with Session(get_engine()) as session:
        lease = session.get(BackgroundLease, retention_purge.JOB)
        assert lease.holder == "worker-a", "the row records who ran the day's purge"
        assert session.get(ResidentSession, late_id) is not None, "aged 28 h by NOW + 23 h, but not purged yet"
    next_day = asyncio.run(retention_purge.purge_if_due("worker-b", at(NOW + timedelta(hours=24, seconds=1))))
    assert next_day is not None and next_day.rows("resident_sessions") == 4, "the late one and yesterday's under-age"
    with Session(get_engine()) as session:
        assert session.get(ResidentSession, late_id) is None
    assert asyncio.run(retention_purge.purge_if_due("worker-a", at(NOW + timedelta(hours=25)))) is None


def test_a_failed_daily_purge_gives_the_day_back(db, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("database went away")

    with monkeypatch.context() as patched, pytest.raises(RuntimeError):
        patched.setattr(retention, "purge", broken)
        asyncio.run(retention_purge.purge_if_due("worker-a", lambda: NOW))
    again = asyncio.run(retention_purge.purge_if_due("worker-b", lambda: NOW + timedelta(hours=1)))
    assert again is not None, "the next hourly look in any worker tries again"


async def test_four_workers_asking_at_the_same_moment_purge_once(db):
    with session_scope() as session:
        _age_everything(session)
    workers = [f"worker-{n}" for n in range(4)]
    reports = await asyncio.gather(*(retention_purge.purge_if_due(w, lambda: NOW) for w in workers))
    done = [report for report in reports if report is not None]
    assert len(done) == 1 and done[0].total == 11


def test_gkh_purge_as_a_separate_process(db):
    with session_scope() as session:
        _age_everything(session)
    _shift_clock(db, datetime.now(UTC) - NOW)
    env = {**os.environ, "GKH_DATABASE_URL": db, "GKH_SANDBOX_DATABASE_URL": db}
    run = subprocess.run([sys.executable, "-m", "gkh_web.cli", "purge"], env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "Всего строк: 11" in run.stdout
    with Session(get_engine()) as session:
        assert len(session.exec(select(EsiaAuthorizationCode)).all()) == 1, "the one under the limit stays"
