"""The hosted payment page: card (with 3-D Secure) or wallet «Виртуальный мир».

The page token is single-use: the first accepted form moves ``page_state``
from ``open`` in one conditional UPDATE, so a double click, a second tab or a
reload after the outcome gets «Страница оплаты больше не действительна» and
can never charge twice. Card numbers and CVC live only in this request's
memory: the row keeps brand, last 4 digits and the scenario name.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from datetime import date
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from gkh_web.domain.cards import AMEX, CardError, card_brand, validate_card_number
from gkh_web.domain.contacts import ContactError, normalize_phone
from gkh_web.sandbox_gateway import pages, store, webhooks
from gkh_web.sandbox_gateway.amounts import format_rubles_ru
from gkh_web.sandbox_gateway.api import methods_charging
from gkh_web.sandbox_gateway.cards import SCENARIOS, Scenario, scenario_for_card
from gkh_web.sandbox_gateway.config import PAGE_PREFIX, get_sandbox_settings

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 8 * 1024
MSG_UNKNOWN_CARD = "Песочница принимает только тестовые карты"
MSG_EXPIRY_FORMAT = "Укажите срок действия в виде ММ/ГГ"
MSG_EXPIRY_PAST = "Срок действия карты истёк"
MSG_CVC = "CVC — {n} цифры с обратной стороны карты"
MSG_WALLET_CODE = "Неверный код подтверждения"
MSG_NO_WALLET = "Кошелёк на этот номер не найден. Его можно создать"
MSG_WRONG_METHOD = "Этот способ оплаты недоступен для платежа"
MSG_HOLDER = "Имя владельца — латинскими буквами, как на карте, например IVAN IVANOV"
MSG_3DS_FORMAT = "Код подтверждения — 6 цифр из СМС"
MSG_FORM_TOO_LARGE = "Слишком длинные данные в форме. Введите их заново"
HOLDER_MAX_LENGTH = 26
"""ISO/IEC 7813: the name embossed on a card has at most 26 characters."""
_EXPIRY_RE = re.compile(r"(0[1-9]|1[0-2])\s*/?\s*([0-9]{2})")
"""«12/30», «12 / 30» or «1230»: nothing in the browser inserts the slash."""
_HOLDER_RE = re.compile(r"[A-Za-z]+(?:[ .'-]+[A-Za-z]+)*\.?")
_3DS_CODE_RE = re.compile(r"[0-9]{6}")


class FormTooLarge(Exception):
    """The posted form is bigger than any honest card or wallet form."""


class PageGone(Exception):
    """The token is unknown, used up or expired."""


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise FormTooLarge
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20))
    except (UnicodeDecodeError, ValueError):
        return {}


async def _open_payment(token: str, states: tuple[str, ...] = ("open",)):
    """The payment behind a live token whose page is in one of ``states``; PageGone otherwise."""
    row = await run_in_threadpool(store.payment_by_token, token)
    if row is None or row.status != "pending" or row.page_state not in states or row.page_expires_at <= time.time():
        raise PageGone(row.return_url if row else None)
    return row


def _gone(error: PageGone) -> HTMLResponse:
    return HTMLResponse(pages.gone_page(error.args[0] if error.args else None), status_code=410)


def _with_gone_page(handler):
    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request, request.path_params["token"])
        except PageGone as error:
            return _gone(error)
    return wrapped


def _to_return_url(row) -> RedirectResponse:
    return RedirectResponse(row.return_url, status_code=303)


async def _finish(row, scenario: Scenario, *, after_3ds: bool = False) -> None:
    """Apply the scenario's outcome once and schedule its webhooks."""
    if scenario.slow:
        await asyncio.sleep(get_sandbox_settings().slow_seconds)
    outcome, reason, party = scenario.outcome, scenario.reason, scenario.party
    if after_3ds and scenario.after_3ds_reason:
        outcome, reason = "canceled", scenario.after_3ds_reason
    if outcome == "pending":
        await run_in_threadpool(store.move_page, row.id, ("processing",), "done")
        return
    changed = await run_in_threadpool(store.set_status, row.id, outcome, from_statuses=("pending",),
                                      reason=reason, party=party)
    log.info("sandbox payment %s: %s %s (scenario %s)", row.id, outcome, reason or "", scenario.name)
    if changed:
        webhooks.schedule(row.id, scenario.webhooks)


@_with_gone_page
async def show_page(request: Request, token: str) -> Response:
    """The page for the current step: method choice, card, wallet or the 3-D Secure code."""
    row = await _open_payment(token, ("open", "challenge"))
    if row.page_state == "challenge":
        return HTMLResponse(pages.challenge_page(row, token))
    method = row.requested_method or request.query_params.get("method")
    allowed = _allowed_methods(row)
    if method == "bank_card" and method in allowed:
        return HTMLResponse(pages.card_page(row, token))
    if method == "wallet" and method in allowed:
        return HTMLResponse(pages.wallet_page(row, token))
    return HTMLResponse(pages.choose_page(row, token, allowed))


def _allowed_methods(row) -> list[str]:
    """The methods that charge exactly the commission the payment states (the requested one, if any)."""
    return methods_charging(row.amount_kopecks - row.commission_kopecks, row.commission_kopecks,
                            row.requested_method)


def _expiry_error(text: str, today: date) -> str | None:
    match = _EXPIRY_RE.fullmatch(text.strip())
    if match is None:
        return MSG_EXPIRY_FORMAT
    month, year = int(match.group(1)), 2000 + int(match.group(2))
    return MSG_EXPIRY_PAST if (year, month) < (today.year, today.month) else None


def _card_error(form: dict[str, str]) -> tuple[str | None, str, Scenario | None]:
    """(error message or None, card digits, scenario) after the same checks the JS made, and more."""
    try:
        digits = validate_card_number(form.get("card_number", ""))
    except CardError as error:
        return str(error), "", None
    scenario = scenario_for_card(digits)
    if scenario is None:
        return MSG_UNKNOWN_CARD, digits, None
    expiry_error = _expiry_error(form.get("expiry", ""), date.today())
    if expiry_error:
        return expiry_error, digits, None
    cvc_length = 4 if card_brand(digits) == AMEX else 3
    cvc = form.get("cvc", "").strip()
    if re.fullmatch(f"[0-9]{{{cvc_length}}}", cvc) is None:  # ASCII digits: «١٢٣».isdigit() is True
        return MSG_CVC.format(n=cvc_length), digits, None
    holder = form.get("holder", "").strip()
    if holder and (len(holder) > HOLDER_MAX_LENGTH or _HOLDER_RE.fullmatch(holder) is None):
        return MSG_HOLDER, digits, None
    return None, digits, scenario


@_with_gone_page
async def pay_by_card(request: Request, token: str) -> Response:
    """Check the card, then either ask for the 3-D Secure code or settle the payment."""
    row = await _open_payment(token)
    if "bank_card" not in _allowed_methods(row):  # another method, or a card would charge another commission
        return HTMLResponse(pages.choose_page(row, token, _allowed_methods(row), MSG_WRONG_METHOD),
                            status_code=422)
    try:
        error, digits, scenario = _card_error(await _form(request))
    except FormTooLarge:
        error, digits, scenario = MSG_FORM_TOO_LARGE, "", None
    if error:
        return HTMLResponse(pages.card_page(row, token, error=error), status_code=422)
    assert scenario is not None, "_card_error names the scenario whenever it finds no error"
    card = {"method_type": "bank_card", "card_brand": card_brand(digits), "card_last4": digits[-4:],
            "scenario": scenario.name}
    del digits
    next_state = "challenge" if scenario.three_ds else "processing"
    if not await run_in_threadpool(lambda: store.move_page(row.id, ("open",), next_state, **card)):
        raise PageGone(row.return_url)
    if scenario.three_ds:
        return RedirectResponse(f"{PAGE_PREFIX}/{token}", status_code=303)
    await _finish(row, scenario)
    return _to_return_url(row)


@_with_gone_page
async def confirm_3ds(request: Request, token: str) -> Response:
    """The right code lets the scenario continue; any other code declines (3d_secure_failed)."""
    row = await _open_payment(token, ("challenge",))
    try:
        code = (await _form(request)).get("code", "").strip()
    except FormTooLarge:
        return HTMLResponse(pages.challenge_page(row, token, error=MSG_FORM_TOO_LARGE), status_code=422)
    if _3DS_CODE_RE.fullmatch(code) is None:  # a typo, not a wrong code: the payer may try again
        return HTMLResponse(pages.challenge_page(row, token, error=MSG_3DS_FORMAT), status_code=422)
    if not await run_in_threadpool(store.move_page, row.id, ("challenge",), "processing"):
        raise PageGone(row.return_url)
    scenario = SCENARIOS[row.scenario]
    if code == get_sandbox_settings().three_ds_code:
        await _finish(row, scenario, after_3ds=True)
    else:
        await _finish(row, Scenario("three_ds_failed", outcome="canceled", reason="3d_secure_failed",
                                    webhooks=scenario.webhooks))
    return _to_return_url(row)


def _phone(form: dict[str, str]) -> tuple[str, str | None]:
    """(normalised phone or what was typed, error message or None)."""
    typed = form.get("phone", "").strip()
    try:
        return normalize_phone(typed), None
    except ContactError as error:
        return typed, str(error)


@_with_gone_page
async def register_wallet(request: Request, token: str) -> Response:
    """Open a sandbox wallet with 100 000 ₽ for a phone that has none."""
    row = await _open_payment(token)
    try:
        phone, error = _phone(await _form(request))
    except FormTooLarge:
        phone, error = "", MSG_FORM_TOO_LARGE
    if error:
        return HTMLResponse(pages.wallet_page(row, token, phone=phone, error=error), status_code=422)
    balance = get_sandbox_settings().new_wallet_balance_kopecks
    created = await run_in_threadpool(store.register_wallet, phone, balance)
    info = f"Кошелёк создан, на счёте {format_rubles_ru(balance)}" if created else "Кошелёк на этот номер уже есть"
    return HTMLResponse(pages.wallet_page(row, token, phone=phone, info=info))


async def _wallet_form_error(row, token: str, form: dict[str, str]) -> tuple[str, Response | None]:
    phone, error = _phone(form)
    if error is None and form.get("code", "").strip() != get_sandbox_settings().wallet_code:
        error = MSG_WALLET_CODE
    if error:
        return phone, HTMLResponse(pages.wallet_page(row, token, phone=phone, error=error), status_code=422)
    if await run_in_threadpool(store.wallet_balance, phone) is None:
        page = pages.wallet_page(row, token, phone=phone, error=MSG_NO_WALLET, offer_register=True)
        return phone, HTMLResponse(page, status_code=422)
    return phone, None


@_with_gone_page
async def pay_by_wallet(request: Request, token: str) -> Response:
    """Debit the wallet if the balance covers the sum, otherwise decline (insufficient_funds)."""
    row = await _open_payment(token)
    if "wallet" not in _allowed_methods(row):  # another method, or the wallet would charge another commission
        return HTMLResponse(pages.choose_page(row, token, _allowed_methods(row), MSG_WRONG_METHOD),
                            status_code=422)
    try:
        form = await _form(request)
    except FormTooLarge:
        return HTMLResponse(pages.wallet_page(row, token, error=MSG_FORM_TOO_LARGE), status_code=422)
    phone, refusal = await _wallet_form_error(row, token, form)
    if refusal is not None:
        return refusal
    wallet = {"method_type": "wallet", "wallet_phone": phone, "scenario": "wallet"}
    if not await run_in_threadpool(lambda: store.move_page(row.id, ("open",), "processing", **wallet)):
        raise PageGone(row.return_url)
    paid = await run_in_threadpool(store.debit_wallet, phone, row.amount_kopecks)
    if paid:
        await _finish(row, Scenario("wallet"))
    else:
        await _finish(row, Scenario("wallet", outcome="canceled", reason="insufficient_funds", party="yoo_money"))
    return _to_return_url(row)


@_with_gone_page
async def cancel_by_payer(request: Request, token: str) -> Response:
    """«Отменить оплату»: the payment ends as canceled/cancelled_by_payer."""
    row = await _open_payment(token, ("open", "challenge"))
    if not await run_in_threadpool(store.move_page, row.id, ("open", "challenge"), "processing"):
        raise PageGone(row.return_url)
    await _finish(row, Scenario("payer", outcome="canceled", reason="cancelled_by_payer", party="merchant"))
    return _to_return_url(row)


def page_routes() -> list[Route]:
    return [
        Route(f"{PAGE_PREFIX}/{{token}}", show_page, methods=["GET"]),
        Route(f"{PAGE_PREFIX}/{{token}}/card", pay_by_card, methods=["POST"]),
        Route(f"{PAGE_PREFIX}/{{token}}/3ds", confirm_3ds, methods=["POST"]),
        Route(f"{PAGE_PREFIX}/{{token}}/wallet", pay_by_wallet, methods=["POST"]),
        Route(f"{PAGE_PREFIX}/{{token}}/wallet/register", register_wallet, methods=["POST"]),
        Route(f"{PAGE_PREFIX}/{{token}}/cancel", cancel_by_payer, methods=["POST"]),
    ]
