"""Payment notices to providers and their reconciliation (issue 13 §4; formats in docs/notice-format.md).

«Оплачено» and «учтено» are two facts. A succeeded payment credits its documents at once, and each
paid document becomes a *notice* for the document's provider. ГИС ЖКХ passes notices on to providers
(``gkh export notices``). The provider answers per notice (``gkh import reconciliation``): accounted,
with its own date («Учтено организацией»), or rejected with a reason («не квитирован»), kept for support.

A notice is named by the payment's number and the document's ИПД («П-000042/77АБ123456-01-1126»),
never by a database id. It is exported again until the provider has answered it; the same range
gives the same file (no timestamps of the export itself, a fixed order).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlmodel import Session, col, select

from gkh_web.db.models import (
    NOTICE_ACCOUNTED,
    NOTICE_REJECTED,
    NoticeReconciliation,
    Payment,
    PaymentDocument,
    PaymentItem,
    PersonalAccount,
    ProviderOrganisation,
    as_utc,
    stored_id,
)
from gkh_web.domain import payment_states as ps
from gkh_web.services.data.payment_import import (
    ImportProblem,
    IsoDate,
    StrictModel,
    Text,
    parse_envelope,
    read_import_file,
)

NOTICES_FORMAT = "gkh.payment-notices"
RECONCILIATION_FORMAT = "gkh.reconciliation"
FORMAT_VERSION = 1
MOSCOW = ZoneInfo("Europe/Moscow")

ACCOUNTING_AWAITING = "awaiting"
TEXT_AWAITING = "Оплачен, ожидает учёта поставщиком"
TEXT_ACCOUNTED = "Учтено организацией"
TEXT_REJECTED = "Не квитирован поставщиком"


def notice_id(payment_number: str, ipd: str) -> str:
    return f"{payment_number}/{ipd}"


# --- What a document's payments have become at the provider ----------------------------------


@dataclass(frozen=True)
class DocumentAccounting:
    """The provider's side of a document paid through us: awaiting, accounted (date) or rejected (reason)."""

    state: str
    provider_date: date | None = None
    reason: str | None = None


def accounting_of_documents(session: Session, document_ids: list[int]) -> dict[int, DocumentAccounting]:
    """For documents with succeeded payments through us: one query. Any notice unanswered → awaiting;
    else any rejected → rejected; else accounted, on the provider's latest date."""
    if not document_ids:
        return {}
    rows = session.exec(
        select(PaymentItem.payment_document_id, NoticeReconciliation)
        .join(Payment, col(Payment.id) == PaymentItem.payment_id)
        .outerjoin(NoticeReconciliation, col(NoticeReconciliation.payment_item_id) == PaymentItem.id)
        .where(col(PaymentItem.payment_document_id).in_(document_ids))
        .where(Payment.status == ps.SUCCEEDED)
    ).all()
    answers: dict[int, list[NoticeReconciliation | None]] = {}
    for document_id, answer in rows:
        answers.setdefault(document_id, []).append(answer)
    return {document_id: _accounting(found) for document_id, found in answers.items()}


def _accounting(answers: list[NoticeReconciliation | None]) -> DocumentAccounting:
    if any(answer is None for answer in answers):
        return DocumentAccounting(ACCOUNTING_AWAITING)
    rejected = [answer for answer in answers if answer is not None and answer.outcome == NOTICE_REJECTED]
    if rejected:
        return DocumentAccounting(NOTICE_REJECTED, rejected[-1].provider_date, rejected[-1].reason)
    return DocumentAccounting(NOTICE_ACCOUNTED, max(answer.provider_date for answer in answers if answer))


# --- Export ------------------------------------------------------------------------------------


class ExportError(ValueError):
    """The export cannot be made (unknown provider, a range backwards); the message is Russian."""


def export_notices(session: Session, provider_inn: str, since: date | None = None,
                   until: date | None = None) -> dict:
    """Every unanswered notice of the provider paid within [since, until] (Moscow dates, inclusive)."""
    provider = session.exec(select(ProviderOrganisation).where(ProviderOrganisation.inn == provider_inn)).first()
    if provider is None:
        raise ExportError(f"Поставщик с ИНН {provider_inn} не найден")
    if since and until and since > until:
        raise ExportError(f"Начало периода {since:%d.%m.%Y} позже конца {until:%d.%m.%Y}")
    query = (
        select(PaymentItem, Payment, PaymentDocument, PersonalAccount)
        .join(Payment, col(Payment.id) == PaymentItem.payment_id)
        .join(PaymentDocument, col(PaymentDocument.id) == PaymentItem.payment_document_id)
        .join(PersonalAccount, col(PersonalAccount.id) == PaymentItem.personal_account_id)
        .outerjoin(NoticeReconciliation, col(NoticeReconciliation.payment_item_id) == PaymentItem.id)
        .where(PersonalAccount.provider_id == stored_id(provider))
        .where(Payment.status == ps.SUCCEEDED)
        .where(col(NoticeReconciliation.id).is_(None))
    )
    if since:
        query = query.where(col(Payment.finished_at) >= datetime.combine(since, time.min, MOSCOW))
    if until:
        query = query.where(col(Payment.finished_at) < datetime.combine(until, time.max, MOSCOW))
    notices = [_notice(item, payment, document, account) for item, payment, document, account in session.exec(query)]
    notices.sort(key=lambda notice: (notice["paid_at"], notice["notice_id"]))
    return {
        "format": NOTICES_FORMAT,
        "version": FORMAT_VERSION,
        "provider_inn": provider.inn,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "notices": notices,
    }


def _notice(item: PaymentItem, payment: Payment, document: PaymentDocument, account: PersonalAccount) -> dict:
    paid_at = as_utc(payment.finished_at or payment.updated_at).astimezone(MOSCOW)
    return {
        "notice_id": notice_id(payment.number, document.ipd),
        "ipd": document.ipd,
        "els": account.els,
        "izhku": account.izhku,
        "account_number": account.number,
        "document_number": document.number,
        "period": f"{document.period_year:04d}-{document.period_month:02d}",
        "amount": f"{item.amount_kopecks // 100}.{item.amount_kopecks % 100:02d}",  # rubles, exact, as in JSON money
        "payment_number": payment.number,
        "paid_at": paid_at.isoformat(timespec="seconds"),
        "method": payment.method or "",
    }


def notices_json(document: dict) -> str:
    """The file's text: stable key order and layout, so the same range gives the same bytes."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- Import of the provider's answers ---------------------------------------------------------


class ResultIn(StrictModel):
    notice_id: Text = Field(min_length=1, max_length=60)
    outcome: Literal["accounted", "rejected"]
    date: IsoDate
    reason: Text | None = Field(default=None, min_length=1, max_length=500)


class ReconciliationFileIn(StrictModel):
    format: Literal["gkh.reconciliation"]
    version: Literal[1]
    provider_inn: Text = Field(min_length=10, max_length=12)
    results: list[ResultIn] = Field(min_length=1, max_length=100_000)


@dataclass(frozen=True)
class ReconciliationResult:
    """Answers recorded now, answers already there (a repeated file changes nothing), every problem."""

    recorded: int = 0
    already: int = 0
    errors: tuple[ImportProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def import_reconciliation_file(session: Session, path: str | Path) -> ReconciliationResult:
    raw, problem = read_import_file(path)
    if raw is None:
        return _failed(*([problem] if problem else []))
    return import_reconciliation(session, raw)


def import_reconciliation(session: Session, raw: bytes) -> ReconciliationResult:
    """All or nothing: every line is checked first, and only a file with no problem is recorded.

    The caller commits. A notice answered before is counted as ``already`` and left as it was.
    """
    envelope, shape_problems = parse_envelope(raw, ReconciliationFileIn)
    if envelope is None:
        return _failed(*shape_problems)
    provider = session.exec(
        select(ProviderOrganisation).where(ProviderOrganisation.inn == envelope.provider_inn)).first()
    if provider is None:
        return _failed(ImportProblem("provider_inn", f"поставщик с ИНН {envelope.provider_inn} не найден"))
    problems: list[ImportProblem] = []
    new: list[NoticeReconciliation] = []
    already = 0
    seen: set[str] = set()
    for index, result in enumerate(envelope.results):
        path = f"results[{index}]"
        if result.notice_id in seen:
            problems.append(ImportProblem(f"{path}.notice_id", f"уведомление {result.notice_id} повторяется в файле"))
            continue
        seen.add(result.notice_id)
        if result.outcome == NOTICE_REJECTED and not result.reason:
            problems.append(ImportProblem(f"{path}.reason", "для «rejected» нужна причина"))
            continue
        item, message = _item_of(session, result.notice_id, stored_id(provider))
        if item is None:
            problems.append(ImportProblem(f"{path}.notice_id", message))
            continue
        if session.exec(select(NoticeReconciliation.id)
                        .where(NoticeReconciliation.payment_item_id == stored_id(item))).first() is not None:
            already += 1
            continue
        new.append(NoticeReconciliation(payment_item_id=stored_id(item), outcome=result.outcome,
                                        provider_date=result.date, reason=result.reason))
    if problems:
        return _failed(*problems)
    session.add_all(new)
    return ReconciliationResult(recorded=len(new), already=already)


def _item_of(session: Session, notice: str, provider_id: int) -> tuple[PaymentItem | None, str]:
    """The paid document behind a notice id, if it is this provider's and its payment succeeded."""
    number, _, ipd = notice.partition("/")
    if not number.startswith("П-") or not number[2:].isdigit() or not ipd:
        return None, f"неверный номер уведомления «{notice}»: ожидается «П-000042/ИПД»"
    row = session.exec(
        select(PaymentItem, Payment, PersonalAccount)
        .join(Payment, col(Payment.id) == PaymentItem.payment_id)
        .join(PaymentDocument, col(PaymentDocument.id) == PaymentItem.payment_document_id)
        .join(PersonalAccount, col(PersonalAccount.id) == PaymentItem.personal_account_id)
        .where(Payment.id == int(number[2:]))
        .where(PaymentDocument.ipd == ipd)
    ).first()
    if row is None:
        return None, f"уведомление {notice} не найдено"
    item, payment, account = row
    if account.provider_id != provider_id:
        return None, f"уведомление {notice} относится к другому поставщику"
    if payment.status != ps.SUCCEEDED:
        return None, f"платёж {payment.number} не завершён успешно: уведомления по нему не было"
    return item, ""


def _failed(*problems: ImportProblem) -> ReconciliationResult:
    return ReconciliationResult(errors=tuple(problems))
