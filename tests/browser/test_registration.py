"""«Зарегистрироваться» (issue 12 §0) in Chromium: from the start page and from the ЕСИА sign-in page to
a new account, back to «Вход» with the login filled in, and on to the first-visit agreement page.

SNILS, phones and e-mails here are used by no other browser test (they share one database per run).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from gkh_web.services.data.demo_data import DEMO_LOGINS
from tests.browser.flows import open_esia_login, serious_accessibility_violations

pytestmark = pytest.mark.browser

IVANOV = next(login for login in DEMO_LOGINS if login.key == "ivanov")
DEMO_NOTE = ("Упрощённая регистрация демо-ЕСИА: настоящая регистрация проходит на Госуслугах "
             "с подтверждением телефона и личности")
AGREEMENT_TITLE = "Доступ гражданина в личный кабинет ГИС ЖКХ"


def _expect_registration_page(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/esia/register\?"))
    expect(page.get_by_role("heading", name="Регистрация", exact=True)).to_be_visible()
    expect(page.locator("#reg-demo-note")).to_have_text(DEMO_NOTE)
    expect(page.locator("#reg-password-rules")).to_contain_text("не короче 8 и не длиннее 256 знаков")
    expect(page.locator("#reg-password-rules")).to_contain_text("и буквы, и цифры")


def _fill_person(page: Page, last: str, first: str, middle: str, password: str) -> None:
    page.get_by_label("Фамилия").fill(last)
    page.get_by_label("Имя", exact=True).fill(first)
    page.get_by_label("Отчество (если есть)").fill(middle)
    page.get_by_label("Пароль", exact=True).fill(password)


def _sign_in_after_registering(page: Page, login: str, password: str) -> None:
    """Back on the ЕСИА sign-in page of the same request: the notice, the login filled in, «Войти»."""
    expect(page).to_have_url(re.compile(r"/esia/login\?"))
    expect(page.locator("#esia-notice")).to_have_text("Учётная запись создана — войдите")
    expect(page.locator("#esia-login")).to_have_value(login)
    page.locator("#esia-password").fill(password)
    page.get_by_role("button", name="Войти", exact=True).click()
    expect(page).to_have_url(re.compile(r"/agreement$"), timeout=15_000)
    expect(page.get_by_role("heading", name=AGREEMENT_TITLE)).to_be_visible()


def test_register_from_the_start_page_then_sign_in_and_meet_the_agreement(served_app, kiosk_page, console):
    page = kiosk_page
    page.goto(served_app.url + "/")
    page.get_by_role("button", name="Зарегистрироваться").click()
    _expect_registration_page(page)

    _fill_person(page, "Регистрова", "Анна", "Сергеевна", "Anna-2026")
    page.locator("#reg-phone").press_sequentially("89165550707")
    expect(page.locator("#reg-phone")).to_have_value("+7 (916) 555-07-07")
    page.locator("#reg-snils").press_sequentially("21032043073")  # the checksum is 72
    expect(page.locator("#reg-snils")).to_have_value("210-320-430 73")
    expect(page.locator("#reg-snils-error")).to_have_text("Проверьте СНИЛС: контрольное число не совпадает")
    expect(page.locator("#reg-snils-error")).to_have_attribute("role", "alert")
    page.locator("#reg-snils").press("Backspace")
    page.locator("#reg-snils").press_sequentially("2")
    expect(page.locator("#reg-snils-error")).to_have_count(0)
    page.get_by_role("button", name="Зарегистрироваться").click()

    _sign_in_after_registering(page, "+7 (916) 555-07-07", "Anna-2026")
    expect(page.locator("#profile-fio")).to_have_text("Регистрова Анна Сергеевна")
    expect(page.locator("#profile-snils")).to_have_text("210-320-430 72")
    assert console.errors == []


def test_register_from_the_esia_sign_in_link_with_an_email_only(served_app, kiosk_page):
    """A taken phone is told at its field without a name; then an e-mail alone is enough."""
    page = kiosk_page
    open_esia_login(page, served_app.url)
    page.get_by_role("link", name="Зарегистрироваться").click()
    _expect_registration_page(page)

    _fill_person(page, "Почтова", "Мария", "", "Maria-2026")
    page.locator("#reg-snils").fill("310-420-530 90")
    page.locator("#reg-phone").fill(IVANOV.phone)
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.locator("#reg-phone-error")).to_have_text("Пользователь ЕСИА с таким телефоном уже есть")
    expect(page.locator("#reg-phone-error")).to_have_attribute("role", "alert")
    for part in IVANOV.fio.split():
        expect(page.locator("body")).not_to_contain_text(part)

    page.locator("#reg-phone").fill("")
    page.get_by_label("Пароль", exact=True).fill("Maria-2026")
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.locator("#reg-phone-error")).to_have_text(
        "Укажите мобильный телефон или электронную почту (хотя бы одно)")
    page.get_by_label("Электронная почта").fill("Maria.P@Example.com")
    page.get_by_role("button", name="Зарегистрироваться").click()

    _sign_in_after_registering(page, "maria.p@example.com", "Maria-2026")
    expect(page.locator("#profile-fio")).to_have_text("Почтова Мария")


@pytest.mark.parametrize("size", ["kiosk", "phone"])
def test_registration_page_is_accessible_touch_sized_and_never_scrolls_sideways(served_app, kiosk_page,
                                                                                 phone_page, size):
    page = kiosk_page if size == "kiosk" else phone_page
    page.goto(served_app.url + "/")
    page.get_by_role("button", name="Зарегистрироваться").click()
    _expect_registration_page(page)
    page.locator("#reg-snils").press_sequentially("41052063008")  # an error on screen, too
    expect(page.locator("#reg-snils-error")).to_be_visible()

    violations = serious_accessibility_violations(page)
    assert not violations, "\n".join(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    controls = page.evaluate("""() => [...document.querySelectorAll('button, input, a, [role=radio]')]
        .filter(e => e.getClientRects().length > 0)
        .map(e => { const r = e.getBoundingClientRect();
                    return [e.tagName + ' ' + (e.getAttribute('aria-label') || e.id || e.textContent).slice(0, 40),
                            Math.round(r.width), Math.round(r.height)]; })""")
    assert len(controls) >= 10, controls
    small = [control for control in controls if control[1] < 44 or control[2] < 44]
    assert small == [], small
    for field in ("Фамилия", "Имя", "Отчество (если есть)", "Мобильный телефон", "Электронная почта", "СНИЛС"):
        expect(page.get_by_label(field, exact=True)).to_be_visible()
