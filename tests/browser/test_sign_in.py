"""Sign-in through the demo ЕСИА, the first-login access page and the kiosk's safety nets."""

from __future__ import annotations

import re
import subprocess

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gkh_web.services.data.demo_data import DEMO_LOGINS
from tests.browser.conftest import BIN, PROJECT_ROOT, open_page
from tests.browser.flows import (
    accept_agreement_if_asked,
    open_esia_login,
    serious_accessibility_violations,
    sign_in,
    sign_in_to_cabinet,
    submit_esia_login,
)

pytestmark = pytest.mark.browser

LOGINS = {login.key: login for login in DEMO_LOGINS}
IVANOV, PETROVA, SIDOROV = (LOGINS[k] for k in ("ivanov", "petrova", "sidorov"))


def _db_value(served_app, sql: str, **params):
    engine = sa.create_engine(served_app.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


def test_sign_in_by_phone_typed_with_8_reaches_the_cabinet(served_app, kiosk_page, console):
    sign_in(kiosk_page, served_app.url, "8 " + IVANOV.phone[2:])
    accept_agreement_if_asked(kiosk_page)
    expect(kiosk_page.locator(".linked-account")).to_have_count(3)
    expect(kiosk_page.get_by_role("link", name="Оплатить ЖКУ")).to_be_visible()
    expect(kiosk_page.locator("#resident-name")).to_have_text(IVANOV.fio)
    assert console.errors == []


def test_sign_in_by_email_in_capitals(served_app, kiosk_page):
    sign_in_to_cabinet(kiosk_page, served_app.url, PETROVA.email.upper())
    expect(kiosk_page.locator("#resident-name")).to_have_text(PETROVA.fio)


def test_sign_in_by_snils(served_app, kiosk_page):
    sign_in_to_cabinet(kiosk_page, served_app.url, SIDOROV.snils, by_snils=True)
    expect(kiosk_page.locator(".linked-account")).to_have_count(1)


def test_phone_mask_and_snils_checksum_while_typing(served_app, kiosk_page):
    open_esia_login(kiosk_page, served_app.url)
    kiosk_page.locator("#esia-login").press_sequentially("89035550101")
    expect(kiosk_page.locator("#esia-login")).to_have_value("+7 (903) 555-01-01")
    kiosk_page.get_by_role("radio", name="СНИЛС").click()
    kiosk_page.locator("#esia-snils").press_sequentially("14526738978")
    expect(kiosk_page.locator("#esia-snils")).to_have_value("145-267-389 78")
    expect(kiosk_page.locator("#esia-snils-error")).to_have_text("Проверьте СНИЛС: контрольное число не совпадает")
    kiosk_page.locator("#esia-snils").press("Backspace")
    kiosk_page.locator("#esia-snils").press_sequentially("9")
    expect(kiosk_page.locator("#esia-snils-error")).to_have_count(0)


def test_wrong_password_and_unknown_login_say_the_same(served_app, kiosk_page):
    open_esia_login(kiosk_page, served_app.url)
    submit_esia_login(kiosk_page, IVANOV.email, "wrong-password")
    expect(kiosk_page.locator("#esia-form-error")).to_have_text("Неверный логин или пароль")
    submit_esia_login(kiosk_page, "nobody@example.com", "wrong-password")
    expect(kiosk_page.locator("#esia-form-error")).to_have_text("Неверный логин или пароль")


def test_five_wrong_passwords_lock_the_login(served_app, kiosk_page):
    _add_esia_user(served_app, last_name="Блокова", first_name="Ольга", snils="112-233-445 95",
                   phone="+7 903 555-77-77", email="lock@example.com", password="Right-Pass-1")
    open_esia_login(kiosk_page, served_app.url)
    for _ in range(5):
        submit_esia_login(kiosk_page, "lock@example.com", "wrong")
        expect(kiosk_page.locator("#esia-form-error")).to_be_visible()
    submit_esia_login(kiosk_page, "lock@example.com", "Right-Pass-1")
    expect(kiosk_page.locator("#esia-form-error")).to_contain_text("заблокирован")
    expect(kiosk_page.locator("#esia-form-error")).to_contain_text(re.compile(r"после \d{2}:\d{2}"))
    expect(kiosk_page).to_have_url(re.compile(r"/esia/login"))


def _add_esia_user(served_app, *, last_name, first_name, snils, phone, email, password):
    """A person known to the demo ЕСИА only, created the way an operator does it."""
    subprocess.run(
        [str(BIN / "gkh"), "esia", "add-user", "--last-name", last_name, "--first-name", first_name,
         "--snils", snils, "--phone", phone, "--email", email, "--password", password],
        env=served_app.env, cwd=PROJECT_ROOT, check=True, capture_output=True,
    )


def test_first_sign_in_requires_the_agreement_and_keeps_the_changed_email(served_app, kiosk_page):
    _add_esia_user(served_app, last_name="Новикова", first_name="Вера", snils="136-571-200 49",
                   phone="+7 (903) 555-66-66", email="novikova@example.com", password="Novikova-1")
    sign_in(kiosk_page, served_app.url, "novikova@example.com", "Novikova-1")
    expect(kiosk_page).to_have_url(re.compile(r"/agreement$"))
    expect(kiosk_page.locator("#profile-fio")).to_have_text("Новикова Вера")
    expect(kiosk_page.locator("#profile-snils")).to_have_text("136-571-200 49")
    expect(kiosk_page.locator("#profile-phone")).to_have_text("+7 (903) 555-66-66")
    expect(kiosk_page.locator("#profile-email")).to_have_value("novikova@example.com")
    continue_button = kiosk_page.get_by_role("button", name="Продолжить")
    expect(continue_button).to_be_disabled()
    kiosk_page.get_by_role("button", name="Пользовательского соглашения").click()
    expect(kiosk_page.locator("#agreement-dialog")).to_contain_text("152-ФЗ")
    kiosk_page.locator("#agreement-close").click()
    expect(kiosk_page.locator("#agreement-dialog")).to_have_count(0)
    kiosk_page.locator("#profile-email").fill("vera.n@example")
    kiosk_page.get_by_role("checkbox").click()
    expect(continue_button).to_be_enabled()
    continue_button.click()
    expect(kiosk_page.locator("#profile-email-error")).to_be_visible()
    expect(kiosk_page).to_have_url(re.compile(r"/agreement$"))
    assert _db_value(served_app, "select agreement_version from resident where snils = '13657120049'") is None
    kiosk_page.locator("#profile-email").fill("Vera.N@Example.com")
    continue_button.click()
    expect(kiosk_page).to_have_url(re.compile(r"/cabinet$"))
    assert _db_value(served_app, "select email from resident where snils = '13657120049'") == "vera.n@example.com"
    assert _db_value(served_app, "select agreement_version from resident where snils = '13657120049'")
    # Signing in again goes straight to the cabinet and keeps the e-mail from the ГИС ЖКХ profile.
    kiosk_page.get_by_role("button", name="Выйти").click()
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    sign_in(kiosk_page, served_app.url, "+79035556666", "Novikova-1")
    expect(kiosk_page).to_have_url(re.compile(r"/cabinet$"))
    assert _db_value(served_app, "select email from resident where snils = '13657120049'") == "vera.n@example.com"
    violations = serious_accessibility_violations(kiosk_page)
    assert not violations, "\n".join(violations)


def test_back_after_sign_out_shows_nothing_of_the_resident(served_app, kiosk_page):
    sign_in_to_cabinet(kiosk_page, served_app.url, IVANOV.phone)
    expect(kiosk_page.locator(".linked-account")).to_have_count(3)
    kiosk_page.get_by_role("button", name="Выйти").click()
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    kiosk_page.go_back()
    kiosk_page.wait_for_load_state("networkidle")
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    assert IVANOV.last_name not in kiosk_page.content()
    kiosk_page.go_forward()
    kiosk_page.wait_for_load_state("networkidle")
    assert IVANOV.last_name not in kiosk_page.content()


def test_a_new_tab_has_no_session(served_app, kiosk_page):
    sign_in_to_cabinet(kiosk_page, served_app.url, IVANOV.phone)
    second_tab = kiosk_page.context.new_page()
    second_tab.goto(served_app.url + "/cabinet")
    expect(second_tab.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    assert IVANOV.last_name not in second_tab.content()


def pass_seconds(page, seconds: int) -> None:
    """Let ``seconds`` of the kiosk's clock pass, one at a time, with time for each tick's round trip."""
    for _ in range(seconds):
        page.clock.fast_forward(1_000)
        page.wait_for_timeout(120)


def test_idle_kiosk_asks_then_resets_to_the_start_screen(served_app, kiosk_page):
    """Reflex's own triggers and clock drive the guard; the test moves the page's clock (Playwright)."""
    kiosk_page.clock.install()
    sign_in_to_cabinet(kiosk_page, served_app.url, IVANOV.phone)
    kiosk_page.clock.fast_forward(119_000)  # just short of the 2 minutes: nothing yet
    kiosk_page.wait_for_timeout(300)
    expect(kiosk_page.get_by_role("alertdialog")).to_have_count(0)
    kiosk_page.clock.fast_forward(2_000)
    expect(kiosk_page.get_by_role("alertdialog")).to_contain_text("Вы ещё здесь?")
    # 20 seconds from the moment the prompt was due; the page's clock runs on while the dialog opens, and on a
    # busy machine the first number drawn may already be 19
    expect(kiosk_page.locator("#kiosk-countdown")).to_have_text(re.compile(r"^(20|19)$"))
    pass_seconds(kiosk_page, 3)
    expect(kiosk_page.locator("#kiosk-countdown")).to_have_text(re.compile(r"^1[5-8]$"))
    kiosk_page.get_by_role("button", name="Я здесь").click()
    expect(kiosk_page.get_by_role("alertdialog")).to_have_count(0)
    expect(kiosk_page.locator(".linked-account")).to_have_count(3)
    kiosk_page.clock.fast_forward(121_000)
    expect(kiosk_page.get_by_role("alertdialog")).to_be_visible()
    pass_seconds(kiosk_page, 22)
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    kiosk_page.go_back()
    kiosk_page.wait_for_load_state("networkidle")
    assert IVANOV.last_name not in kiosk_page.content()


def test_two_kiosks_each_see_only_their_own_accounts(served_app, browser, console):
    ivanov_page, sidorov_page = open_page(browser, console), open_page(browser, console)
    try:
        sign_in_to_cabinet(ivanov_page, served_app.url, IVANOV.phone)
        sign_in_to_cabinet(sidorov_page, served_app.url, SIDOROV.phone)
        ivanov_page.reload()
        expect(ivanov_page.locator(".linked-account")).to_have_count(3)
        expect(sidorov_page.locator(".linked-account")).to_have_count(1)
        expect(sidorov_page.locator(".linked-account")).to_contain_text("Берёзовая роща")
        expect(ivanov_page.locator("#resident-name")).to_have_text(IVANOV.fio)
        expect(sidorov_page.locator("#resident-name")).to_have_text(SIDOROV.fio)
    finally:
        ivanov_page.context.close()
        sidorov_page.context.close()


def test_pages_behind_sign_in_send_strangers_to_the_start(served_app, kiosk_page):
    for route in ("/cabinet", "/agreement", "/pay/other"):
        kiosk_page.goto(served_app.url + route)
        expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()


def test_sign_in_pages_have_no_serious_accessibility_violations(served_app, kiosk_page):
    kiosk_page.goto(served_app.url + "/")
    expect(kiosk_page.get_by_role("button", name="Войти через Госуслуги")).to_be_visible()
    violations = serious_accessibility_violations(kiosk_page)
    assert not violations, "\n".join(violations)
    open_esia_login(kiosk_page, served_app.url)
    violations = serious_accessibility_violations(kiosk_page)
    assert not violations, "\n".join(violations)
