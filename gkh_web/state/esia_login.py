"""State of the demo ЕСИА login page — the identity provider's own UI, not ГИС ЖКХ's.

It knows nothing about residents: it checks the login and password against the
provider's users, and on success hands the browser back to the relying party
with a single-use code. The password is read from the submitted form only and is
never kept in state.
"""

from __future__ import annotations

import asyncio
import dataclasses
from urllib.parse import urlencode

import reflex as rx

from gkh_web.domain.contacts import login_problem
from gkh_web.domain.identifiers import IdentifierError, normalize_snils
from gkh_web.domain.masks import mask_phone, mask_snils, snils_digits
from gkh_web.esia import provider
from gkh_web.services.data.demo_data import DEMO_LOGINS
from gkh_web.settings import get_settings
from gkh_web.state.esia_request import EsiaRequestHolder
from gkh_web.state.event import event

MODE_PHONE_EMAIL = "phone_email"
MODE_SNILS = "snils"
MSG_REGISTERED = "Учётная запись создана — войдите"


@dataclasses.dataclass(frozen=True)
class DemoLoginHint:
    fio: str
    phone: str
    email: str
    snils: str
    purpose: str


def _demo_hints() -> list[DemoLoginHint]:
    return [
        DemoLoginHint(d.fio, mask_phone(d.phone), d.email, mask_snils(d.snils), d.purpose)
        for d in DEMO_LOGINS
    ]


class EsiaLoginState(EsiaRequestHolder, rx.State):
    mode: rx.Field[str] = rx.field(MODE_PHONE_EMAIL)
    login: rx.Field[str] = rx.field("")
    snils: rx.Field[str] = rx.field("")
    snils_error: rx.Field[str] = rx.field("")
    login_error: rx.Field[str] = rx.field("")
    password_error: rx.Field[str] = rx.field("")
    form_error: rx.Field[str] = rx.field("")
    show_password: rx.Field[bool] = rx.field(False)
    notice: rx.Field[str] = rx.field("")
    demo_logins: rx.Field[list[DemoLoginHint]] = rx.field(default_factory=list)
    _registered_login: str = ""

    @event
    async def open_page(self):
        """Read and check the relying party's request; a bad one is refused before any typing.

        Coming back from registration, the new login is filled in and «Учётная запись создана» is
        said once; any later opening of the page starts clean.
        """
        self.form_error = self.login_error = self.password_error = self.snils_error = ""
        await self._read_request()
        self.demo_logins = _demo_hints() if get_settings().demo_mode else []
        registered, self._registered_login = self._registered_login, ""
        self.notice = MSG_REGISTERED if registered else ""
        if registered:
            self.mode, self.login = MODE_PHONE_EMAIL, registered

    def welcome_registered(self, login: str) -> None:
        """Called by the registration page of the same tab: the next opening of this page greets ``login``."""
        self._registered_login = login

    @event
    def set_mode(self, mode: str | list[str]):
        if mode in (MODE_PHONE_EMAIL, MODE_SNILS):
            self.mode = mode
            self.form_error = self.login_error = self.password_error = ""

    @event
    def set_login(self, value: str):
        self.login = mask_phone(value)
        self.login_error = ""

    @event
    def set_snils(self, value: str):
        self.snils = mask_snils(value)
        # While typing only a complete number is checked (its checksum); the rest waits for «Войти».
        self.snils_error = typed_snils_problem(self.snils) if len(snils_digits(self.snils)) == 11 else ""

    @event
    def toggle_password(self):
        self.show_password = not self.show_password

    @event
    def use_demo_login(self, login: str):
        """Kiosk demo: tap a demo person to put their login in the field."""
        self.mode = MODE_PHONE_EMAIL
        self.login = mask_phone(login)
        self.login_error = self.form_error = ""

    @event
    async def submit(self, form_data: dict):
        if self.request_error:
            return
        # The form's own values: a debounced keystroke may not have reached the state yet.
        # They are checked as sent, before the mask could cut off an extra digit.
        if self.mode == MODE_SNILS:
            typed = str(form_data.get("snils") or self.snils)
            self.snils = login = mask_snils(typed)
        else:
            typed = str(form_data.get("login") or self.login)
            self.login = login = mask_phone(typed)
        password = str(form_data.get("password") or "")
        if not self._fields_ok(typed, password):
            return
        if not get_settings().embedded_esia_serving:
            return
        outcome = await asyncio.to_thread(
            provider.sign_in_and_issue_code, login, password, self._request(),
            client_address=self.router.session.client_ip,
        )
        if outcome.code is None:
            self.form_error = outcome.message
            return
        self.form_error = ""
        query = urlencode({"code": outcome.code, "state": self._state})
        separator = "&" if "?" in self._redirect_uri else "?"
        return rx.redirect(f"{self._redirect_uri}{separator}{query}", replace=True)

    def _fields_ok(self, typed: str, password: str) -> bool:
        """Only a well-formed login and a password of sane length go to the provider (and its lock counter)."""
        if self.mode == MODE_SNILS:
            self.snils_error = typed_snils_problem(typed)
            self.login_error = ""
        else:
            self.login_error = login_problem(typed) if typed.strip() else "Введите телефон или электронную почту"
        if not password:
            self.password_error = "Введите пароль"
        elif len(password) > provider.MAX_PASSWORD_LENGTH:
            self.password_error = f"Пароль — не длиннее {provider.MAX_PASSWORD_LENGTH} знаков"
        else:
            self.password_error = ""
        return not (self.snils_error if self.mode == MODE_SNILS else self.login_error) and not self.password_error


def typed_snils_problem(typed: str) -> str:
    """The СНИЛС as sent: letters, other digits («٣», «３») or a twelfth digit are not dropped silently."""
    try:
        normalize_snils(typed)
    except IdentifierError as error:
        return str(error)
    return ""
