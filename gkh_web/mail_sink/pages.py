"""``/demo/outbox``: the letters the embedded SMTP sink received, newest first; a letter opens on its own
page (headers, the text version, the attachments to download, the HTML version in a sandbox).

Server-rendered like the sandbox gateway's pages: no script at all, every value through ``html.escape``.
The HTML version is the sender's markup, so it is served apart with a policy of its own
(``sandbox``: no script, no form, no same origin; only inline styles), never mixed into this page.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from gkh_web.mail_sink import store
from gkh_web.paths import DEMO_OUTBOX
from gkh_web.settings import get_settings

STYLE = """
*{box-sizing:border-box}body{margin:0;font-family:Arial,Helvetica,sans-serif;background:#eef2f6;color:#1d2b3a}
.demo{background:#8a4b00;color:#fff;text-align:center;padding:6px;font-weight:bold}
main{max-width:860px;margin:16px auto;background:#fff;border-radius:12px;padding:20px 24px;box-shadow:0 2px 8px #0002}
h1{font-size:28px;margin:0 0 8px}h2{font-size:22px;margin:20px 0 8px}
p{font-size:18px;line-height:1.4}
ul.letters{list-style:none;margin:0;padding:0}
ul.letters li{border-top:1px solid #c9d2dc;padding:10px 0}
a{color:#0b3fae}a:focus-visible{outline:3px solid #0d4cd3;outline-offset:2px}
a.letter{display:flex;align-items:center;min-height:44px;font-size:20px;font-weight:bold;overflow-wrap:anywhere}
.meta{font-size:16px;color:#3f4d5c;overflow-wrap:anywhere}
dl.head{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;font-size:17px;margin:8px 0}
dl.head dt{color:#3f4d5c}dl.head dd{margin:0;overflow-wrap:anywhere;min-width:0}
pre.text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:16px;background:#f6f8fa;border-radius:8px;padding:12px;
margin:0}
.btn{display:inline-flex;align-items:center;min-height:44px;min-width:44px;padding:8px 16px;border-radius:8px;
background:#0d4cd3;color:#fff;text-decoration:none;font-size:18px;margin:4px 8px 4px 0;overflow-wrap:anywhere}
.btn.secondary{background:#e3e9f2;color:#0b3fae}
@media (max-width:520px){main{margin:0;border-radius:0;padding:16px}dl.head{grid-template-columns:1fr}
dl.head dt{margin-top:6px}}
"""
SIGN_BEFORE_NUMBER = re.compile(r"(№|р/с|к/с|ИНН|БИК|КПП) (?=\w)")
HTML_VERSION_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _shown(text: str) -> str:
    """Escaped for HTML, a sign kept with its number («№ П-000042» never breaks after «№»)."""
    return escape(SIGN_BEFORE_NUMBER.sub("\\1\u00a0", text))


def _directory() -> Path:
    return Path(get_settings().smtp_sink_dir)


def _layout(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{escape(title)}</title><style>{STYLE}</style></head><body>'
            f'<header class="demo">ДЕМО — почтовый ящик-заглушка, письма никуда не уходят</header>'
            f'<main>{body}</main></body></html>')


def _attachment_names(letter: store.Letter) -> str:
    return ", ".join(attachment.filename for attachment in letter.attachments)


def outbox_page(request: Request) -> Response:
    letters = store.letters(_directory())
    if not letters:
        items = '<p id="outbox-empty">Писем пока нет. Они появятся здесь после оплаты.</p>'
    else:
        items = '<ul class="letters" id="outbox-letters">' + "".join(
            f'<li class="outbox-letter"><a class="letter" href="{DEMO_OUTBOX}/{letter.key}">'
            f'{_shown(letter.subject or "(без темы)")}</a>'
            f'<div class="meta">Кому: {escape(letter.to)} · {escape(letter.date_text)}</div>'
            + (f'<div class="meta">Вложение: {escape(_attachment_names(letter))}</div>' if letter.attachments else "")
            + "</li>"
            for letter in letters
        ) + "</ul>"
    body = ('<h1>Исходящие письма</h1><p>Всё, что приложение отправило по SMTP во встроенный ящик '
            '(<code>GKH_SMTP_URL</code> не задан). Новые письма — сверху.</p>' + items)
    return HTMLResponse(_layout("Исходящие письма — демо", body))


def letter_page(request: Request) -> Response:
    key = request.path_params["key"]
    letter = store.read(_directory(), key)
    if letter is None:
        return HTMLResponse(_layout("Письмо не найдено", "<h1>Письмо не найдено</h1>"
                                    f'<a class="btn secondary" href="{DEMO_OUTBOX}">← Все письма</a>'), 404)
    attachments = "".join(
        f'<a class="btn" href="{DEMO_OUTBOX}/{letter.key}/attachment/{attachment.index}" '
        f'download="{escape(attachment.filename, quote=True)}">{escape(attachment.filename)} '
        f'({attachment.size // 1024 + 1} КБ)</a>'
        for attachment in letter.attachments
    )
    html_link = (f'<a class="btn secondary" href="{DEMO_OUTBOX}/{letter.key}/html" id="letter-html">'
                 "HTML-версия письма</a>") if letter.html else ""
    body = (
        f'<a class="btn secondary" href="{DEMO_OUTBOX}">← Все письма</a>'
        f'<h1 id="letter-subject">{_shown(letter.subject or "(без темы)")}</h1>'
        '<dl class="head">'
        f'<dt>От</dt><dd>{escape(letter.sender)}</dd>'
        f'<dt>Кому</dt><dd id="letter-to">{escape(letter.to)}</dd>'
        f'<dt>Дата</dt><dd>{escape(letter.date_text)}</dd>'
        f'<dt>Message-ID</dt><dd id="letter-message-id">{escape(letter.message_id)}</dd></dl>'
        f'<h2>Текст письма</h2><pre class="text" id="letter-text">{_shown(letter.text)}</pre>'
        + (f'<h2>Вложения</h2><div id="letter-attachments">{attachments}</div>' if attachments else "")
        + (f"<h2>Другие версии</h2>{html_link}" if html_link else "")
    )
    return HTMLResponse(_layout(f"{letter.subject} — демо", body))


def letter_html(request: Request) -> Response:
    letter = store.read(_directory(), request.path_params["key"])
    if letter is None or not letter.html:
        return Response("Не найдено", status_code=404, media_type="text/plain; charset=utf-8")
    return HTMLResponse(letter.html, headers={"content-security-policy": HTML_VERSION_POLICY})


def letter_attachment(request: Request) -> Response:
    found = store.attachment(_directory(), request.path_params["key"], request.path_params["index"])
    if found is None:
        return Response("Не найдено", status_code=404, media_type="text/plain; charset=utf-8")
    filename, content_type, data = found
    fallback = "".join(ch for ch in filename if ch.isascii() and (ch.isalnum() or ch in ".-_")) or "attachment"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    safe_type = content_type if content_type == "application/pdf" else "application/octet-stream"  # never HTML here
    return Response(data, media_type=safe_type, headers={"content-disposition": disposition})


def outbox_routes() -> list[Route]:
    return [
        Route(DEMO_OUTBOX, outbox_page),
        Route(DEMO_OUTBOX + "/{key}", letter_page),
        Route(DEMO_OUTBOX + "/{key}/html", letter_html),
        Route(DEMO_OUTBOX + "/{key}/attachment/{index:int}", letter_attachment),
    ]
