"""«Доступ гражданина в личный кабинет ГИС ЖКХ»: the data from ЕСИА, the e-mail, the agreement."""

from __future__ import annotations

import dataclasses

import reflex as rx

from gkh_web import paths
from gkh_web.db.threads import in_transaction
from gkh_web.domain.contacts import ContactError
from gkh_web.services.identity import agreement, residents
from gkh_web.state.event import event
from gkh_web.state.resident import ResidentPage


@dataclasses.dataclass(frozen=True)
class AgreementSection:
    title: str
    text: str


class AgreementState(ResidentPage, rx.State):
    fio: rx.Field[str] = rx.field("")
    snils: rx.Field[str] = rx.field("")
    phone: rx.Field[str] = rx.field("")
    email: rx.Field[str] = rx.field("")
    email_error: rx.Field[str] = rx.field("")
    accepted: rx.Field[bool] = rx.field(False)
    agreement_title: rx.Field[str] = rx.field("")
    agreement_version: rx.Field[str] = rx.field("")
    sections: rx.Field[list[AgreementSection]] = rx.field(default_factory=list)
    _shown_to: int = 0

    @event
    async def open_page(self):
        refused = await self.admit(agreement_page=True)
        if refused:
            return refused
        resident_id = self._resident_id
        profile = await in_transaction(lambda session: residents.resident_profile(session, resident_id))
        self.fio, self.snils, self.phone = profile.fio, profile.snils_text, profile.phone_text
        if self._shown_to != resident_id:
            # on_load may run again (reconnect, a late duplicate): keep what the resident typed.
            self._shown_to = resident_id
            self.email = profile.email
            self.email_error = ""
            self.accepted = False
        self.agreement_title = agreement.agreement_title()
        self.agreement_version = agreement.AGREEMENT_VERSION
        self.sections = [AgreementSection(title, text) for title, text in agreement.agreement_sections()]

    @event
    def set_accepted(self, value: bool):
        self.accepted = bool(value)

    @event
    async def proceed(self, form_data: dict):
        """«Продолжить»: store the e-mail and the acceptance in one transaction."""
        self.email = str(form_data.get("email", self.email))
        if not self.accepted:
            return
        resident_id = await self.signed_in_resident()
        if resident_id is None:
            return self.to_start()
        email = self.email
        try:
            await in_transaction(lambda session: agreement.accept_agreement(session, resident_id, email=email))
        except ContactError as error:
            self.email_error = str(error)
            return
        return rx.redirect(paths.CABINET, replace=True)
