"""State of the demo ЕСИА's registration page (``/esia/register``): «Зарегистрироваться».

Like the sign-in page, it belongs to the identity provider, not to ГИС ЖКХ, and it serves the sign-in
request the person started (``EsiaRequestHolder``): once the account exists, the same tab goes back to
«Вход» with that request, the new login filled in. Every rule about the data is the provider's
(``esia.registration``); this state only masks the phone and СНИЛС as they are typed, checks a complete
СНИЛС's checksum at once, and puts each message under its field. The password is read from the submitted
form only and never kept.
"""

from __future__ import annotations

import reflex as rx

from gkh_web import paths
from gkh_web.db.threads import in_thread
from gkh_web.domain.masks import mask_phone, mask_snils, snils_digits
from gkh_web.esia import registration
from gkh_web.esia.users import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, NewEsiaUser
from gkh_web.state.esia_login import EsiaLoginState, typed_snils_problem
from gkh_web.state.esia_request import EsiaRequestHolder
from gkh_web.state.event import event

PASSWORD_RULES = (
    f"не короче {PASSWORD_MIN_LENGTH} и не длиннее {PASSWORD_MAX_LENGTH} знаков",
    "и буквы, и цифры",
)
"""Shown under the password field: the rules ``gkh esia add-user`` applies (``users.password_problem``)."""
SHOWN_PHONE_MAX_LENGTH = 40
"""A phone field that held a megabyte goes back to the screen cut short (its message says what is wrong)."""
FIELDS = ("last_name", "first_name", "middle_name", "snils", "phone", "email", "password")


def _typed(form_data: dict, name: str, fallback: str = "") -> str:
    """A value of the submitted form as text (a browser may send anything, or nothing)."""
    value = form_data.get(name)
    return str(value) if value is not None and value != "" else fallback


class EsiaRegisterState(EsiaRequestHolder, rx.State):
    snils: rx.Field[str] = rx.field("")
    phone: rx.Field[str] = rx.field("")
    last_name_error: rx.Field[str] = rx.field("")
    first_name_error: rx.Field[str] = rx.field("")
    middle_name_error: rx.Field[str] = rx.field("")
    snils_error: rx.Field[str] = rx.field("")
    phone_error: rx.Field[str] = rx.field("")
    email_error: rx.Field[str] = rx.field("")
    password_error: rx.Field[str] = rx.field("")
    form_error: rx.Field[str] = rx.field("")
    show_password: rx.Field[bool] = rx.field(False)

    @rx.var
    def sign_in_href(self) -> str:
        """«Войти» next to the form: the provider's sign-in page with the same request."""
        return f"{paths.ESIA_LOGIN}?{self.request_query}"

    @event
    async def open_page(self):
        """Check the sign-in request this page serves; without a valid one nothing can be typed."""
        self._clear_errors()
        await self._read_request()

    def _clear_errors(self) -> None:
        for name in FIELDS:
            setattr(self, f"{name}_error", "")
        self.form_error = ""

    @event
    def field_edited(self, name: str):
        """The person changed a field: its old message goes (``name`` is checked, it comes from the browser)."""
        if name in FIELDS:
            setattr(self, f"{name}_error", "")

    @event
    def set_snils(self, value: str):
        self.snils = mask_snils(value)
        # While typing only a complete number is checked (its checksum); the rest waits for «Зарегистрироваться».
        self.snils_error = typed_snils_problem(self.snils) if len(snils_digits(self.snils)) == 11 else ""

    @event
    def set_phone(self, value: str):
        self.phone = mask_phone(value)
        self.phone_error = ""

    @event
    def toggle_password(self):
        self.show_password = not self.show_password

    @event
    async def submit(self, form_data: dict):
        """«Зарегистрироваться»: the provider checks and stores; success goes back to «Вход» of this request."""
        if self.request_error:
            return
        # The form's own values: a debounced keystroke may not have reached the state yet.
        new = NewEsiaUser(
            last_name=_typed(form_data, "last_name"), first_name=_typed(form_data, "first_name"),
            middle_name=_typed(form_data, "middle_name"), snils=_typed(form_data, "snils", self.snils),
            phone=_typed(form_data, "phone", self.phone), email=_typed(form_data, "email"),
            password=_typed(form_data, "password"),
        )
        self.snils, self.phone = mask_snils(new.snils), mask_phone(new.phone or "")[:SHOWN_PHONE_MAX_LENGTH]
        client_address = self.router.session.client_ip
        outcome = await in_thread(lambda: registration.register_esia_user(new, client_address=client_address))
        self._clear_errors()
        for name, message in outcome.field_problems.items():
            setattr(self, f"{name}_error", message)
        self.form_error = outcome.refusal
        if not outcome.registered:
            return
        (await self.get_state(EsiaLoginState)).welcome_registered(outcome.login)
        return rx.redirect(self._provider_page(paths.ESIA_LOGIN), replace=True)
