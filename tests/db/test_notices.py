"""Payment notices out, reconciliation in (issue 13 §4): «оплачено» and «учтено» are two facts.

A succeeded payment credits its documents at once, and each becomes «Оплачен, ожидает учёта
поставщиком». ``gkh export notices`` hands the provider every unanswered notice, the same file for the
same range; ``gkh import reconciliation`` records its answers, all or nothing, a repeat changing nothing.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, select

from gkh_web.cli import main
from gkh_web.db.engine import get_engine, session_scope
from gkh_web.db.models import (
    NoticeReconciliation,
    Payment,
    PaymentDocument,
    PaymentItem,
    PersonalAccount,
    ProviderOrganisation,
)
from gkh_web.services import payments as pay
from gkh_web.services.payments import notices
from gkh_web.services.payments.page import EMPTY_ALL_PAID, EMPTY_AWAITING_ACCOUNTING, payment_page_for_resident
from gkh_web.services.payments.views import payments_of_resident
from tests.db.test_payments import RETURN_URL, T0, new_payment, notify, resident
from tests.fake_gateway import FakeGateway, http_gateway

PROVIDER_DATE = date(2026, 12, 3)


@pytest.fixture
def factory(demo_db):
    return lambda: session_scope(demo_db)


@pytest.fixture
def session(demo_db):
    with Session(get_engine(demo_db), expire_on_commit=False) as session:
        yield session


async def _paid(session: Session, factory, count: int) -> Payment:
    fake = FakeGateway()
    record = new_payment(session, resident(session, "ivanov"), count, method="card")
    await pay.start_payment(record.id, http_gateway(fake), RETURN_URL, session_factory=factory, now=T0)
    gateway_id = fake.only_payment()["id"]
    fake.pay(gateway_id)
    assert await notify(fake, gateway_id, factory) == "applied"
    session.expire_all()
    return session.get(Payment, record.id)


def _provider_inn(session: Session, item: PaymentItem) -> str:
    account = session.get(PersonalAccount, item.personal_account_id)
    return session.get(ProviderOrganisation, account.provider_id).inn


def _items(session: Session, payment: Payment) -> list[PaymentItem]:
    return list(session.exec(select(PaymentItem).where(PaymentItem.payment_id == payment.id)))


def _statuses(session: Session) -> dict[str, str]:
    page = payment_page_for_resident(session, resident(session, "ivanov"))
    return {document.ipd: document.status_text for account in page.accounts for document in account.documents}


def _answer(inn: str, *results: dict) -> bytes:
    return json.dumps({"format": "gkh.reconciliation", "version": 1, "provider_inn": inn,
                       "results": list(results)}, ensure_ascii=False).encode()


def _accounted(notice: str, day: date = PROVIDER_DATE) -> dict:
    return {"notice_id": notice, "outcome": "accounted", "date": day.isoformat()}


async def test_paid_awaits_accounting_until_the_provider_confirms_it(session, factory):
    payment = await _paid(session, factory, 1)
    [item] = _items(session, payment)
    document = session.get(PaymentDocument, item.payment_document_id)
    inn = _provider_inn(session, item)
    assert _statuses(session)[document.ipd] == "Оплачен, ожидает учёта поставщиком"

    exported = notices.export_notices(session, inn)
    [notice] = exported["notices"]
    assert notice["notice_id"] == f"{payment.number}/{document.ipd}"
    assert (notice["ipd"], notice["payment_number"], notice["method"]) == (document.ipd, payment.number, "card")
    assert notice["amount"] == f"{item.amount_kopecks // 100}.{item.amount_kopecks % 100:02d}"
    assert notices.notices_json(exported) == notices.notices_json(notices.export_notices(session, inn))  # repeatable

    result = notices.import_reconciliation(session, _answer(inn, _accounted(notice["notice_id"])))
    assert (result.ok, result.recorded, result.already) == (True, 1, 0)
    session.commit()
    assert _statuses(session)[document.ipd] == "Учтено организацией 3 декабря 2026 г."
    assert notices.export_notices(session, inn)["notices"] == []  # answered: not exported again
    again = notices.import_reconciliation(session, _answer(inn, _accounted(notice["notice_id"], date(2026, 12, 9))))
    assert (again.ok, again.recorded, again.already) == (True, 0, 1)  # a second answer is a no-op
    session.commit()
    [answer] = session.exec(select(NoticeReconciliation)).all()
    assert answer.provider_date == PROVIDER_DATE
    [view] = payments_of_resident(session, resident(session, "ivanov"))
    assert [line.accounting_text for line in view.items] == ["Учтено организацией 3 декабря 2026 г."]


async def test_a_rejected_notice_shows_why_and_keeps_the_money_visible(session, factory):
    payment = await _paid(session, factory, 1)
    [item] = _items(session, payment)
    document = session.get(PaymentDocument, item.payment_document_id)
    inn = _provider_inn(session, item)
    notice = f"{payment.number}/{document.ipd}"
    missing_reason = notices.import_reconciliation(
        session, _answer(inn, {"notice_id": notice, "outcome": "rejected", "date": "2026-12-03"}))
    assert [str(problem) for problem in missing_reason.errors] == ["results[0].reason: для «rejected» нужна причина"]
    result = notices.import_reconciliation(session, _answer(inn, {
        "notice_id": notice, "outcome": "rejected", "date": "2026-12-03", "reason": "лицевой счёт закрыт"}))
    assert result.ok
    session.commit()
    assert _statuses(session)[document.ipd] == "Не квитирован поставщиком: лицевой счёт закрыт"
    [view] = payments_of_resident(session, resident(session, "ivanov"))
    assert view.items[0].accounting_text == "Не квитирован поставщиком: лицевой счёт закрыт"
    assert view.amount_kopecks == payment.amount_kopecks  # the money stays on record for support


async def test_a_file_with_one_bad_line_records_nothing_and_names_the_line(session, factory):
    payment = await _paid(session, factory, 3)
    items = _items(session, payment)
    by_provider: dict[str, list[str]] = {}
    for item in items:
        ipd = session.get(PaymentDocument, item.payment_document_id).ipd
        by_provider.setdefault(_provider_inn(session, item), []).append(f"{payment.number}/{ipd}")
    inn, own = next(iter(by_provider.items()))
    others = [notice for other_inn, found in by_provider.items() if other_inn != inn for notice in found]
    lines = [_accounted(own[0]), _accounted(f"{payment.number}/77ЯЯ000000-01-1126"), _accounted("42")]
    if others:
        lines.append(_accounted(others[0]))
    result = notices.import_reconciliation(session, _answer(inn, *lines))
    messages = [str(problem) for problem in result.errors]
    assert messages[:2] == [f"results[1].notice_id: уведомление {payment.number}/77ЯЯ000000-01-1126 не найдено",
                            "results[2].notice_id: неверный номер уведомления «42»: ожидается «П-000042/ИПД»"]
    if others:
        assert messages[2] == f"results[3].notice_id: уведомление {others[0]} относится к другому поставщику"
    assert result.recorded == 0
    session.commit()
    assert session.exec(select(NoticeReconciliation)).all() == []


def test_broken_and_hostile_files_are_refused_whole(session):
    cases = {
        b"{": "Файл не является JSON",
        b"\xff\xfe": "Файл не в кодировке UTF-8",
        json.dumps({"format": "gkh.reconciliation", "version": 2, "provider_inn": "7718012340",
                    "results": []}).encode(): "version",
        _answer("7718012340", {"notice_id": "П-000001/x", "outcome": "maybe", "date": "2026-12-03"}): "outcome",
        _answer("7718012340", {"notice_id": "П-000001/x\u202e", "outcome": "accounted",
                               "date": "2026-12-03"}): "невидимый",
        _answer("7718012340", {"notice_id": "П-000001/x", "outcome": "accounted", "date": "2026-02-30"}): "календаре",
        b"x" * (11 * 1024 * 1024): "Файл слишком большой",
    }
    for raw, expected in cases.items():
        result = notices.import_reconciliation(session, raw)
        assert not result.ok and expected in " ".join(str(problem) for problem in result.errors), (raw[:80], result)
    unknown = notices.import_reconciliation(session, _answer("7700000000", _accounted("П-000001/x")))
    assert [str(problem) for problem in unknown.errors] == ["provider_inn: поставщик с ИНН 7700000000 не найден"]


async def test_all_paid_but_not_yet_accounted_is_not_the_seeds_first_reason(session, factory):
    payment = await _paid(session, factory, 100)  # every payable document of Иванов
    page = payment_page_for_resident(session, resident(session, "ivanov"))
    assert (page.accounts, page.empty_reason) == ([], EMPTY_AWAITING_ACCOUNTING)
    for item in _items(session, payment):
        ipd = session.get(PaymentDocument, item.payment_document_id).ipd
        result = notices.import_reconciliation(
            session, _answer(_provider_inn(session, item), _accounted(f"{payment.number}/{ipd}")))
        assert result.ok, result.errors
    session.commit()
    assert payment_page_for_resident(session, resident(session, "ivanov")).empty_reason == EMPTY_ALL_PAID


async def test_the_commands_export_the_same_file_and_import_the_answers(session, factory, tmp_path, capsys):
    payment = await _paid(session, factory, 1)
    [item] = _items(session, payment)
    inn = _provider_inn(session, item)
    first, second, answers = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "answers.json"
    assert main(["export", "notices", "--provider", inn, "--since", "2026-11-01", "--until", "2026-12-31",
                 str(first)]) == 0
    assert main(["export", "notices", "--provider", inn, "--since", "2026-11-01", "--until", "2026-12-31",
                 str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert exported["format"] == "gkh.payment-notices" and len(exported["notices"]) == 1
    assert main(["export", "notices", "--provider", inn, "--until", "2026-11-01", str(second)]) == 0
    assert json.loads(second.read_text(encoding="utf-8"))["notices"] == []  # paid later than that range
    answers.write_bytes(_answer(inn, _accounted(exported["notices"][0]["notice_id"])))
    assert main(["import", "reconciliation", str(answers)]) == 0
    assert "Записано ответов: 1" in capsys.readouterr().out
    assert main(["import", "reconciliation", str(answers)]) == 0
    assert "уже были записаны раньше: 1" in capsys.readouterr().out
    assert main(["import", "something", str(answers)]) == 2
