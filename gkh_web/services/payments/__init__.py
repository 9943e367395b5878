"""Payments of ЖКУ: create, send to the gateway, follow up, and show «Мои платежи».

The database is the record of intent, the gateway the record of money:

1. ``create_payment`` — one transaction: the selection is re-checked by
   ``payment_page.confirm_selection`` (amounts come from the database), then
   the payment with its idempotency key, its items and a first event are
   written. UNIQUE (payment_document_id, open) on ``payment_item`` refuses a
   second unfinished payment of a document (``DocumentBeingPaid``).
2. ``start_payment`` — CREATED → SUBMITTED (commit), then the HTTP create with
   the stored key (no transaction open), then the answer is recorded in a
   second transaction. An unknown outcome leaves SUBMITTED for the reconciler.
3. ``reconcile`` — asks the gateway about payments stuck in SUBMITTED or
   AWAITING_CUSTOMER (replaying the create with the same key when the gateway
   id was never learned), expires what the payer abandoned.
4. ``handle_notification`` — a verified notification is only a hint: the
   gateway is asked about the payment it names, and that answer is applied as in 3.

Every status change goes through ``transition``: it checks the table of
``domain.payment_states``, moves the status with a compare-and-set UPDATE,
appends ``payment_event``, clears the items' ``open`` marker on a final status
and, on success, adds the items to ``payment_document.paid_kopecks`` — all in
the caller's transaction. Success is never downgraded.

The package is one module per step: ``status`` (the one writer), ``creation``,
``sending``, ``notifications``, ``reconciliation`` and ``views``; the gateway's
client, the payment page's figures and the receipt PDF sit beside them.
"""

from gkh_web.services.payments.creation import (
    MSG_DOCUMENT_BEING_PAID,
    DocumentBeingPaid,
    PaymentRecord,
    create_payment,
)
from gkh_web.services.payments.notifications import handle_notification
from gkh_web.services.payments.reconciliation import EXPIRE_AFTER_SECONDS, ReconcileReport, reconcile
from gkh_web.services.payments.sending import (
    MSG_PAGE_REFUSED,
    StartResult,
    cancel_waiting_payments,
    refresh_from_gateway,
    start_payment,
)
from gkh_web.services.payments.status import (
    MSG_PAYMENT_NOT_FOUND,
    PaymentNotFound,
    SessionFactory,
    apply_gateway_payment,
    transition,
)
from gkh_web.services.payments.views import PaymentItemView, PaymentView, payment_view, payments_of_resident

__all__ = [
    "EXPIRE_AFTER_SECONDS",
    "MSG_DOCUMENT_BEING_PAID",
    "MSG_PAGE_REFUSED",
    "MSG_PAYMENT_NOT_FOUND",
    "DocumentBeingPaid",
    "PaymentItemView",
    "PaymentNotFound",
    "PaymentRecord",
    "PaymentView",
    "ReconcileReport",
    "SessionFactory",
    "StartResult",
    "apply_gateway_payment",
    "cancel_waiting_payments",
    "create_payment",
    "handle_notification",
    "payment_view",
    "payments_of_resident",
    "reconcile",
    "refresh_from_gateway",
    "start_payment",
    "transition",
]
