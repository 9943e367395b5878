"""The receipt letter: Russian text and HTML, the encoded Cyrillic subject, the PDF receipt attached.

Everything comes from the ``PaymentView`` the result page shows, so the letter names the card only as
the brand and the last four digits («МИР •••• 2987»); the header values are checked by the ``email``
package's SMTP policy (a CR or LF in an address or subject raises instead of starting a new header).
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from html import escape

from gkh_web.domain.contacts import ContactError, normalize_email
from gkh_web.services.payments.receipt_pdf import receipt_pdf
from gkh_web.services.payments.views import PaymentView


def subject(view: PaymentView) -> str:
    return f"Квитанция об оплате ЖКУ № {view.number}"


def attachment_name(view: PaymentView) -> str:
    return f"kvitanciya-{view.number}.pdf"


def _text(view: PaymentView) -> str:
    lines = [
        "Здравствуйте!",
        "",
        f"Платёж {view.number} от {view.created_text} (время московское) выполнен.",
        "",
    ]
    for item in view.items:
        lines += [f"Лицевой счёт №\u00a0{item.account_number}, документ №\u00a0{item.document_number} "
                  f"за {item.period_text}: "
                  f"{item.amount_text}", f"  Получатель: {item.recipient_text}"]
    lines += [
        "",
        f"Сумма по документам: {view.amount_text}",
        f"Комиссия: {view.commission_text}",
        f"Итого с комиссией: {view.charged_text}",
    ]
    if view.method_text:
        lines.append(f"Способ оплаты: {view.method_text}")
    lines += [
        "",
        "Квитанция в формате PDF — во вложении.",
        "",
        "Это письмо отправлено автоматически, отвечать на него не нужно.",
        "ГИС ЖКХ — оплата ЖКУ",
    ]
    return "\n".join(lines) + "\n"


def _html(view: PaymentView) -> str:
    rows = "".join(
        f"<tr><td>Лицевой счёт №&nbsp;{escape(item.account_number)}, документ №&nbsp;{escape(item.document_number)} "
        f"за {escape(item.period_text)}<br><small>Получатель: {escape(item.recipient_text)}</small></td>"
        f"<td style=\"text-align:right;white-space:nowrap\">{escape(item.amount_text)}</td></tr>"
        for item in view.items
    )
    method = f"<p>Способ оплаты: {escape(view.method_text)}</p>" if view.method_text else ""
    return (
        "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(subject(view))}</title></head>"
        "<body style=\"font-family:Arial,Helvetica,sans-serif;color:#1d2b3a\">"
        "<p>Здравствуйте!</p>"
        f"<p>Платёж <b>{escape(view.number)}</b> от {escape(view.created_text)} (время московское) выполнен.</p>"
        f"<table style=\"border-collapse:collapse\" cellpadding=\"6\">{rows}</table>"
        f"<p>Сумма по документам: {escape(view.amount_text)}<br>Комиссия: {escape(view.commission_text)}<br>"
        f"<b>Итого с комиссией: {escape(view.charged_text)}</b></p>{method}"
        "<p>Квитанция в формате PDF — во вложении.</p>"
        "<p style=\"color:#667\">Это письмо отправлено автоматически, отвечать на него не нужно.<br>"
        "ГИС ЖКХ — оплата ЖКУ</p></body></html>"
    )


def _sender(mail_from: str) -> Address:
    """«ГИС ЖКХ <no-reply@host>» or a bare address, as an Address (display name encoded as needed)."""
    name, address = parseaddr(mail_from)
    local, _, domain = address.partition("@")
    if not local or not domain:
        raise ValueError("GKH_MAIL_FROM: нужен адрес вида «Имя <адрес@домен>»")
    return Address(display_name=name, username=local, domain=domain)


def receipt_letter(view: PaymentView, *, to_address: str, mail_from: str, message_id: str,
                   date_utc: datetime | None = None) -> EmailMessage:
    """The whole letter. Raises ContactError for an address that is not one address (no header injection)."""
    to = normalize_email(to_address)
    if to != to_address.strip().lower():
        raise ContactError("адрес изменился при проверке")
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject(view)
    message["From"] = str(_sender(mail_from))
    message["To"] = to
    message["Message-ID"] = message_id
    if date_utc is not None:
        message["Date"] = format_datetime(date_utc)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_text(view))
    message.add_alternative(_html(view), subtype="html")
    message.add_attachment(receipt_pdf(view), maintype="application", subtype="pdf", filename=attachment_name(view))
    return message
