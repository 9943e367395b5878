"""The rules of receipts by e-mail (``domain.receipt_mail``), ``GKH_SMTP_URL`` and the embedded sink:
a real aiosmtpd server on loopback, a real aiosmtplib client, ``/demo/outbox`` rendering what came."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import httpx
import pytest
from starlette.applications import Starlette

from gkh_web.domain import receipt_mail as rm
from gkh_web.mail_sink import store
from gkh_web.mail_sink.pages import outbox_routes
from gkh_web.services.mail import smtp
from gkh_web.settings import get_settings
from tests.mail_server import MailServer, free_port


def test_the_retry_schedule_grows_and_ends():
    delays = [rm.retry_delay(n) for n in range(1, rm.MAX_ATTEMPTS + 1)]
    assert delays[0] == timedelta(seconds=30) and delays[-1] is None
    known = [delay for delay in delays if delay is not None]
    assert known == sorted(known) and sum(known, timedelta()) > timedelta(days=1)


def test_the_message_id_is_ascii_unique_per_payment_and_stable():
    first = rm.message_id(42, "ab" * 16, "gkh.example")
    assert first == f"<receipt-000042-{'ab' * 16}@gkh.example>" == rm.message_id(42, "ab" * 16, "gkh.example")
    assert first.isascii() and rm.message_id(42, "cd" * 16, "gkh.example") != first
    assert rm.message_id(1, "x\r\nBcc: y", "evil\r\n.example").isascii()
    assert "\n" not in rm.message_id(1, "x\r\nBcc: y", "evil\r\n.example")


@pytest.mark.parametrize("status, failed_before, text", [
    ("pending", False, "Квитанция будет отправлена на a@b.ru"),
    ("pending", True, "Не удалось отправить квитанцию — повторим"),
    ("sending", True, "Не удалось отправить квитанцию — повторим"),
    ("sent", True, "Квитанция отправлена на a@b.ru"),
    ("failed", True, "Квитанцию не удалось отправить на a@b.ru: почтовый сервер отказался её принять"),
    (None, False, ""),
])
def test_what_the_resident_reads_about_the_letter(status, failed_before, text):
    assert rm.letter_state_text(status, "a@b.ru", failed_before=failed_before) == text


@pytest.mark.parametrize("status, text", [
    ("sent", "Квитанция отправлена"),
    ("failed", "Квитанцию не удалось отправить: почтовый сервер отказался её принять"),
])
def test_a_letter_whose_address_retention_dropped_says_what_happened_without_to_whom(status, text):
    assert rm.letter_state_text(status, None) == text


@pytest.mark.parametrize("url, target", [
    ("smtp://127.0.0.1:2525", smtp.SmtpTarget("127.0.0.1", 2525, False)),
    ("smtps://robot:p%40ss@smtp.example.ru", smtp.SmtpTarget("smtp.example.ru", 465, True, "robot", "p@ss")),
    ("smtp://mail.example.ru", smtp.SmtpTarget("mail.example.ru", 25, False)),
])
def test_smtp_urls(url, target):
    assert smtp.parse_smtp_url(url) == target


@pytest.mark.parametrize("url", ["http://user:hunter2@mail.example.ru", "smtp://", "smtps://user@host",
                                 "smtp://user:hunter2@h:x", "smtps://user:hunter2@h/path", "mail.example.ru:25"])
def test_bad_smtp_urls_are_refused_without_the_password(url):
    with pytest.raises(smtp.SmtpUrlError) as refused:
        smtp.parse_smtp_url(url)
    assert "hunter2" not in str(refused.value) and "GKH_SMTP_URL" in str(refused.value)


def test_the_password_never_shows():
    assert smtp.redacted("smtps://robot:hunter2@smtp.example.ru:465") == "smtps://***@smtp.example.ru:465"
    assert smtp.redacted("smtp://127.0.0.1:2525") == "smtp://127.0.0.1:2525"
    settings_repr = repr(get_settings().__class__(**{**get_settings().__dict__,
                                                     "smtp_url": "smtps://robot:hunter2@h:465"}))
    assert "hunter2" not in settings_repr


def _letter(message_id: str, subject: str = "Квитанция об оплате ЖКУ № П-000001") -> EmailMessage:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, "no-reply@gkh.example", "a@b.ru"
    message["Message-ID"], message["Date"] = message_id, "Wed, 25 Nov 2026 15:05:00 +0000"
    message.set_content("Текст квитанции\n")
    message.add_alternative("<p>Текст <b>квитанции</b></p><script>alert(1)</script>", subtype="html")
    message.add_attachment(b"%PDF-1.4 test", maintype="application", subtype="pdf", filename="kvitanciya-П-000001.pdf")
    return message


async def test_the_sink_keeps_each_message_id_once_and_the_outbox_shows_it(tmp_path, monkeypatch):
    port = free_port()
    async with MailServer(tmp_path, port) as server:
        target = smtp.parse_smtp_url(f"smtp://127.0.0.1:{port}")
        for _ in range(2):
            result = await smtp.send(target, _letter("<receipt-1@gkh.example>"), timeout=5, require_tls=False)
            assert result.outcome == "sent" and result.code == 250
        await smtp.send(target, _letter("<receipt-2@gkh.example>", "Второе письмо"), timeout=5, require_tls=False)
    assert len(server.handler.deliveries) == 3
    kept = store.letters(tmp_path)
    assert sorted(letter.subject for letter in kept) == ["Второе письмо", "Квитанция об оплате ЖКУ № П-000001"]

    app = Starlette(routes=outbox_routes())
    monkeypatch.setenv("GKH_SMTP_SINK_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            listing = (await client.get("/demo/outbox")).text
            assert "Квитанция об оплате ЖКУ №\u00a0П-000001" in listing and "kvitanciya-П-000001.pdf" in listing
            key = store.letter_key("<receipt-1@gkh.example>")
            letter = (await client.get(f"/demo/outbox/{key}")).text
            assert "Текст квитанции" in letter and "a@b.ru" in letter and "25 ноября 2026 г., 18:05" in letter
            html = await client.get(f"/demo/outbox/{key}/html")
            assert html.headers["content-security-policy"].startswith("sandbox")
            pdf = await client.get(f"/demo/outbox/{key}/attachment/0")
            assert pdf.content == b"%PDF-1.4 test" and "attachment" in pdf.headers["content-disposition"]
            assert (await client.get("/demo/outbox/../../etc/passwd")).status_code == 404
            assert (await client.get("/demo/outbox/" + "f" * 32)).status_code == 404
    finally:
        get_settings.cache_clear()


async def test_an_unreachable_server_is_temporary(tmp_path):
    target = smtp.parse_smtp_url(f"smtp://127.0.0.1:{free_port()}")
    result = await smtp.send(target, _letter("<x@gkh.example>"), timeout=5, require_tls=False)
    assert result.outcome == "temporary"
