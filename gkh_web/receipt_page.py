"""``GET /receipt/<token>`` and ``/receipt/<token>/pdf`` — the receipt on the resident's phone.

The kiosk's result page shows a QR code holding this address (``services.payments.receipt_link``).
The page is plain server-rendered HTML: it opens on any phone without signing in, without the app's
websocket and without a single script; it shows the one receipt the signed token names, read-only, and
a link to the same receipt as a PDF. A token that is altered, forged, cut short or too old opens nothing:
the page says so in Russian (404 for a bad link, 410 for an expired one), naming no payment.
Every value is escaped; the answer carries the app's security headers and ``Cache-Control: no-store``
(``api.security_headers``), and ``Referrer-Policy: no-referrer`` keeps the token out of other sites' logs.
"""

from __future__ import annotations

import asyncio
from html import escape
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from gkh_web import paths
from gkh_web.db.threads import in_transaction
from gkh_web.domain.receipt_link import EXPIRED, ReceiptLinkError
from gkh_web.services.payments import PaymentItemView
from gkh_web.services.payments.receipt_link import LinkedReceipt, check_receipt_token, receipt_for, refusal_text
from gkh_web.services.payments.receipt_pdf import receipt_pdf

HEADER_BLUE = "#0D4CD3"
STYLE = f"""
*{{box-sizing:border-box}}
body{{margin:0;font-family:Arial,Helvetica,sans-serif;background:#F5F7FA;color:#1d2b3a;font-size:18px;line-height:1.45}}
header{{background:{HEADER_BLUE};color:#fff;padding:12px 20px;font-weight:bold;font-size:20px}}
main{{max-width:720px;margin:0 auto;padding:20px 16px 32px}}
h1{{font-size:28px;margin:0 0 12px}}
.card{{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 4px #0002;margin:0 0 16px}}
.card>p{{margin:0 0 8px}}
.item{{border-top:1px solid #d5dbe3;padding:10px 0}}
.item:first-of-type{{border-top:0}}
.row{{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 12px}}
.row b{{white-space:nowrap;margin-left:auto}}
.small{{font-size:15px;color:#3d4b5a}}
.total{{font-size:24px}}
.error{{background:#fdecea;color:#8c1d18;border-radius:12px;padding:16px 20px;font-size:20px}}
a.button{{display:inline-flex;align-items:center;justify-content:center;min-height:48px;min-width:44px;
padding:10px 20px;border-radius:8px;background:{HEADER_BLUE};color:#fff;text-decoration:none;font-size:20px}}
a.button:focus-visible{{outline:3px solid #1d2b3a;outline-offset:2px}}
@media print{{header,a.button{{display:none}}body,.card{{background:#fff;box-shadow:none}}}}
"""


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(title)} — ГИС ЖКХ</title>'
        f"<style>{STYLE}</style></head><body><header>ГИС ЖКХ</header><main>{body}</main></body></html>",
        status_code=status_code,
    )


def _item(item: PaymentItemView) -> str:
    return (f'<div class="item receipt-item"><div class="row"><span>Лицевой счёт\u00a0№\u00a0'
            f"{escape(item.account_number)} · документ\u00a0№\u00a0{escape(item.document_number)} "
            f"за {escape(item.period_text)}</span><b>{escape(item.amount_text)}</b></div>"
            f'<div class="small">Получатель: {escape(item.recipient_text)}</div></div>')


def _figure(label: str, value: str, value_id: str, css: str = "") -> str:
    return (f'<div class="row {css}"><span>{escape(label)}</span>'
            f'<b id="{value_id}">{escape(value)}</b></div>')


def _receipt(found: LinkedReceipt) -> HTMLResponse:
    view, link = found.view, found.link
    method = (f'<p id="receipt-method">Способ оплаты: {escape(view.method_text)}</p>' if view.method_text else "")
    body = (
        '<h1 id="receipt-title">Квитанция об оплате ЖКУ</h1>'
        '<div class="card">'
        f'<p>Оплата выполнена. Платёж <b id="receipt-number">{escape(view.number)}</b> '
        f"от {escape(view.created_text)} (время московское)</p>"
        + "".join(_item(item) for item in view.items)
        + method
        + _figure("Сумма по документам", view.amount_text, "receipt-amount")
        + _figure("Комиссия", view.commission_text, "receipt-commission")
        + _figure("Итого с комиссией", view.charged_text, "receipt-total", "total")
        + "</div>"
        f'<p><a class="button" id="receipt-pdf" href="{escape(link.pdf_url, quote=True)}" download>'
        "Скачать квитанцию (PDF)</a></p>"
        f'<p class="small" id="receipt-link-until">Ссылка действует до {escape(link.until_text)} '
        "(время московское). Потом квитанция останется в личном кабинете, в разделе «Мои платежи».</p>"
    )
    return _page("Квитанция об оплате ЖКУ", body)


def _refusal(error: ReceiptLinkError) -> HTMLResponse:
    body = ('<h1 id="receipt-title">Квитанция недоступна</h1>'
            f'<p class="error" id="receipt-refused" role="alert">{escape(refusal_text(error))}</p>')
    return _page("Квитанция недоступна", body, 410 if error.reason == EXPIRED else 404)


async def _found(request: Request) -> LinkedReceipt:
    """The receipt the address names: the token is checked first, and only a good one costs a database trip."""
    found = check_receipt_token(request.path_params["token"])
    return await in_transaction(lambda session: receipt_for(session, found))


async def receipt_page(request: Request) -> Response:
    try:
        return _receipt(await _found(request))
    except ReceiptLinkError as error:
        return _refusal(error)


async def receipt_pdf_file(request: Request) -> Response:
    try:
        found = await _found(request)
    except ReceiptLinkError as error:
        return _refusal(error)
    pdf = await asyncio.to_thread(receipt_pdf, found.view)
    return Response(pdf, media_type="application/pdf", headers={
        # The number is Cyrillic («П-000042»): a plain ASCII name, and the real one for browsers that read RFC 6266.
        "content-disposition": "attachment; filename=\"kvitanciya.pdf\"; "
                               f"filename*=UTF-8''{quote(f'квитанция-{found.view.number}.pdf')}"})


def receipt_routes() -> list[Route]:
    return [
        Route(f"{paths.RECEIPT}/{{token}}", receipt_page, methods=["GET"]),
        Route(f"{paths.RECEIPT}/{{token}}/pdf", receipt_pdf_file, methods=["GET"]),
    ]
