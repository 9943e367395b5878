"""The commissions the gateway declares, as the payment page needs them: cached briefly, never guessed.

The method picker shows every method's commission, and «Перейти к оплате» recomputes it; both
ask here. The gateway's answer is kept ``RATES_TTL_SECONDS`` per gateway (one request per
minute per worker instead of one per tap). When the gateway cannot say — it is down, slow,
refuses or answers something unusable — the answer is None: the page then names no figure
and no payment starts, because a commission the gateway did not declare is a wrong one. A
failure is not cached, so the next tap asks again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from gkh_web.domain.commission import CommissionRate, commission_kopecks, describe_rate
from gkh_web.domain.money import format_rubles
from gkh_web.services.payments.gateway_client import GatewayError, PaymentGateway

log = logging.getLogger(__name__)

RATES_TTL_SECONDS = 60
_cache: dict[str, tuple[float, dict[str, CommissionRate]]] = {}  # ok-float: monotonic seconds


@dataclass(frozen=True)
class MethodCharge:
    """One method's figures for a sum, as the screen shows them."""

    method: str
    commission_kopecks: int
    charged_kopecks: int
    rate_text: str
    """«1 %, не менее 10,00 ₽» or «без комиссии»."""
    commission_text: str
    """«12,35 ₽ (1 %, не менее 10,00 ₽)», or «0,00 ₽ — без комиссии» only when the figure is zero."""
    charged_text: str


def forget_rates() -> None:
    """Drop every cached answer (tests; a gateway that refused a commission)."""
    _cache.clear()


async def method_rates(gateway: PaymentGateway) -> dict[str, CommissionRate] | None:
    """Each method's declared rate, or None when the gateway cannot tell now."""
    key = f"{gateway.name} {gateway.base_url}"
    cached = _cache.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    try:
        rates = await gateway.payment_methods()
    except GatewayError as error:
        log.warning("gateway %s: commissions unknown: %s", gateway.name, error)
        return None
    _cache[key] = (time.monotonic() + RATES_TTL_SECONDS, rates)
    return rates


def method_charge(method: str, amount_kopecks: int, rate: CommissionRate) -> MethodCharge:
    """What paying ``amount_kopecks`` with ``method`` costs the payer, ready for the screen."""
    commission = commission_kopecks(amount_kopecks, rate)
    return MethodCharge(
        method=method,
        commission_kopecks=commission,
        charged_kopecks=amount_kopecks + commission,
        rate_text=describe_rate(rate),
        commission_text=(f"{format_rubles(commission)} ({describe_rate(rate)})" if commission
                         else f"{format_rubles(0)} — без комиссии"),
        charged_text=format_rubles(amount_kopecks + commission),
    )
