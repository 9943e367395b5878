"""The payment state machine: every edge allowed or forbidden, success never downgraded."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from gkh_web.domain import payment_states as ps
from gkh_web.domain.payment_states import (
    AWAITING_CUSTOMER,
    CANCELED,
    CREATED,
    EXPIRED,
    FAILED,
    STATUSES,
    SUBMITTED,
    SUCCEEDED,
    IllegalTransition,
)

ALLOWED = {
    (CREATED, SUBMITTED), (CREATED, FAILED), (CREATED, CANCELED), (CREATED, EXPIRED),
    (SUBMITTED, AWAITING_CUSTOMER), (SUBMITTED, SUCCEEDED), (SUBMITTED, FAILED), (SUBMITTED, CANCELED),
    (SUBMITTED, EXPIRED),
    (AWAITING_CUSTOMER, SUCCEEDED), (AWAITING_CUSTOMER, FAILED), (AWAITING_CUSTOMER, CANCELED),
    (AWAITING_CUSTOMER, EXPIRED),
    (FAILED, SUCCEEDED), (CANCELED, SUCCEEDED), (EXPIRED, SUCCEEDED),  # corrections
}
ALL_PAIRS = list(itertools.product(STATUSES, STATUSES))


def test_every_status_is_in_the_table_and_the_models_vocabulary():
    from gkh_web.db.models import PAYMENT_STATUSES

    assert set(ps.TRANSITIONS) == set(STATUSES) == set(PAYMENT_STATUSES)
    assert set(ps.STATUS_TEXTS) == set(STATUSES)


@pytest.mark.parametrize(("a", "b"), ALL_PAIRS)
def test_each_pair_is_allowed_exactly_when_listed(a, b):
    assert ps.can_transition(a, b) is ((a, b) in ALLOWED)
    if (a, b) in ALLOWED:
        ps.check_transition(a, b)
    else:
        with pytest.raises(IllegalTransition):
            ps.check_transition(a, b)


@pytest.mark.parametrize("target", STATUSES)
def test_success_is_never_left(target):
    assert not ps.can_transition(SUCCEEDED, target)


@pytest.mark.parametrize("status", STATUSES)
def test_final_statuses_only_lead_to_a_success_correction(status):
    if ps.is_final(status):
        assert ps.TRANSITIONS[status] <= {SUCCEEDED}
    else:
        assert ps.TRANSITIONS[status]


def test_final_and_correction():
    assert {s for s in STATUSES if ps.is_final(s)} == {SUCCEEDED, FAILED, CANCELED, EXPIRED}
    assert ps.is_correction(FAILED, SUCCEEDED) and not ps.is_correction(SUBMITTED, SUCCEEDED)
    with pytest.raises(ValueError):
        ps.is_final("paid")
    with pytest.raises(ValueError):
        ps.can_transition(CREATED, "paid")


@pytest.mark.parametrize(("gateway", "reason", "ours"), [
    ("pending", None, AWAITING_CUSTOMER),
    ("waiting_for_capture", None, AWAITING_CUSTOMER),
    ("succeeded", None, SUCCEEDED),
    ("canceled", "insufficient_funds", FAILED),
    ("canceled", "3d_secure_failed", FAILED),
    ("canceled", "general_decline", FAILED),
    ("canceled", None, FAILED),
    ("canceled", "expired_on_confirmation", EXPIRED),
    ("canceled", "expired_on_capture", EXPIRED),
    ("canceled", "canceled_by_merchant", CANCELED),
    ("canceled", "canceled_by_payer", CANCELED),
])
def test_gateway_statuses_map_to_ours(gateway, reason, ours):
    assert ps.status_from_gateway(gateway, reason) == ours


def test_unknown_gateway_status_is_refused():
    with pytest.raises(ValueError):
        ps.status_from_gateway("paid")


def test_texts_for_residents():
    assert ps.status_text(SUCCEEDED) == "Оплачено"
    assert ps.status_text(SUBMITTED) == "Платёж обрабатывается"
    assert ps.status_text(ps.AWAITING_CUSTOMER) == ps.status_name(ps.AWAITING_CUSTOMER) == "Ожидает оплаты"
    assert ps.status_text(FAILED, "insufficient_funds") == "Отклонено банком: недостаточно средств"
    assert ps.status_text(FAILED, "something_new") == ps.STATUS_TEXTS[FAILED]
    assert ps.status_text(SUCCEEDED, "insufficient_funds") == "Оплачено"
    for reason in ("insufficient_funds", "card_expired", "3d_secure_failed", "general_decline",
                   "expired_on_confirmation"):
        assert ps.REASON_TEXTS[reason]


def test_an_unfinished_payment_is_named_once_and_never_told_not_to_pay():
    """«Продолжить оплату» stands next to the awaiting state: nothing may say «не оплачивайте повторно»."""
    for status in ps.UNFINISHED_STATUSES:
        for text in (ps.status_name(status), ps.PENDING_TEXTS[status]):
            assert "повторно" not in text
    assert "Продолжить оплату" in ps.PENDING_TEXTS[ps.AWAITING_CUSTOMER]


def test_a_failure_says_what_failed_and_that_nothing_was_charged():
    assert ps.failure_text(FAILED, "insufficient_funds") == "Отклонено банком: недостаточно средств"
    assert ps.failure_text(FAILED, "something_new") == "" and ps.failure_text(SUCCEEDED, "insufficient_funds") == ""
    assert all(ps.nothing_charged(status) for status in ps.FAILURE_STATUSES)
    assert not any(ps.nothing_charged(status) for status in (SUCCEEDED, *ps.UNFINISHED_STATUSES))


def test_a_test_payment_refused_in_production_says_so():
    assert ps.status_text(FAILED, ps.TEST_PAYMENT_REASON) == "Платёж проведён в тестовом режиме и не засчитан"
    assert ps.can_transition(ps.AWAITING_CUSTOMER, FAILED) and ps.can_transition(SUBMITTED, FAILED)


class PaymentMachine(RuleBasedStateMachine):
    """Random events applied the way the services apply them: illegal edges are refused, repeats are no-ops."""

    def __init__(self) -> None:
        super().__init__()
        self.status = CREATED
        self.history = [CREATED]
        self.succeeded_once = False

    @rule(to=st.sampled_from(STATUSES))
    def event(self, to):
        self._apply(to)

    def _apply(self, to):
        if to == self.status:
            return
        if ps.can_transition(self.status, to):
            self.status = to
            self.history.append(to)
        else:
            with pytest.raises(IllegalTransition):
                ps.check_transition(self.status, to)
        self.succeeded_once |= self.status == SUCCEEDED

    @rule(gateway=st.sampled_from(ps.GATEWAY_STATUSES),
          reason=st.sampled_from([None, "insufficient_funds", "expired_on_confirmation", "canceled_by_payer"]))
    def gateway_says(self, gateway, reason):
        self._apply(ps.status_from_gateway(gateway, reason))

    @invariant()
    def success_is_never_downgraded(self):
        if self.succeeded_once:
            assert self.status == SUCCEEDED

    @invariant()
    def history_follows_the_table(self):
        for a, b in zip(self.history, self.history[1:], strict=False):
            assert (a, b) in ALLOWED
        assert self.history.count(SUCCEEDED) <= 1


TestPaymentMachine = PaymentMachine.TestCase
TestPaymentMachine.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)


@given(st.lists(st.sampled_from(STATUSES), max_size=20))
def test_random_sequences_end_in_success_iff_reached(sequence):
    status = CREATED
    reached = False
    for target in sequence:
        if target != status and ps.can_transition(status, target):
            status = target
        reached |= status == SUCCEEDED
    assert (status == SUCCEEDED) == reached


# --- YooKassa's statuses and cancellation reasons (issue 14) ----------------------------------------------------

YOOKASSA_REASONS = {
    # reason: our status — YooKassa's documented list of ``cancellation_details.reason``
    "3d_secure_failed": FAILED, "call_issuer": FAILED, "canceled_by_merchant": CANCELED, "card_expired": FAILED,
    "country_forbidden": FAILED, "deal_expired": EXPIRED, "expired_on_capture": EXPIRED,
    "expired_on_confirmation": EXPIRED, "fraud_suspected": FAILED, "general_decline": FAILED,
    "identification_required": FAILED, "insufficient_funds": FAILED, "internal_timeout": FAILED,
    "invalid_card_number": FAILED, "invalid_csc": FAILED, "issuer_unavailable": FAILED,
    "payment_method_limit_exceeded": FAILED, "payment_method_restricted": FAILED,
    "permission_revoked": CANCELED, "unsupported_mobile_operator": FAILED,
}


@pytest.mark.parametrize(("reason", "ours"), sorted(YOOKASSA_REASONS.items()))
def test_every_yookassa_cancellation_reason_has_a_status_and_a_russian_sentence(reason, ours):
    assert ps.status_from_gateway("canceled", reason) == ours
    text = ps.status_text(ours, reason)
    assert text != ps.STATUS_TEXTS[ours] or reason == "canceled_by_merchant"
    latin = text.replace("CVC/CVV", "").replace("3-D Secure", "")  # the words printed on cards and bank pages
    assert re.search("[А-Яа-яЁё]", text) and not re.search("[A-Za-z_]{3,}", latin), text


def test_every_yookassa_status_is_in_the_table():
    assert set(ps.GATEWAY_STATUS_TABLE) == {"pending", "waiting_for_capture", "succeeded", "canceled"}
    assert [ps.status_from_gateway(s) for s in ("pending", "waiting_for_capture", "succeeded")] == [
        AWAITING_CUSTOMER, AWAITING_CUSTOMER, SUCCEEDED]


@pytest.mark.parametrize("reason", [None, "", "a_reason_yookassa_adds_next_year"])
def test_an_unknown_reason_is_a_failure_named_plainly(reason):
    assert ps.status_from_gateway("canceled", reason) == FAILED
    assert ps.status_text(FAILED, reason) == "Платёж отклонён"


def test_the_reason_table_only_leads_to_final_failures():
    assert {status for status, _ in ps.CANCELLATION_REASONS.values()} <= ps.FAILURE_STATUSES
    assert set(ps.REASON_TEXTS) == set(ps.CANCELLATION_REASONS)
