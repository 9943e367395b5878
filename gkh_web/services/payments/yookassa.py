"""YooKassa API v3 behind the gateway contract (``GKH_GATEWAY=yookassa``).

YooKassa answers the same REST calls as the embedded sandbox (``HttpGateway``: the same
``Idempotence-Key`` replay, payment object, errors and time limits), with three differences
this adapter owns:

* **The create body.** No ``commission`` field (YooKassa does not know our commission: it is
  part of ``amount``), and a ``receipt`` (54-ФЗ) built by ``domain.fiscal_receipt`` from the
  payment's documents, the commission and the resident's contact, so that «Чеки от ЮKassa» (or
  the shop's own cash register behind YooKassa) registers the receipt. The key is always the
  payment's persisted ``idempotency_key`` — the official SDK's fresh ``uuid4()`` per call is
  exactly what a retry must not do.
* **Commissions.** YooKassa has no ``/payment_methods`` that says what the payer pays on top:
  the shop decides that, so each method's rate is a setting (``GKH_YOOKASSA_COMMISSION_CARD`` /
  ``_WALLET``, none by default). What YooKassa charges the shop (its tariff, taken from
  ``income_amount``) is the shop's business and never the payer's.
* **Notifications** carry no signature; ``payment_webhook`` hears them only from YooKassa's
  networks and then asks this adapter for the payment (see there).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from gkh_web.domain.commission import CommissionRate
from gkh_web.domain.fiscal_receipt import FiscalReceipt, ReceiptLine
from gkh_web.services.payments.gateway_client import (
    METHOD_TYPES,
    READ_TIMEOUT_SECONDS,
    HttpGateway,
    kopecks_to_value,
    value_to_kopecks,
)

PAYMENT_MODE = "full_payment"
PAYMENT_SUBJECT = "service"


def receipt_json(receipt: FiscalReceipt) -> dict[str, Any]:
    """The ``receipt`` object of a YooKassa create: ``customer`` and ``items`` with "1234.56" amounts."""
    customer = {"email": receipt.email} if receipt.email else {"phone": receipt.phone}
    return {"customer": customer, "items": [_item(line, receipt.vat_code) for line in receipt.lines]}


def _item(line: ReceiptLine, vat_code: int) -> dict[str, Any]:
    return {
        "description": line.description,
        "quantity": line.quantity,
        "amount": {"value": kopecks_to_value(line.amount_kopecks), "currency": "RUB"},
        "vat_code": vat_code,
        "payment_mode": PAYMENT_MODE,
        "payment_subject": PAYMENT_SUBJECT,
    }


class YooKassaGateway(HttpGateway):
    """``PaymentGateway`` for a YooKassa shop (Basic auth ``shop_id:secret_key``)."""

    def __init__(
        self,
        base_url: str,
        shop_id: str,
        secret_key: str,
        *,
        rates: Mapping[str, CommissionRate],
        receipts: bool = True,
        name: str = "yookassa",
        read_timeout_seconds: float = READ_TIMEOUT_SECONDS,  # ok-float: seconds
        overall_timeout_seconds: float = READ_TIMEOUT_SECONDS + 10,  # ok-float: seconds
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(base_url, shop_id, secret_key, name=name, read_timeout_seconds=read_timeout_seconds,
                         overall_timeout_seconds=overall_timeout_seconds, transport=transport)
        if set(rates) != set(METHOD_TYPES):
            raise ValueError(f"a commission rate is needed for each of {sorted(METHOD_TYPES)}")
        self._rates = dict(rates)
        self._receipts = receipts

    def __repr__(self) -> str:  # never show the secret
        return f"YooKassaGateway(name={self.name!r}, base_url={self.base_url!r})"

    def _in_dialect(self, body: dict[str, Any], receipt: FiscalReceipt | None) -> dict[str, Any]:
        """YooKassa's dialect: no ``commission`` field (it is inside ``amount``), the 54-ФЗ ``receipt`` unless
        receipts are off; a receipt that does not add up to the amount charged is a bug, never sent."""
        body = {key: value for key, value in body.items() if key != "commission"}
        if receipt is not None and self._receipts:
            if receipt.total_kopecks != value_to_kopecks(body["amount"]["value"]):
                raise ValueError("the receipt does not add up to the amount charged")
            body["receipt"] = receipt_json(receipt)
        return body

    async def payment_methods(self) -> dict[str, CommissionRate]:
        """The shop's own rates from the settings: YooKassa has no endpoint that declares them."""
        return dict(self._rates)
