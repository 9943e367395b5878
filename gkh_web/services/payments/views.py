"""«Мои платежи» and the result page: a resident's own payments as plain values, ready for the screen."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from gkh_web.db.models import (
    NOTICE_ACCOUNTED,
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
from gkh_web.domain import receipt_mail as rm
from gkh_web.domain.dates import format_date, format_moment, format_period
from gkh_web.domain.money import format_rubles
from gkh_web.domain.typography import SETTLEMENT_ACCOUNT
from gkh_web.services.mail.jobs import LetterState, letter_states
from gkh_web.services.payments import gateway_pages, notices
from gkh_web.settings import get_settings

log = logging.getLogger(__name__)


MOSCOW = ZoneInfo("Europe/Moscow")


@dataclass(frozen=True)
class PaymentItemView:
    document_number: str
    period_text: str
    account_number: str
    amount_text: str
    recipient_text: str
    """«ООО «УК «Рассвет», ИНН 7718012340, р/с … в ПАО Сбербанк, БИК 044525225» — for the receipt."""
    accounting_text: str = ""
    """For a succeeded payment: «Оплачен, ожидает учёта поставщиком», «Учтено организацией …» or the rejection."""


@dataclass(frozen=True)
class PaymentView:
    number: str
    public_id: str
    created_text: str
    """«25 ноября 2026 г., 18:05» (Moscow time), the style of every date on screen."""
    amount_kopecks: int
    """What the documents get (Σ of the items)."""
    amount_text: str
    status: str
    status_text: str
    """The reason of a failure when known, else the state's name (one line, as in «Мои платежи» before)."""
    in_progress: bool
    card_text: str
    """«VISA •••• 4242» or ""."""
    method_text: str
    """«банковская карта МИР •••• 2987», «кошелёк «Виртуальный мир»» or "" before a method is chosen."""
    items: list[PaymentItemView]
    commission_kopecks: int = 0
    commission_text: str = ""
    """«12,35 ₽», or «0,00 ₽ — без комиссии» only when the figure is zero."""
    charged_text: str = ""
    """What the payer is charged: the documents' sum plus the commission."""
    status_name: str = ""
    """The state's one name («Ожидает оплаты»): the result page's title and the line in «Мои платежи»."""
    failure_text: str = ""
    """What failed («Отклонено банком: недостаточно средств»), for a final failure with a known reason."""
    pending_text: str = ""
    """What an unfinished payment waits for, and the next step."""
    nothing_charged: bool = False
    """A final failure: the gateway took no money (its status says so)."""
    mail_text: str = ""
    """The receipt letter: «Квитанция отправлена на …», «Не удалось отправить квитанцию — повторим», a final
    refusal, «Квитанции по почте не отправляются»; "" before success."""
    mail_state: str = ""
    """``sent`` / ``pending`` / ``retrying`` / ``failed`` / ``off`` (no letter will go) / "" — the line's colour."""
    continue_url: str = ""
    """The gateway's page while the payer has not finished there (AWAITING_CUSTOMER), else "": after a lost
    or late answer, a crash or a reload the resident gets back to it instead of waiting out the expiry."""


def payments_of_resident(session: Session, resident_id: int, *, limit: int = 50) -> list[PaymentView]:
    """The resident's payments, newest first (three queries: payments, their items, their letters)."""
    payments = session.exec(
        select(Payment)
        .where(Payment.resident_id == resident_id)
        .order_by(col(Payment.created_at).desc(), col(Payment.id).desc())
        .limit(limit)
    ).all()
    return views_of(session, list(payments))


def views_of(session: Session, payments: list[Payment]) -> list[PaymentView]:
    """The views of these payments, in the same order (one query for all their items)."""
    if not payments:
        return []
    rows = session.exec(
        select(PaymentItem, PaymentDocument, PersonalAccount, ProviderOrganisation)
        .join(PaymentDocument, col(PaymentDocument.id) == PaymentItem.payment_document_id)
        .join(PersonalAccount, col(PersonalAccount.id) == PaymentItem.personal_account_id)
        .join(ProviderOrganisation, col(ProviderOrganisation.id) == PersonalAccount.provider_id)
        .where(col(PaymentItem.payment_id).in_([payment.id for payment in payments]))
        .order_by(col(PaymentItem.id))
    ).all()
    succeeded = {stored_id(payment) for payment in payments if payment.status == ps.SUCCEEDED}
    answers = {answer.payment_item_id: answer for answer in session.exec(
        select(NoticeReconciliation).where(col(NoticeReconciliation.payment_item_id).in_(
            [stored_id(item) for item, *_ in rows if item.payment_id in succeeded])))}
    items: dict[int, list[PaymentItemView]] = {}
    for item, document, account, provider in rows:
        items.setdefault(item.payment_id, []).append(
            PaymentItemView(
                document_number=document.number,
                period_text=format_period(document.period_year, document.period_month),
                account_number=account.number,
                amount_text=format_rubles(item.amount_kopecks),
                recipient_text=(
                    f"{provider.recipient_name}, ИНН\u00a0{provider.inn}, "
                    f"{SETTLEMENT_ACCOUNT}\u00a0{provider.settlement_account} "
                    f"в {provider.bank_name}, БИК\u00a0{provider.bik}"  # a sign stays with its number
                ),
                accounting_text=_accounting_text(answers.get(stored_id(item))) if item.payment_id in succeeded
                else "",
            )
        )
    letters = letter_states(session, [stored_id(payment) for payment in payments])
    lines = {stored_id(payment): _letter_line(payment, letters.get(stored_id(payment))) for payment in payments}
    return [
        PaymentView(
            number=payment.number,
            public_id=payment.public_id,
            created_text=format_moment(as_utc(payment.created_at).astimezone(MOSCOW)),
            amount_kopecks=payment.amount_kopecks,
            amount_text=format_rubles(payment.amount_kopecks),
            status=payment.status,
            status_text=ps.status_text(payment.status, payment.failure_reason),
            in_progress=not ps.is_final(payment.status),
            card_text=f"{payment.card_brand or 'Карта'} •••• {payment.card_last4}" if payment.card_last4 else "",
            method_text=_method_text(payment),
            items=items.get(stored_id(payment), []),
            commission_kopecks=payment.commission_kopecks,
            commission_text=_commission_text(payment.commission_kopecks),
            charged_text=format_rubles(payment.charged_kopecks),
            status_name=ps.status_name(payment.status),
            failure_text=ps.failure_text(payment.status, payment.failure_reason),
            pending_text=ps.PENDING_TEXTS.get(payment.status, ""),
            nothing_charged=ps.nothing_charged(payment.status),
            mail_text=lines[stored_id(payment)][0],
            mail_state=lines[stored_id(payment)][1],
            continue_url=(gateway_pages.browser_address(payment.confirmation_url) or "")
            if payment.status == ps.AWAITING_CUSTOMER
            else "",
        )
        for payment in payments
    ]


def _accounting_text(answer: NoticeReconciliation | None) -> str:
    """What the provider made of one paid document (issue 13 §4: «оплачено» is not yet «учтено»)."""
    if answer is None:
        return notices.TEXT_AWAITING
    if answer.outcome == NOTICE_ACCOUNTED:
        return f"{notices.TEXT_ACCOUNTED} {format_date(answer.provider_date)}"
    return f"{notices.TEXT_REJECTED}: {answer.reason}"


def payment_view(session: Session, resident_id: int, public_id: str) -> PaymentView | None:
    """One of the resident's own payments by its public id (None for anyone else's or an unknown id)."""
    payment = session.exec(
        select(Payment).where(Payment.public_id == public_id, Payment.resident_id == resident_id)
    ).first()
    if payment is None:
        return None
    return views_of(session, [payment])[0]


def succeeded_payment_view(session: Session, public_id: str) -> PaymentView | None:
    """A succeeded payment's receipt by its public id alone, for a signed receipt link (None otherwise)."""
    payment = session.exec(
        select(Payment).where(Payment.public_id == public_id, Payment.status == ps.SUCCEEDED)
    ).first()
    return None if payment is None else views_of(session, [payment])[0]


def _letter_line(payment: Payment, letter: LetterState | None) -> tuple[str, str]:
    """(``mail_text``, ``mail_state``) of a payment: its letter's state, or why none goes."""
    if payment.status != ps.SUCCEEDED:
        return "", ""
    if letter is not None:
        retrying = letter.failed_before and letter.status in (rm.PENDING, rm.SENDING)
        state = "retrying" if retrying else ("pending" if letter.status == rm.SENDING else letter.status)
        text = rm.letter_state_text(letter.status, letter.to_address, failed_before=letter.failed_before)
        return text, state
    if not get_settings().mail_enabled:
        return rm.MSG_MAIL_OFF, "off"
    if not payment.receipt_email:
        return rm.MSG_NO_ADDRESS, "off"
    return "", ""


def _commission_text(commission_kopecks: int) -> str:
    """The commission as a receipt states it; «без комиссии» only beside a zero."""
    if commission_kopecks == 0:
        return f"{format_rubles(0)} — без комиссии"
    return format_rubles(commission_kopecks)


def _method_text(payment: Payment) -> str:
    if payment.method == "wallet":
        return "кошелёк «Виртуальный мир»"
    if payment.method == "card":
        card = f" {payment.card_brand or ''} •••• {payment.card_last4}" if payment.card_last4 else ""
        return "банковская карта" + card.replace("  ", " ")
    return ""
