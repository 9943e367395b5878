"""What a resident does, step by step, written once for all browser tests."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_ROOT / ".tools/node_modules/axe-core/axe.min.js"
DEMO_PASSWORD = "Demo-2026!"


def open_start_page(page: Page, base_url: str) -> None:
    """A fresh tab on the start page. Chromium now and then aborts a new tab's very first navigation although the
    server answered 200 (net::ERR_ABORTED, seen once in CI on a busy machine); that one error is tried once more."""
    try:
        page.goto(base_url + "/")
    except PlaywrightError as error:
        if "ERR_ABORTED" not in str(error):
            raise
        page.goto(base_url + "/")


def open_esia_login(page: Page, base_url: str) -> None:
    open_start_page(page, base_url)
    page.get_by_role("button", name="Войти через Госуслуги").click()
    expect(page.get_by_role("heading", name="Вход", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/esia/login\?"))


def submit_esia_login(page: Page, login: str, password: str = DEMO_PASSWORD, *, by_snils: bool = False) -> None:
    if by_snils:
        page.get_by_role("radio", name="СНИЛС").click()
        page.locator("#esia-snils").fill(login)
    else:
        page.locator("#esia-login").fill(login)
    page.locator("#esia-password").fill(password)
    page.get_by_role("button", name="Войти", exact=True).click()


def sign_in(page: Page, base_url: str, login: str, password: str = DEMO_PASSWORD, *, by_snils: bool = False) -> None:
    """From the start screen through ЕСИА to the ГИС ЖКХ side (agreement page or cabinet)."""
    open_esia_login(page, base_url)
    submit_esia_login(page, login, password, by_snils=by_snils)
    expect(page).to_have_url(re.compile(r"/(agreement|cabinet)$"), timeout=15_000)


def accept_agreement_if_asked(page: Page) -> None:
    if page.url.endswith("/agreement"):
        expect(page.get_by_role("heading", name="Доступ гражданина в личный кабинет ГИС ЖКХ")).to_be_visible()
        page.get_by_role("checkbox").click()
        page.get_by_role("button", name="Продолжить").click()
    expect(page).to_have_url(re.compile(r"/cabinet$"), timeout=15_000)
    expect(page.get_by_role("heading", name="Личный кабинет")).to_be_visible()


def sign_in_to_cabinet(page: Page, base_url: str, login: str, **kwargs) -> None:
    sign_in(page, base_url, login, **kwargs)
    accept_agreement_if_asked(page)


def open_amount_list(page: Page) -> None:
    """The seed: «Разверните список «Сумма к оплате»» — the list starts collapsed."""
    expect(page.locator("#amount-list-toggle")).to_be_visible()
    if page.locator("#amount-list").get_attribute("open") is None:
        page.locator("#amount-list-toggle").click()
    expect(page.locator(".payable-account").first).to_be_visible()


def open_documents(account) -> None:
    """The icon next to the account number: the account's payment documents (kept open over a reload)."""
    if account.locator(".documents-toggle").get_attribute("aria-expanded") != "true":
        account.locator(".documents-toggle").click()
    expect(account.locator(".account-documents")).to_be_visible()
    expect(account.locator(".documents-toggle")).to_have_attribute("aria-expanded", "true")


def pay_other_account_to_method_picker(page: Page, base_url: str, izhku: str, payer_phone: str) -> None:
    """Sign in as the payer and pay an account found by its ИЖКУ up to «Выбор способа оплаты»
    (another resident's account, so the tests keep the demo residents' own amounts)."""
    sign_in_to_cabinet(page, base_url, payer_phone)
    page.get_by_role("link", name="Оплатить по другому лицевому счёту").click()
    page.locator("#other-identifier").fill(izhku)
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name="Перейти к оплате").click()
    expect(page.locator(".payable-account")).to_have_count(1)
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    page.get_by_role("button", name="Оплатить").click()
    expect(page.get_by_role("heading", name="Выбор способа оплаты")).to_be_visible()


def _axe_violations(page: Page) -> list[dict]:
    """axe-core's violations once the page has settled: no animation running, and the route's <title> set.

    Reflex sets a page's title as the route renders, a moment after the address changes; axe run in between
    reports a missing title that no resident ever sees. A page that never gets a title is still reported:
    the wait gives up after a few seconds and axe runs anyway."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    with contextlib.suppress(PlaywrightTimeoutError):  # then axe's document-title rule says it
        page.wait_for_function("() => document.title.trim().length > 0", timeout=5_000)
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))  # not a <script> tag: the app's CSP refuses injected ones
    return page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")["violations"]


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core (from the npm registry, injected into the page): serious and critical violations."""
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(f"{node['target']} {node['html'][:120]} {node.get('failureSummary', '')[:200]}"
                    for node in violation["nodes"][:3])
        for violation in _axe_violations(page)
        if violation["impact"] in ("serious", "critical")
    ]


def accessibility_violation_ids(page: Page) -> set[str]:
    """axe-core's violated rules at any impact (``page-has-heading-one`` is a moderate one)."""
    return {violation["id"] for violation in _axe_violations(page)}


def pay_on_card_page(page: Page, number: str) -> None:
    """The sandbox gateway's card page: a card number, any future expiry and CVC, «Оплатить»."""
    page.locator("#card_number").fill(number)
    page.locator("#expiry").fill("12/30")
    page.locator("#cvc").fill("123")
    page.get_by_role("button", name="Оплатить").click()
