"""«Мои платежи»: every payment of the signed-in resident with its status."""

import reflex as rx

from gkh_web.db.threads import in_transaction
from gkh_web.services import payments
from gkh_web.services.payments import PaymentView
from gkh_web.state.event import event
from gkh_web.state.resident import ResidentPage


class PaymentHistoryState(ResidentPage, rx.State):
    payments: rx.Field[list[PaymentView]] = rx.field(default_factory=list)
    loaded: rx.Field[bool] = rx.field(False)

    @event
    async def open_page(self):
        refused = await self.admit()
        resident_id = self._resident_id
        if refused:
            self.payments, self.loaded = [], False
            return refused
        self.payments = await in_transaction(lambda session: payments.payments_of_resident(session, resident_id))
        self.loaded = True
