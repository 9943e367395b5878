"""Server-rendered HTML of the hosted payment page (Russian, 1024×768 touch kiosk).

No external assets: one inline stylesheet, two lines of JS against a double tap
on «Оплатить» and the kiosk's idle guard. Nothing about a card is checked in the
browser: the server reads and checks every field on submit. Every value from the outside goes through ``html.escape``.

Both scripts are constant text (the guard reads its times and address from data
attributes), so the Content-Security-Policy can allow exactly them by their sha256
(``INLINE_SCRIPTS``, used by ``gkh_web.api``) instead of any inline script.
"""

from __future__ import annotations

from html import escape

from gkh_web.sandbox_gateway.amounts import format_rubles_ru
from gkh_web.sandbox_gateway.config import PAGE_PREFIX
from gkh_web.settings import get_settings

SESSION_END_PATH = "/session/end"
"""The app's page that ends the kiosk session and wipes the tab (``gkh_web/gkh_web.py``)."""

STYLE = """
*{box-sizing:border-box}body{margin:0;font-family:Arial,Helvetica,sans-serif;background:#eef2f6;color:#1d2b3a}
.test{background:#c62828;color:#fff;text-align:center;padding:6px;font-weight:bold;letter-spacing:.05em}
main{max-width:720px;margin:24px auto;background:#fff;border-radius:12px;padding:28px 36px;box-shadow:0 2px 8px #0002}
h1{font-size:28px;margin:0 0 8px}.sum{font-size:32px;font-weight:bold;margin:8px 0 20px}
.desc{color:#556;margin-bottom:12px}label{display:block;font-size:20px;margin:14px 0 6px}
input{width:100%;font-size:26px;padding:14px 16px;border:2px solid #9aa8b8;border-radius:8px}
input:focus{outline:3px solid #0d4cd3;outline-offset:2px;border-color:#0d4cd3}
button:focus-visible,a:focus-visible{outline:3px solid #0d4cd3;outline-offset:2px}
.row{display:flex;gap:16px}.row>div{flex:1}
button,.btn{display:block;width:100%;font-size:24px;padding:18px;margin-top:22px;border:0;border-radius:8px;
background:#0d4cd3;color:#fff;text-align:center;text-decoration:none;cursor:pointer}
.btn.secondary,button.secondary{background:#e3e9f2;color:#0d4cd3}
.error{background:#fdecea;color:#b3261e;padding:12px 16px;border-radius:8px;font-size:20px;margin:12px 0}
.info{background:#e8f1fd;padding:12px 16px;border-radius:8px;font-size:20px;margin:12px 0}
.hint{font-size:16px;color:#667;margin-top:4px}
.lines{font-size:20px;margin:8px 0 0}.lines div{display:flex;justify-content:space-between;gap:16px}
.lines dt,.lines dd{margin:0}
[hidden]{display:none!important}button,.btn{min-width:44px;min-height:44px}
.idle{position:fixed;inset:0;background:#1d2b3acc;display:flex;align-items:center;justify-content:center;z-index:10}
.idle>div{background:#fff;border-radius:12px;padding:28px 36px;max-width:520px;margin:16px}
.idle h2{font-size:30px;margin:0 0 12px}.idle p{font-size:22px;margin:0}.idle .row button{flex:1}
"""

FORM_JS = """
(function(){document.querySelectorAll('form').forEach(function(f){f.addEventListener('submit',function(){
f.querySelectorAll('button').forEach(function(x){x.disabled=true;});});});})();
"""
"""A second tap on «Оплатить» while the page is being sent does nothing (the single-use page token
refuses it on the server anyway). No card logic here: brand, Luhn, expiry and CVC are the server's
(``domain.cards`` on submit), so nothing about a card is decided in the browser."""

IDLE_JS = """
(function(){var g=document.getElementById('idle-guard');if(!g||window.__gkhIdleGuard)return;window.__gkhIdleGuard=true;
var left=document.getElementById('idle-countdown'),here=document.getElementById('idle-here'),
out=document.getElementById('idle-out'),last=Date.now(),askedAt=0,leaving=false;
function cfg(){var o=window.gkhKioskConfig||{};return{idle:Number(o.idleSeconds||g.dataset.idle),
countdown:Number(o.countdownSeconds||g.dataset.countdown)};}
function leave(){if(leaving)return;leaving=true;window.location.replace(g.dataset.endUrl);}
function active(){if(!askedAt)last=Date.now();}
['pointerdown','keydown','touchstart','wheel'].forEach(function(n){
window.addEventListener(n,active,{capture:true,passive:true});});
here.addEventListener('click',function(){askedAt=0;last=Date.now();g.hidden=true;});
out.addEventListener('click',leave);
setInterval(function(){var c=cfg(),now=Date.now();
if(!askedAt&&now-last>=c.idle*1000){askedAt=now;left.textContent=String(c.countdown);g.hidden=false;here.focus();}
if(askedAt){var n=Math.max(0,c.countdown-Math.floor((now-askedAt)/1000));left.textContent=String(n);
if(n<=0)leave();}},250);})();
"""

INLINE_SCRIPTS = (FORM_JS, IDLE_JS)
"""Every inline script these pages carry, byte for byte (their hashes go into the CSP)."""


def idle_guard() -> str:
    """«Вы ещё здесь?» for a resident who walked away from the kiosk in the middle of paying.

    The gateway's pages are outside the app, so its own idle guard (``assets/kiosk.js``) does
    not run here; this one only counts time since the last touch and then sends the tab to
    the app's ``/session/end``, which ends the session and wipes the tab. The address comes
    from ``GKH_PUBLIC_URL``, never from the request, and the times from the kiosk settings.
    """
    settings = get_settings()
    end_url = settings.public_address(SESSION_END_PATH)
    countdown = settings.kiosk_countdown_seconds
    return (f'<div id="idle-guard" class="idle" hidden role="alertdialog" aria-modal="true" '
            f'aria-labelledby="idle-title" aria-describedby="idle-text" data-idle="{settings.kiosk_idle_seconds}" '
            f'data-countdown="{countdown}" data-end-url="{escape(end_url, quote=True)}"><div>'
            '<h2 id="idle-title">Вы ещё здесь?</h2>'
            f'<p id="idle-text">Через <b id="idle-countdown">{countdown}</b> с сеанс завершится, '
            'и все ваши данные будут скрыты с экрана.</p><div class="row">'
            '<button id="idle-out" class="secondary" type="button">Выйти</button>'
            '<button id="idle-here" type="button">Я здесь</button></div></div></div>')


def layout(title: str, body: str) -> str:
    """A whole page: the red «ТЕСТОВЫЙ РЕЖИМ» strip says no real money moves, and every page, the
    «gone» one included, carries the idle guard (a kiosk may be left on any of them)."""
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{escape(title)}</title><style>{STYLE}</style></head><body>'
            f'<header class="test">ТЕСТОВЫЙ РЕЖИМ — песочница, деньги не списываются</header>'
            f'<main>{body}</main>{idle_guard()}<script>{FORM_JS}</script><script>{IDLE_JS}</script></body></html>')


def _header(row) -> str:
    """The sum, the commission and what is charged, before the payer types anything."""
    desc = f'<div class="desc">{escape(row.description)}</div>' if row.description else ""
    commission, owed = row.commission_kopecks, format_rubles_ru(row.amount_kopecks - row.commission_kopecks)
    commission_text = format_rubles_ru(commission) if commission else "0,00\u00a0\u20bd (без комиссии)"
    return (f"<h1>Оплата</h1>{desc}<dl class=\"lines\">"
            f"<div><dt>Сумма платежа</dt><dd id=\"sum-amount\">{owed}</dd></div>"
            f"<div><dt>Комиссия</dt><dd id=\"sum-commission\">{commission_text}</dd></div></dl>"
            f"<div class=\"sum\">Итого к списанию: <span id=\"sum-total\">{format_rubles_ru(row.amount_kopecks)}"
            "</span></div>")


def _error(message: str | None) -> str:
    return f'<div class="error" role="alert">{escape(message)}</div>' if message else ""


def _info(message: str | None) -> str:
    return f'<div class="info">{escape(message)}</div>' if message else ""


def _cancel_form(token: str) -> str:
    return (f'<form method="post" action="{PAGE_PREFIX}/{escape(token)}/cancel">'
            f'<button class="secondary" type="submit">Отменить оплату</button></form>')


METHOD_TITLES = {"bank_card": "Банковская карта", "wallet": "Кошелёк «Виртуальный мир»"}


def choose_page(row, token: str, methods: list[str], error: str | None = None) -> str:
    """No method was fixed at creation: the payer picks one of ``methods``, those charging the stated commission."""
    base = f"{PAGE_PREFIX}/{escape(token)}"
    links = "".join(f'<a class="btn" href="{base}?method={method}">{METHOD_TITLES[method]}</a>' for method in methods)
    return layout("Выбор способа оплаты", _header(row) + _error(error)
                  + "<p style=\"font-size:20px\">Выберите способ оплаты</p>" + links + _cancel_form(token))


def card_page(row, token: str, error: str | None = None) -> str:
    """Card number, ММ/ГГ, CVC, holder; the number is never echoed back after an error."""
    form = (f'<form method="post" action="{PAGE_PREFIX}/{escape(token)}/card" autocomplete="off">'
            '<label for="card_number">Номер карты</label>'
            '<input id="card_number" name="card_number" inputmode="numeric" autocomplete="off" '
            'placeholder="0000 0000 0000 0000" maxlength="23" required>'
            '<div class="row"><div><label for="expiry">Срок действия</label>'
            '<input id="expiry" name="expiry" inputmode="numeric" placeholder="ММ/ГГ" maxlength="5" required></div>'
            '<div><label for="cvc">CVC/CVV</label><input id="cvc" name="cvc" type="password" inputmode="numeric" '
            'maxlength="4" required></div></div>'
            '<label for="holder">Имя владельца (необязательно)</label>'
            '<input id="holder" name="holder" autocomplete="off" placeholder="IVAN IVANOV">'
            '<div class="hint">Песочница принимает только тестовые карты</div>'
            '<button type="submit">Оплатить</button></form>')
    return layout("Оплата банковской картой", _header(row) + _error(error) + form + _cancel_form(token))


def wallet_page(row, token: str, *, phone: str = "", error: str | None = None, info: str | None = None,
                offer_register: bool = False) -> str:
    """Phone and one-time code; a phone without a wallet can open one here."""
    base = f"{PAGE_PREFIX}/{escape(token)}"
    register = (f'<form method="post" action="{base}/wallet/register"><input type="hidden" name="phone" '
                f'value="{escape(phone)}"><button class="secondary" type="submit">Создать кошелёк '
                f'на этот номер</button></form>') if offer_register else ""
    form = (f'<form method="post" action="{base}/wallet"><label for="phone">Номер телефона</label>'
            f'<input id="phone" name="phone" type="tel" inputmode="tel" placeholder="+7 900 000-00-00" '
            f'value="{escape(phone)}" required><label for="code">Код из СМС</label>'
            '<input id="code" name="code" inputmode="numeric" maxlength="6" required>'
            '<div class="hint">В песочнице код всегда 0000</div><button type="submit">Оплатить</button></form>')
    return layout("Оплата кошельком «Виртуальный мир»",
                  _header(row) + "<p style=\"font-size:20px\">Кошелёк «Виртуальный мир»</p>"
                  + _error(error) + register + _info(info) + form + _cancel_form(token))


def challenge_page(row, token: str, error: str | None = None) -> str:
    """The issuer's 3-D Secure step: a code sent «by SMS» (in the sandbox 123456)."""
    form = (f'<form method="post" action="{PAGE_PREFIX}/{escape(token)}/3ds">'
            '<label for="code">Код подтверждения из СМС</label>'
            '<input id="code" name="code" inputmode="numeric" maxlength="6" autofocus required>'
            '<div class="hint">В песочнице верный код — 123456, любой другой отклоняет платёж</div>'
            '<button type="submit">Подтвердить</button></form>')
    return layout("Подтверждение платежа 3-D Secure",
                  "<h1>Подтверждение платежа</h1><p style=\"font-size:20px\">Банк просит подтвердить оплату "
                  f"{format_rubles_ru(row.amount_kopecks)}</p>" + _error(error) + form)


def gone_page(return_url: str | None = None) -> str:
    """The token was used or has expired: nothing can be paid from this page again."""
    back = f'<a class="btn" href="{escape(return_url)}">Вернуться в приложение</a>' if return_url else ""
    return layout("Страница оплаты недействительна",
                  "<h1>Страница оплаты больше не действительна</h1><p style=\"font-size:20px\">"
                  "Платёж уже обработан или время на оплату истекло. Повторная оплата с этой страницы "
                  "невозможна.</p>" + back)
