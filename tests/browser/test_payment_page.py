"""«Оплата жилищно-коммунальных услуг» as the seed describes it, on the demo data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from gkh_web.domain.money import parse_rubles
from gkh_web.services.data.demo_data import DEMO_LOGINS, DEMO_UNLINKED_ACCOUNTS
from tests.browser.flows import (
    open_amount_list,
    open_documents,
    serious_accessibility_violations,
    sign_in_to_cabinet,
)
from tests.served import KIOSK, PHONE, open_page

pytestmark = pytest.mark.browser
LOGIN = {login.key: login for login in DEMO_LOGINS}


def kopecks(text: str) -> int:
    return parse_rubles(text.replace("\u2212", "-"))


def _open_payment_page(page: Page, base_url: str, login_key: str = "ivanov") -> None:
    sign_in_to_cabinet(page, base_url, LOGIN[login_key].phone)
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    expect(page.get_by_role("heading", name="Оплата жилищно-коммунальных услуг")).to_be_visible()
    if page.locator("#amount-list").count():
        open_amount_list(page)


def _total(page: Page) -> int:
    return kopecks(page.locator("#payment-total").inner_text())


def _account_sum(account) -> int:
    return kopecks(account.locator(".account-sum").inner_text())


def _expect_total(page: Page, value: int) -> None:
    expect(page.locator("#payment-total")).to_have_text(re.compile(re.escape(_rub(value))))


def _rub(value: int) -> str:
    from gkh_web.domain.money import format_rubles
    return format_rubles(value)


def test_defaults_every_account_selected_and_sums_equal_amounts_due(served_app, kiosk_page, console):
    page = kiosk_page
    sign_in_to_cabinet(page, served_app.url, LOGIN["ivanov"].phone)
    cabinet_total = kopecks(page.locator("#total-due").inner_text())
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    open_amount_list(page)
    accounts = page.locator(".payable-account")
    expect(accounts).to_have_count(3)
    sums = []
    for index in range(3):
        account = accounts.nth(index)
        expect(account.locator(".account-check")).to_be_checked()
        due = kopecks(account.locator(".account-due").inner_text())
        assert _account_sum(account) == due
        sums.append(due)
    assert _total(page) == sum(sums) == cabinet_total
    assert console.errors == []


def test_unticking_an_account_and_a_document_moves_the_total_exactly(served_app, kiosk_page):
    page = kiosk_page
    _open_payment_page(page, served_app.url)
    total = _total(page)
    first = page.locator(".payable-account").first
    first_sum = _account_sum(first)
    first.locator(".account-check").click()
    _expect_total(page, total - first_sum)
    first.locator(".account-check").click()
    _expect_total(page, total)

    second = page.locator(".payable-account").nth(1)
    open_documents(second)
    document = second.locator(".payment-document").filter(has=page.locator(".document-amount input")).first
    amount = kopecks(document.locator(".document-amount input").input_value())
    account_sum = _account_sum(second)
    document.locator(".document-check").click()
    expect(second.locator(".account-sum")).to_have_text(_rub(account_sum - amount))
    _expect_total(page, total - amount)
    document.locator(".document-check").click()
    _expect_total(page, total)


def test_services_of_a_document_add_up_to_the_document(served_app, kiosk_page):
    page = kiosk_page
    _open_payment_page(page, served_app.url)
    account = page.locator(".payable-account").first
    open_documents(account)
    document = account.locator(".payment-document").first
    document.locator(".services-toggle").click()
    services = document.locator(".document-services")
    expect(services).to_be_visible()
    lines = [kopecks(text) for text in services.locator(".service-to-pay").all_inner_texts()]
    assert lines, "a document has service lines"
    text = services.inner_text()
    lines_total = kopecks(re.search(r"Итого по услугам: ([^\n]+)", text).group(1))
    document_total = kopecks(re.search(r"Итого к оплате по документу: ([^\n]+)", text).group(1))
    penalties = kopecks(re.search(r"Пени: ([^\n]+)", text).group(1))
    balance = re.search(r"(Задолженность|Аванс) на начало периода: ([^\n]+)", text)
    signed_balance = kopecks(balance.group(2)) * (1 if balance.group(1) == "Задолженность" else -1)
    assert sum(lines) == lines_total
    assert lines_total + signed_balance + penalties == document_total


def test_amount_typed_the_russian_way_and_bad_amounts(served_app, kiosk_page):
    page = kiosk_page
    _open_payment_page(page, served_app.url)
    account = page.locator(".payable-account").first
    open_documents(account)
    row = account.locator(".payment-document").filter(has=page.locator(".document-amount input")).first
    field = row.locator(".document-amount input")
    before_total, before_amount = _total(page), kopecks(field.input_value())
    before_account_sum = _account_sum(account)
    for bad, message in (("abc", "числом"), ("12,345", "двух знаков"), ("0", "больше нуля"),
                         ("-5", "отрицательной"), ("600000", "Не больше 500 000,00"), ("12 34", "числом")):
        field.fill(bad)
        expect(row.locator(".amount-error")).to_contain_text(message)
        expect(page.locator("#pay-next")).to_be_disabled()
        _expect_total(page, before_total - before_amount)
        expect(account.locator(".account-sum")).to_have_text(_rub(before_account_sum - before_amount))
    field.fill("1 234,5")
    expect(row.locator(".amount-error")).to_have_count(0)
    _expect_total(page, before_total - before_amount + 123450)
    expect(page.locator("#pay-next")).to_be_enabled()
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    expect(page.locator(".confirmed-amount").filter(has_text="1\u00a0234,50\u00a0₽")).to_have_count(1)
    expect(page.locator("#confirm-total")).to_have_text(_rub(before_total - before_amount + 123450))
    page.locator("#confirm-back").click()
    expect(page.get_by_role("heading", name="Оплата жилищно-коммунальных услуг")).to_be_visible()
    expect(field).to_have_value("1 234,5")
    _expect_total(page, before_total - before_amount + 123450)


def test_a_reload_shows_the_kept_selection_in_the_boxes_fields_and_sums(served_app, kiosk_page):
    """The server keeps the selection over a reload (or a reconnect, or another worker): the
    rebuilt rows must show that selection, not the defaults, and agree with the total."""
    page = kiosk_page
    _open_payment_page(page, served_app.url)
    total = _total(page)
    first, second = page.locator(".payable-account").first, page.locator(".payable-account").nth(1)
    first_sum, second_sum = _account_sum(first), _account_sum(second)
    first.locator(".account-check").click()
    expect(first.locator(".account-check")).not_to_be_checked()
    open_documents(second)
    row = second.locator(".payment-document").filter(has=page.locator(".document-amount input")).first
    amount = kopecks(row.locator(".document-amount input").input_value())
    row.locator(".document-amount input").fill("100")
    expected = total - first_sum - amount + 10000
    _expect_total(page, expected)
    page.wait_for_timeout(500)  # let the last keystroke's event reach the server before the reload
    page.reload()
    expect(page.get_by_role("heading", name="Оплата жилищно-коммунальных услуг")).to_be_visible()
    open_amount_list(page)
    first, second = page.locator(".payable-account").first, page.locator(".payable-account").nth(1)
    expect(first.locator(".account-check")).not_to_be_checked()
    open_documents(second)
    row = second.locator(".payment-document").filter(has=page.locator(".document-amount input")).first
    expect(row.locator(".document-amount input")).to_have_value("100")
    _expect_total(page, expected)
    expect(second.locator(".account-sum")).to_have_text(_rub(second_sum - amount + 10000))
    first.locator(".account-check").click()  # the rebuilt rows still work
    _expect_total(page, expected + first_sum)


def test_confirmation_lists_exactly_the_selection(served_app, kiosk_page):
    page = kiosk_page
    _open_payment_page(page, served_app.url)
    selectable = page.locator(".document-check:not([disabled])").count()
    total = _total(page)
    last = page.locator(".payable-account").last
    last_count = last.locator(".document-check:not([disabled])").count()
    expected_total = total - _account_sum(last)
    last.locator(".account-check").click()
    expect(last.locator(".account-sum")).to_have_text(_rub(0))
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    expect(page.locator(".confirmed-item")).to_have_count(selectable - last_count)
    expect(page.locator("#confirm-total")).to_have_text(_rub(expected_total))
    # The receipt goes by e-mail (in demo mode to the embedded sink), to the profile's address unless changed
    # here; the commission comes with the method.
    expect(page.locator("#receipt-email-line")).to_have_text(
        re.compile(r"^Квитанция будет отправлена на [a-z]+@example\.com$"))
    expect(page.locator("#confirm-commission-note")).to_have_text(
        "Комиссия зависит от способа оплаты: она будет показана при выборе способа, до оплаты, "
        "вместе с итоговой суммой.")
    expect(page.get_by_text("без комиссии", exact=False)).to_have_count(0)
    page.locator("#confirm-back").click()
    expect(page.locator(".payable-account").last.locator(".account-check")).not_to_be_checked()
    _expect_total(page, expected_total)


@pytest.mark.parametrize(("login_key", "yours", "not_yours"),
                         [("petrova", "#reason-paid", "#reason-no-document"),
                          ("sidorov", "#reason-no-document", "#reason-paid")])
def test_nothing_to_pay_shows_the_seeds_notice_word_for_word(served_app, kiosk_page, login_key, yours, not_yours):
    page = kiosk_page
    _open_payment_page(page, served_app.url, login_key)
    expect(page.locator("#no-charges-notice")).to_have_text(
        "В системе отсутствует информация о неоплаченных начислениях за ЖКУ")
    expect(page.locator("#no-charges-lead")).to_have_text("Данное сообщение возникает в случае, если:")
    expect(page.locator("#reason-paid .reason-text")).to_have_text(
        "за текущий период оплата уже была произведена, и учтена организацией, выставившей платежный документ;")
    expect(page.locator("#reason-no-document .reason-text")).to_have_text(
        "платежный документ не был выставлен в системе.")
    expect(page.locator(f"{yours} .reason-yours")).to_have_text("ваш случай")  # marked beside, not reworded
    expect(page.locator(f"{not_yours} .reason-yours")).to_have_count(0)
    expect(page.locator(".payable-account")).to_have_count(0)


def test_the_amount_list_starts_collapsed_and_still_shows_the_figures(served_app, kiosk_page):
    """«Разверните список «Сумма к оплате»»: collapsed, it shows the amount due and «Итого»; its chevron turns."""
    page = kiosk_page
    sign_in_to_cabinet(page, served_app.url, LOGIN["ivanov"].phone)
    cabinet_total = kopecks(page.locator("#total-due").inner_text())
    page.get_by_role("link", name="Оплатить ЖКУ").click()
    expect(page.locator("#amount-list-toggle")).to_be_visible()
    assert page.locator("#amount-list").get_attribute("open") is None
    expect(page.locator(".payable-account").first).to_be_hidden()
    assert kopecks(page.locator("#amount-list-due").inner_text()) == cabinet_total
    expect(page.locator("#amount-list-total")).to_have_text("Итого: " + _rub(cabinet_total))
    chevron = page.locator(".amount-list-chevron")
    assert chevron.evaluate("e => getComputedStyle(e).transform") == "none"
    page.locator("#amount-list-toggle").click()
    expect(page.locator(".payable-account")).to_have_count(3)
    expect(page.locator(".payable-account").first).to_be_visible()
    page.wait_for_function("() => getComputedStyle(document.querySelector('.amount-list-chevron')).transform"
                           " !== 'none'")
    page.locator(".payable-account").first.locator(".account-check").click()  # collapsed, the total still moves
    page.locator("#amount-list-toggle").click()
    expect(page.locator(".payable-account").first).to_be_hidden()
    expect(page.locator("#amount-list-total")).not_to_have_text("Итого: " + _rub(cabinet_total))
    expect(page.locator("#amount-list-total")).to_have_text("Итого: " + page.locator("#payment-total").inner_text())


def test_documents_open_from_the_icon_next_to_the_account_number(served_app, kiosk_page):
    """«нажмите специальную иконку напротив номера лицевого счета»: every document with its ИПД, its
    «Сумма к оплате» and a field labelled «Сумма платежа»."""
    page = kiosk_page
    _open_payment_page(page, served_app.url)
    account = page.locator(".payable-account").first
    number = account.locator(".account-number").inner_text().split("№")[-1].strip()
    toggle = account.get_by_role("button", name=re.compile(r"^Платёжные документы лицевого счёта № "
                                                             + re.escape(number) + r": \d+$"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(account.locator(".payment-document").first).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    documents = account.locator(".payment-document")
    expect(documents.first).to_be_visible()
    count = documents.count()
    assert toggle.inner_text().strip().startswith(str(count))
    ipds = account.locator(".document-ipd").all_inner_texts()
    assert len(ipds) == count and all(re.fullmatch(r"ИПД\s\S{13}-\d{4}", text) for text in ipds), ipds
    fields = account.get_by_label("Сумма платежа", exact=True)
    expect(fields).to_have_count(account.locator(".document-check:not([disabled])").count())
    assert account.locator(".payment-document").get_by_text("Сумма к оплате", exact=True).count() == count
    toggle.click()
    expect(documents.first).to_be_hidden()


def test_paying_another_account_shows_that_account_alone(served_app, kiosk_page):
    page = kiosk_page
    account = DEMO_UNLINKED_ACCOUNTS[0]
    sign_in_to_cabinet(page, served_app.url, LOGIN["sidorov"].phone)
    page.get_by_role("link", name="Оплатить по другому лицевому счёту").click()
    page.locator("#other-identifier").fill(account.izhku)
    page.get_by_role("button", name="Найти").click()
    due = kopecks(page.locator(".other-due").inner_text())
    page.get_by_role("link", name="Перейти к оплате").click()
    expect(page.locator(".payable-account")).to_have_count(1)
    expect(page.locator(".payable-account")).to_contain_text(account.number)
    assert _total(page) == due
    assert account.payer.split()[0] not in page.content()
    open_amount_list(page)
    open_documents(page.locator(".payable-account"))
    expect(page.locator(".document-ipd")).to_have_count(0)  # an ИПД holds the ИЖКУ: not for a stranger
    assert account.izhku not in page.content()


def test_payment_page_accessibility_and_touch_targets(served_app, kiosk_page):
    page = kiosk_page
    _open_payment_page(page, served_app.url)
    open_documents(page.locator(".payable-account").first)
    violations = serious_accessibility_violations(page)
    assert not violations, "\n".join(violations)
    controls = page.evaluate("""() => [...document.querySelectorAll(
        'main button, main input, main [role=checkbox], main summary, main a')]
        .filter(e => e.getClientRects().length > 0)
        .map(e => { const r = e.getBoundingClientRect();
                    return [e.tagName + ' ' + (e.getAttribute('aria-label') || e.textContent).slice(0, 40),
                            Math.round(r.width), Math.round(r.height)]; })""")
    assert len(controls) > 10, controls
    small = [control for control in controls if control[1] < 44 or control[2] < 44]
    assert small == [], small


def test_every_figure_comes_from_the_server_with_no_script_of_ours(served_app, kiosk_page, console):
    """Issue 11: the figures are the server's. The page loads no script of ours at all (only the Reflex
    build under /assets/); every account sum, «Итого», the messages and «Далее» follow each tick, untick
    and typed amount, and «Далее» confirms exactly what the resident saw."""
    page = kiosk_page
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    _open_payment_page(page, served_app.url)
    ours = [url for url in scripts if "/assets/" not in url]
    assert scripts and ours == [], ours
    accounts = page.locator(".payable-account")
    first, others = accounts.first, [accounts.nth(index) for index in range(1, accounts.count())]
    open_documents(first)
    document = first.locator(".payment-document").filter(has=page.locator(".document-amount input")).first
    field = document.locator(".document-amount input")
    amount, first_sum, total = kopecks(field.input_value()), _account_sum(first), _total(page)
    others_sums = [_account_sum(account) for account in others]

    def shows(account_sum: int) -> None:
        expect(first.locator(".account-sum")).to_have_text(_rub(account_sum))
        _expect_total(page, total - first_sum + account_sum)
        assert [_account_sum(account) for account in others] == others_sums

    document.locator(".document-check").click()
    shows(first_sum - amount)
    document.locator(".document-check").click()
    shows(first_sum)
    for typed, kopecks_typed in (("100 рублей", 10_000), (",5", 50), ("1 234,56", 123_456)):
        field.fill(typed)
        shows(first_sum - amount + kopecks_typed)
        expect(page.locator("#pay-next")).to_be_enabled()
    field.fill("двести")
    shows(first_sum - amount)  # junk counts for nothing, says why, and stops «Далее»
    expect(document.locator(".amount-error")).to_have_text("Сумма должна быть числом, например 1 234,56")
    expect(page.locator("#pay-next")).to_be_disabled()
    field.fill("1 234,56")
    shows(first_sum - amount + 123_456)
    expect(document.locator(".amount-note")).to_have_count(1)
    shown_total = page.locator("#payment-total").inner_text()

    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    expect(page.locator("#confirm-total")).to_have_text(shown_total)
    expect(page.locator(".confirmed-amount").filter(has_text=_rub(123_456))).to_have_count(1)
    assert console.errors == []


def test_the_confirmation_names_each_account_once_and_keeps_oplatit_in_view(served_app, kiosk_page):
    """Issue 12 §2: documents grouped under their account; «Оплатить» on screen at 1024×768 without scrolling."""
    page = kiosk_page
    _open_payment_page(page, served_app.url)
    numbers = [text.split("№")[-1].strip() for text in page.locator(".account-number").all_inner_texts()]
    selected = page.locator(".document-check:not([disabled])").count()
    page.locator("#pay-next").click()
    expect(page.get_by_role("heading", name="Подтверждение оплаты")).to_be_visible()
    accounts = page.locator(".confirmed-account")
    expect(accounts).to_have_count(len(numbers))
    expect(page.locator(".confirmed-item")).to_have_count(selected)
    shown = page.locator("main").inner_text()
    for number in numbers:
        assert shown.count(f"Лицевой счёт\u00a0№\u00a0{number}") == 1, number
    for index in range(len(numbers)):  # each account's sum is the sum of its documents, as the server said
        account = accounts.nth(index)
        documents = [kopecks(text) for text in account.locator(".confirmed-amount").all_inner_texts()]
        assert kopecks(account.locator(".confirmed-account-sum").inner_text()) == sum(documents)
    for scroll in (0, 10_000):  # at the top and at the very end, «Оплатить» stays in view
        page.evaluate(f"window.scrollTo(0, {scroll})")
        box = page.locator("#confirm-pay").bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 768, box
    last = page.locator(".confirmed-item").last.bounding_box()
    bar = page.locator(".confirm-action-bar").bounding_box()
    assert last and bar and last["y"] + last["height"] <= bar["y"]  # at the end the bar covers no document


@pytest.mark.parametrize("size", [KIOSK, PHONE], ids=["kiosk", "phone"])
def test_the_itogo_dalee_bar_is_opaque_and_never_covers_the_last_row(served_app, browser, console, size):
    page = open_page(browser, console, size)
    try:
        _open_payment_page(page, served_app.url)
        for index in range(page.locator(".payable-account").count()):
            open_documents(page.locator(".payable-account").nth(index))
        bar = page.locator(".pay-action-bar")
        assert bar.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_timeout(200)
        last = page.locator(".payment-document").last.bounding_box()
        bar_box = bar.bounding_box()
        assert last and bar_box and last["y"] + last["height"] <= bar_box["y"] + 1, (last, bar_box)
        assert bar_box["y"] + bar_box["height"] <= size["height"]
    finally:
        page.context.close()
