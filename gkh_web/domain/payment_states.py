"""The local state machine of a payment (pure: no database, no HTTP).

::

    CREATED ──▶ SUBMITTED ──▶ AWAITING_CUSTOMER ──▶ SUCCEEDED
       │            │               │          └──▶ FAILED | CANCELED | EXPIRED
       │            ├──▶ SUCCEEDED | FAILED | CANCELED | EXPIRED   (gateway answered at once,
       │            │                                                or the reconciler found out)
       └──▶ CANCELED | EXPIRED | FAILED  (no gateway call was ever made)

* ``CREATED``: the row and its idempotency key exist, no HTTP call yet.
* ``SUBMITTED``: the create request was (maybe) sent; the answer is unknown.
  A payment stays here after a timeout, a 5xx or a crash; the reconciler
  re-sends the create with the *same* key and so learns the outcome.
* ``AWAITING_CUSTOMER``: the gateway created the payment and gave the payer
  page; the payer has not finished.
* Final: ``SUCCEEDED``, ``FAILED`` (declined / refused by the gateway),
  ``CANCELED`` (by the payer or by us), ``EXPIRED`` (the payer never finished).

Rules: no edge leaves ``SUCCEEDED`` (success is never downgraded); the only
edge out of a final failure is the audited *correction* to ``SUCCEEDED`` when
the gateway says the money was taken after all (the gateway is the source of
truth for money). A repeat of the current status is a no-op, not an edge.
"""

from __future__ import annotations

CREATED = "created"
SUBMITTED = "submitted"
AWAITING_CUSTOMER = "awaiting_customer"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELED = "canceled"
EXPIRED = "expired"

STATUSES: tuple[str, ...] = (CREATED, SUBMITTED, AWAITING_CUSTOMER, SUCCEEDED, FAILED, CANCELED, EXPIRED)
FINAL_STATUSES: frozenset[str] = frozenset({SUCCEEDED, FAILED, CANCELED, EXPIRED})
UNFINISHED_STATUSES: tuple[str, ...] = (CREATED, SUBMITTED, AWAITING_CUSTOMER)
FAILURE_STATUSES: frozenset[str] = frozenset({FAILED, CANCELED, EXPIRED})

TRANSITIONS: dict[str, frozenset[str]] = {
    CREATED: frozenset({SUBMITTED, FAILED, CANCELED, EXPIRED}),
    SUBMITTED: frozenset({AWAITING_CUSTOMER, SUCCEEDED, FAILED, CANCELED, EXPIRED}),
    AWAITING_CUSTOMER: frozenset({SUCCEEDED, FAILED, CANCELED, EXPIRED}),
    SUCCEEDED: frozenset(),
    # Correction only: the gateway reports the money was taken after we gave up.
    FAILED: frozenset({SUCCEEDED}),
    CANCELED: frozenset({SUCCEEDED}),
    EXPIRED: frozenset({SUCCEEDED}),
}
"""Allowed edges ``from → {to}``; everything else (including ``SUCCEEDED → *``) is illegal."""


class IllegalTransition(ValueError):
    """An edge that is not in ``TRANSITIONS``."""

    def __init__(self, from_status: str, to_status: str) -> None:
        super().__init__(f"illegal payment transition {from_status} → {to_status}")
        self.from_status = from_status
        self.to_status = to_status


def is_final(status: str) -> bool:
    """True for SUCCEEDED, FAILED, CANCELED and EXPIRED."""
    _require_known(status)
    return status in FINAL_STATUSES


def can_transition(from_status: str, to_status: str) -> bool:
    """True when ``from → to`` is an edge of the table (a repeat of the same status is not an edge)."""
    _require_known(from_status)
    _require_known(to_status)
    return to_status in TRANSITIONS[from_status]


def is_correction(from_status: str, to_status: str) -> bool:
    """The audited edge from a final failure to SUCCEEDED."""
    return from_status in FAILURE_STATUSES and to_status == SUCCEEDED


def check_transition(from_status: str, to_status: str) -> None:
    """Raise IllegalTransition unless ``from → to`` is allowed."""
    if not can_transition(from_status, to_status):
        raise IllegalTransition(from_status, to_status)


def _require_known(status: str) -> None:
    if status not in TRANSITIONS:
        raise ValueError(f"unknown payment status {status!r}")


# --- Gateway statuses (YooKassa-shaped) ----------------------------------------------------------

GATEWAY_PENDING = "pending"
GATEWAY_WAITING_FOR_CAPTURE = "waiting_for_capture"
GATEWAY_SUCCEEDED = "succeeded"
GATEWAY_CANCELED = "canceled"
GATEWAY_STATUSES = (GATEWAY_PENDING, GATEWAY_WAITING_FOR_CAPTURE, GATEWAY_SUCCEEDED, GATEWAY_CANCELED)

TEST_PAYMENT_REASON = "test_payment"
"""Our own failure reason: a production server heard «succeeded» of a payment the gateway marks
``test: true`` (a test shop, no real money) and refused to count it."""

CANCELLATION_REASONS: dict[str, tuple[str, str]] = {
    # reason (YooKassa ``cancellation_details.reason``): (our status, what the resident reads)
    "3d_secure_failed": (FAILED, "Не пройдено подтверждение платежа (3-D Secure)"),
    "call_issuer": (FAILED, "Отклонено банком: обратитесь в банк, выпустивший карту"),
    "canceled_by_merchant": (CANCELED, "Платёж отменён"),
    "card_expired": (FAILED, "Отклонено банком: истёк срок действия карты"),
    "country_forbidden": (FAILED, "Оплата картой этой страны невозможна"),
    "deal_expired": (EXPIRED, "Время на оплату истекло — деньги не списаны"),
    "expired_on_capture": (EXPIRED, "Время на подтверждение платежа истекло"),
    "expired_on_confirmation": (EXPIRED, "Время на оплату истекло — оплата не была завершена"),
    "fraud_suspected": (FAILED, "Платёж заблокирован из-за подозрения в мошенничестве"),
    "general_decline": (FAILED, "Отклонено банком без объяснения причин"),
    "identification_required": (FAILED, "Превышен лимит кошелька: пройдите идентификацию в кошельке "
                                        "или оплатите картой"),
    "insufficient_funds": (FAILED, "Отклонено банком: недостаточно средств"),
    "internal_timeout": (FAILED, "Технический сбой у платёжного сервиса — попробуйте ещё раз"),
    "invalid_card_number": (FAILED, "Неверный номер карты"),
    "invalid_csc": (FAILED, "Неверный код CVC/CVV"),
    "issuer_unavailable": (FAILED, "Банк, выпустивший карту, недоступен — попробуйте позже"),
    "payment_method_limit_exceeded": (FAILED, "Превышен лимит платежей по карте или кошельку"),
    "payment_method_restricted": (FAILED, "Операции по карте или кошельку ограничены"),
    "permission_revoked": (CANCELED, "Разрешение на списание отозвано"),
    "unsupported_mobile_operator": (FAILED, "Оплата с баланса телефона этого оператора невозможна — "
                                            "оплатите другим способом"),
    # the sandbox's own reasons and ours
    "canceled_by_payer": (CANCELED, "Вы отменили платёж"),
    "processing_error": (FAILED, "Ошибка обработки платежа в банке — попробуйте ещё раз"),
    "gateway_rejected": (FAILED, "Платёжный сервис отклонил платёж — попробуйте ещё раз"),
    TEST_PAYMENT_REASON: (FAILED, "Платёж проведён в тестовом режиме и не засчитан"),
}
"""Every reason a gateway gives for ``canceled``, as a table: which of our final statuses it is and the
plain-Russian sentence a resident reads. ``EXPIRED`` — nobody finished in time; ``CANCELED`` — someone
chose to stop (the payer, we, the card holder's bank permission); ``FAILED`` — a bank, the card or the
gateway said no. A reason not in the table is a ``FAILED`` with the status's own name (gateways add
reasons; an unknown one must not crash anything or claim more than «Платёж отклонён»)."""

EXPIRY_REASONS = frozenset(reason for reason, (status, _) in CANCELLATION_REASONS.items() if status == EXPIRED)
CANCEL_REASONS = frozenset(reason for reason, (status, _) in CANCELLATION_REASONS.items() if status == CANCELED)

GATEWAY_STATUS_TABLE: dict[str, str | None] = {
    GATEWAY_PENDING: AWAITING_CUSTOMER,
    GATEWAY_WAITING_FOR_CAPTURE: AWAITING_CUSTOMER,
    GATEWAY_SUCCEEDED: SUCCEEDED,
    GATEWAY_CANCELED: None,
}
"""Gateway status → ours. ``pending``: the payer's page is open; ``waiting_for_capture`` (one-stage
payments are captured by the gateway itself) means the money is on its way; ``canceled`` (None here)
is split by ``CANCELLATION_REASONS``."""


def status_from_gateway(gateway_status: str, cancellation_reason: str | None = None) -> str:
    """Our status for a gateway status and reason; ValueError for a status we do not know (no transition then)."""
    if gateway_status not in GATEWAY_STATUS_TABLE:
        raise ValueError(f"unknown gateway status {gateway_status!r}")
    ours = GATEWAY_STATUS_TABLE[gateway_status]
    if ours is not None:
        return ours
    known = CANCELLATION_REASONS.get(cancellation_reason or "")
    return known[0] if known else FAILED


# --- Texts for residents ---------------------------------------------------------------------------

STATUS_TEXTS: dict[str, str] = {
    CREATED: "Платёж обрабатывается",
    SUBMITTED: "Платёж обрабатывается",
    AWAITING_CUSTOMER: "Ожидает оплаты",
    SUCCEEDED: "Оплачено",
    FAILED: "Платёж отклонён",
    CANCELED: "Платёж отменён",
    EXPIRED: "Время на оплату истекло",
}

REASON_TEXTS: dict[str, str] = {reason: text for reason, (_, text) in CANCELLATION_REASONS.items()}
"""What a final failure says, by reason (from ``CANCELLATION_REASONS``)."""


PENDING_TEXTS: dict[str, str] = {
    CREATED: "Ждём ответа платёжной системы. Страница обновится сама.",
    SUBMITTED: "Ждём ответа платёжной системы. Страница обновится сама.",
    AWAITING_CUSTOMER: "Оплата на странице платёжной системы не завершена. Чтобы вернуться к ней, "
                       "нажмите «Продолжить оплату».",
}
"""What an unfinished payment's result page says under its name (one state, one name, one next step)."""


def status_name(status: str) -> str:
    """The state's one name, the same on the result page and in «Мои платежи» («Ожидает оплаты»)."""
    return STATUS_TEXTS[status]


def failure_text(status: str, failure_reason: str | None) -> str:
    """What failed, for a final failure with a known reason ("" otherwise)."""
    if status in FAILURE_STATUSES and failure_reason and failure_reason in REASON_TEXTS:
        return REASON_TEXTS[failure_reason]
    return ""


def nothing_charged(status: str) -> bool:
    """A final failure: the gateway cancelled the payment (or never had it), so no money left the payer.

    The gateway's ``canceled`` means the money was not taken (a hold is released); a payment the
    gateway refused or never saw was never charged. A failure the gateway later corrects to
    ``succeeded`` stops being a failure, so this never speaks for a payment that was charged.
    """
    return status in FAILURE_STATUSES


def status_text(status: str, failure_reason: str | None = None) -> str:
    """What the resident reads about a payment: the reason for a failure when known."""
    if status in FAILURE_STATUSES and failure_reason:
        return REASON_TEXTS.get(failure_reason, STATUS_TEXTS[status])
    return STATUS_TEXTS[status]
