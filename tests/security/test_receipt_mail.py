"""Attacks on the receipt letter and the demo outbox: a header smuggled in through the e-mail address, the
demo outbox in production, the SMTP password in a message, a card number in a letter."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import Session, func, select

from gkh_web.api import build_api
from gkh_web.db.engine import get_engine
from gkh_web.db.models import Payment, Resident
from gkh_web.domain.contacts import ContactError
from gkh_web.services import config_check
from gkh_web.services import payments as pay
from gkh_web.services.data.demo_data import DEMO_UNLINKED_ACCOUNTS
from gkh_web.services.mail.letter import receipt_letter
from gkh_web.services.mail.smtp import redacted
from gkh_web.services.payments import PaymentItemView, PaymentView
from gkh_web.settings import get_settings
from gkh_web.state import pay as pay_state
from gkh_web.state.pay import PayPageState
from tests.db.test_receipt_mail import _resident
from tests.fake_gateway import FakeGateway, http_gateway
from tests.security.tabs import other_account_pay_page
from tests.security.test_production_mode import SAFE_PRODUCTION, _settings

INJECTIONS = [
    "ivanov@example.com\r\nBcc: thief@evil.example",
    "ivanov@example.com\nBcc: thief@evil.example",
    "ivanov@example.com, thief@evil.example",
    "ivanov@example.com>\r\nSubject: другое",
    "Иванов <ivanov@example.com>",
    "ivanov@example.com\x00thief@evil.example",
]


def _view() -> PaymentView:
    return PaymentView(
        number="П-000042", public_id="0" * 32, created_text="25 ноября 2026 г., 18:05", amount_kopecks=100_00,
        amount_text="100,00 ₽", status="succeeded", status_text="Оплачено", in_progress=False,
        card_text="МИР •••• 2987", method_text="банковская карта МИР •••• 2987",
        items=[PaymentItemView("ПД-1", "октябрь 2026", "1001027", "100,00 ₽",
                               "ООО «УК «Рассвет», ИНН 7718012340, р/с 40702810938000012345 в ПАО Сбербанк, "
                               "БИК 044525225")],
        commission_text="1,00 ₽", charged_text="101,00 ₽",
    )


@pytest.mark.parametrize("address", INJECTIONS)
def test_an_address_carrying_a_header_never_becomes_a_letter(address):
    with pytest.raises((ContactError, ValueError)):
        receipt_letter(_view(), to_address=address, mail_from="ГИС ЖКХ <no-reply@gkh.example>",
                       message_id="<receipt-000042-0@gkh.example>")


@pytest.mark.parametrize("address", INJECTIONS)
def test_an_address_carrying_a_header_creates_no_payment(demo_db, address):
    with Session(get_engine(), expire_on_commit=False) as session:
        before = session.exec(select(func.count()).select_from(Payment)).one()
        resident_id = _resident(session)
        page = pay.page.payment_page_for_resident(session, resident_id)
        document = next(d for account in page.accounts for d in account.documents if d.selectable)
        with pytest.raises(ContactError):
            pay.create_payment(session, resident_id=resident_id, choices=[(document.document_id, document.amount_text)],
                               receipt_email=address, gateway_name="sandbox", method="card")
        session.rollback()
        assert session.exec(select(func.count()).select_from(Payment)).one() == before


def test_the_letter_names_the_card_by_brand_and_last_four_only():
    letter = receipt_letter(_view(), to_address="ivanov@example.com", mail_from="ГИС ЖКХ <no-reply@gkh.example>",
                            message_id="<receipt-000042-0@gkh.example>")
    text = letter.get_body(preferencelist=("plain",)).get_content()
    assert "МИР •••• 2987" in text
    assert not re.search(r"(?<!\d)(?:\d{4}[ -]){3}\d{4}(?!\d)|(?<!\d)\d{16}(?!\d)", letter.as_string())


async def _status(app, path: str) -> int:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://gkh.example.ru") as client:
        return (await client.get(path)).status_code


async def test_the_demo_outbox_is_not_even_mounted_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("GKH_SMTP_SINK_DIR", str(tmp_path))
    _settings(monkeypatch, **SAFE_PRODUCTION)
    assert not get_settings().smtp_sink_serving
    production = build_api()
    assert await _status(production, "/demo/outbox") == 404
    assert await _status(production, "/demo/outbox/" + "0" * 32) == 404
    _settings(monkeypatch)
    assert await _status(build_api(), "/demo/outbox") == 200


def test_in_production_a_missing_smtp_url_means_no_e_mail_and_no_sink(monkeypatch):
    settings = _settings(monkeypatch, **SAFE_PRODUCTION)
    assert settings.smtp_url is None and not settings.mail_enabled and not settings.smtp_sink_serving
    assert config_check.config_problems(settings) == []


def test_production_refuses_the_demo_sender_and_never_prints_the_smtp_password(monkeypatch):
    secret = "s3cr3t-Pa55"
    settings = _settings(monkeypatch, **SAFE_PRODUCTION, GKH_SMTP_URL=f"smtps://robot:{secret}@smtp.example.ru:465")
    problems = config_check.config_problems(settings)
    assert len(problems) == 1 and "GKH_MAIL_FROM" in problems[0]
    assert secret not in repr(settings)
    fixed = _settings(monkeypatch, **SAFE_PRODUCTION, GKH_SMTP_URL=f"smtps://robot:{secret}@smtp.example.ru:465",
                      GKH_MAIL_FROM="ГИС ЖКХ <no-reply@gkh.example.ru>")
    assert config_check.config_problems(fixed) == []
    broken = _settings(monkeypatch, **SAFE_PRODUCTION, GKH_SMTP_URL=f"http://robot:{secret}@smtp.example.ru/x",
                       GKH_MAIL_FROM="ГИС ЖКХ <no-reply@gkh.example.ru>")
    (problem,) = config_check.config_problems(broken)
    assert "GKH_SMTP_URL" in problem and secret not in problem
    assert secret not in redacted(f"smtps://robot:{secret}@smtp.example.ru:465")


# --- From the tab: the address typed on the confirmation ----------------------------------------------------


async def _confirmation(izhku: str) -> PayPageState:
    page = await other_account_pay_page(izhku)
    await page.proceed()
    assert page.step == "confirm" and page.mail_enabled and page.receipt_email == "sidorov@example.com"
    return page


@pytest.mark.parametrize("address", INJECTIONS)
async def test_an_injected_address_is_refused_at_the_field_and_nothing_moves_on(demo_db, address):
    page = await _confirmation(DEMO_UNLINKED_ACCOUNTS[0].izhku)
    await page.submit_confirmation({"receipt_email": address})
    assert page.step == "confirm" and page.receipt_email_error.startswith(("Проверьте", "В адресе"))
    assert page.receipt_email == "sidorov@example.com"  # the last good address stays, the bad one is nowhere
    page.check_receipt_email(address)
    assert page.receipt_email_error and page.receipt_email == "sidorov@example.com"


async def test_a_changed_address_is_the_payment_s_and_the_profile_keeps_its_own(demo_db, monkeypatch):
    monkeypatch.setattr(pay_state, "current_gateway", lambda: http_gateway(FakeGateway()))  # the method page's rates
    page = await _confirmation(DEMO_UNLINKED_ACCOUNTS[0].izhku)
    await page.submit_confirmation({"receipt_email": "  Other.Box@Example.RU "})
    assert page.step == "method" and page.receipt_email == "other.box@example.ru" and page.receipt_email_error == ""
    await page.pay_with("card")
    with Session(get_engine()) as session:
        payment = session.exec(select(Payment)).one()
        assert payment.receipt_email == "other.box@example.ru"
        resident = session.get(Resident, payment.resident_id)
        assert resident is not None and resident.email == "sidorov@example.com"
