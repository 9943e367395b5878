"""Test cards of the sandbox (design/payments.md §6.6) and what each one does.

Only these numbers are accepted: a real card typed by mistake is refused
before anything happens. The payment row keeps the *scenario name*, never
the number, so nothing in the database can be turned back into a PAN.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """What happens after «Оплатить» with a test card."""

    name: str
    outcome: str = "succeeded"  # succeeded | canceled | waiting_for_capture | pending
    reason: str | None = None  # YooKassa cancellation reason when canceled
    party: str = "payment_network"
    three_ds: bool = False  # a 3-D Secure challenge page comes first
    after_3ds_reason: str | None = None  # 3-DS passes, then the issuer declines
    slow: bool = False
    webhooks: int = 1  # how many times the final notification is sent
    amount_skew_kopecks: int = 0  # GET reports this much more than was charged


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("success"),
    Scenario("three_ds", three_ds=True),
    Scenario("three_ds_then_decline", three_ds=True, after_3ds_reason="general_decline"),
    Scenario("three_ds_failed", outcome="canceled", reason="3d_secure_failed"),
    Scenario("general_decline", outcome="canceled", reason="general_decline"),
    Scenario("insufficient_funds", outcome="canceled", reason="insufficient_funds"),
    Scenario("card_expired", outcome="canceled", reason="card_expired"),
    Scenario("invalid_csc", outcome="canceled", reason="invalid_csc"),
    Scenario("fraud_suspected", outcome="canceled", reason="fraud_suspected", party="yoo_money"),
    Scenario("processing_error", outcome="canceled", reason="processing_error", party="yoo_money"),
    Scenario("slow", slow=True),
    Scenario("no_webhook", webhooks=0),
    Scenario("duplicate_webhook", webhooks=2),
    Scenario("pending_forever", outcome="pending", webhooks=0),
    Scenario("authorise_only", outcome="waiting_for_capture", webhooks=0),
    Scenario("amount_plus_one", amount_skew_kopecks=1),
)}

TEST_CARDS: dict[str, str] = {
    "4242424242424242": "success",
    "5555555555554444": "success",
    "2202474301322987": "success",
    "4444333322221111": "success",
    "370000000000002": "success",  # Amex (YooKassa list): 4-digit CVC
    "4000002760003184": "three_ds",
    "4000000000003220": "three_ds",
    "5555555555554477": "three_ds",
    "2200000000000004": "three_ds",
    "4000008400001629": "three_ds_then_decline",
    "5555555555554592": "three_ds_failed",
    "2200000000000012": "three_ds_failed",
    "4000000000000002": "general_decline",
    "5555555555554527": "general_decline",
    "4000000000009995": "insufficient_funds",
    "5555555555554600": "insufficient_funds",
    "2200000000000053": "insufficient_funds",
    "4000000000000069": "card_expired",
    "5555555555554543": "card_expired",
    "4000000000000127": "invalid_csc",
    "5555555555554626": "invalid_csc",
    "5555555555554568": "fraud_suspected",
    "4000000000000119": "processing_error",
    "4000009900000012": "slow",
    "4000009900000020": "no_webhook",
    "4000009900000038": "duplicate_webhook",
    "4000009900000046": "pending_forever",
    "4000009900000053": "authorise_only",
    "4000009900000061": "amount_plus_one",
}


def scenario_for_card(digits: str) -> Scenario | None:
    """The scenario of a test card (digits only), or None for any other number."""
    name = TEST_CARDS.get(digits)
    return SCENARIOS[name] if name else None
