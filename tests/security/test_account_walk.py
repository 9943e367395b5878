"""Attacks that walk through other people's accounts by counting ids, and enumerate them by searching.

Issue 10 §2: any signed-in person could open ``/pay?account=1``, ``=2``, … and read each account's
address, ЕЛС, ИЖКУ, payee bank details and amount due, and ``toggle_services`` added volumes and
benefits. Now another person's account opens only through a reference that a search in the same
tab produced minutes ago, shows no more than a payer needs, and searches are rate-limited.
"""

from __future__ import annotations

import dataclasses
import re
import time

import pytest
import sqlalchemy as sa

from gkh_web.db.engine import session_scope
from gkh_web.db.models import PaymentDocument, PersonalAccount
from gkh_web.services.data.demo_data import DEMO_UNLINKED_ACCOUNTS
from gkh_web.settings import get_settings
from gkh_web.state.pay import PayPageState
from gkh_web.state.pay_other import MSG_REFERENCE_GONE, PayOtherState
from tests.hostile.support import redirect_path
from tests.security.tabs import go_to, signed_in_tab

BASE = "http://localhost:3000"
LESNAYA_42 = DEMO_UNLINKED_ACCOUNTS[0]


def _account_ids() -> list[int]:
    with session_scope() as session:
        return list(session.exec(sa.select(PersonalAccount.id).order_by(PersonalAccount.id)).scalars())


def _document_of(account_number: str) -> int:
    with session_scope() as session:
        return session.exec(
            sa.select(PaymentDocument.id)
            .join(PersonalAccount, PersonalAccount.id == PaymentDocument.personal_account_id)
            .where(PersonalAccount.number == account_number)
        ).scalars().first()


async def _found(other: PayOtherState, izhku: str):
    await other.open_page()
    await other.search({"identifier": izhku})
    assert other.errors == {}, other.errors
    [found] = other.results
    return found


@pytest.mark.parametrize("query", ["account={id}", "account={id}&ref=", "ref={id}", "ref=", "ref=%00",
                                   "ref={id}&ref={id}", "other={id}"])
async def test_counting_account_ids_in_the_address_opens_no_one_elses_account(demo_db, query):
    """Sidorov has one account with no documents: whatever he types, nobody else's account appears."""
    for account_id in _account_ids():
        pay = await signed_in_tab(PayPageState, "sidorov", f"{BASE}/pay?{query.format(id=account_id)}")
        result = await pay.open_page()
        assert redirect_path(result) in ("/pay/other", None)
        assert pay.accounts == [] and not pay.public_mode


async def test_a_reference_found_in_one_tab_opens_nothing_in_another(demo_db):
    finder = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other", token="tab-a")
    found = await _found(finder, LESNAYA_42.izhku)

    thief = await signed_in_tab(PayPageState, "petrova", f"{BASE}/pay?ref={found.ref}", token="tab-b")
    assert redirect_path(await thief.open_page()) == "/pay/other"
    assert thief.accounts == []
    assert (await thief.get_state(PayOtherState)).notice == MSG_REFERENCE_GONE

    go_to(finder, f"{BASE}/pay?ref={found.ref}")  # the tab that searched is let through
    pay = await finder.get_state(PayPageState)
    assert await pay.open_page() is None
    assert pay.public_mode and [account.number for account in pay.accounts] == [LESNAYA_42.number]


async def test_a_reference_works_only_for_a_while(demo_db, monkeypatch):
    other = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other")
    found = await _found(other, LESNAYA_42.izhku)
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)

    go_to(other, f"{BASE}/pay?ref={found.ref}")
    pay = await other.get_state(PayPageState)
    assert redirect_path(await pay.open_page()) == "/pay/other"
    assert pay.accounts == []


async def test_a_search_result_carries_no_database_id_and_no_more_than_a_payer_needs(demo_db):
    other = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other")
    found = await _found(other, LESNAYA_42.izhku)

    shown = {field.name: getattr(found, field.name) for field in dataclasses.fields(found)}
    assert set(shown) == {"ref", "number", "provider_name", "premises_hint", "amount_due_text"}
    assert len(found.ref) >= 22  # 128 random bits
    assert str(_account_ids()) not in found.ref and not found.ref.isdigit()
    assert LESNAYA_42.izhku not in str(shown) and LESNAYA_42.els not in str(shown)
    assert LESNAYA_42.payer.split()[0] not in str(shown)


async def test_someone_elses_account_shows_no_volumes_tariffs_or_benefits(demo_db):
    other = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other")
    found = await _found(other, LESNAYA_42.izhku)
    go_to(other, f"{BASE}/pay?ref={found.ref}")
    pay = await other.get_state(PayPageState)
    await pay.open_page()
    document_id = pay.accounts[0].documents[0].document_id

    await pay.toggle_services(document_id)

    assert pay.services == {} and pay.shown_services == {}
    assert pay.accounts[0].els == "" and pay.accounts[0].izhku == ""


async def test_someone_elses_payment_documents_carry_no_identifier_with_the_izhku_inside(demo_db):
    """Issue 12 shows every document's ИПД, and an ИПД *is* the ИЖКУ (its first 13 characters, the
    first 10 of which are the ЕЛС) plus the period: for another person's account it must stay home."""
    other = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other")
    found = await _found(other, LESNAYA_42.izhku)
    go_to(other, f"{BASE}/pay?ref={found.ref}")
    pay = await other.get_state(PayPageState)
    await pay.open_page()

    sent = repr([dataclasses.asdict(account) for account in pay.accounts])
    assert pay.accounts and pay.accounts[0].documents
    assert LESNAYA_42.izhku not in sent and LESNAYA_42.els not in sent
    assert all(document.ipd == "" for document in pay.accounts[0].documents)


async def test_services_of_a_document_that_is_not_on_the_page_are_refused(demo_db):
    """A signed-in resident sends the services event with documents of accounts that are not theirs."""
    pay = await signed_in_tab(PayPageState, "sidorov", f"{BASE}/pay")
    await pay.open_page()
    for account in DEMO_UNLINKED_ACCOUNTS:
        await pay.toggle_services(_document_of(account.number))
    assert pay.services == {}


# --- Rate limits: per tab, per client address, per resident -----------------------------------------------


def _limits(monkeypatch, text: str) -> None:
    monkeypatch.setenv("GKH_RATE_LIMITS", text)
    get_settings.cache_clear()


async def test_look_ups_are_limited_per_tab_with_a_russian_time_to_retry(demo_db, monkeypatch):
    _limits(monkeypatch, "lookup_per_tab=3/600")
    other = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other")
    await other.open_page()
    for attempt in range(3):  # found or not, every look-up counts
        await other.search({"identifier": LESNAYA_42.izhku if attempt % 2 else "77ЯЯ000000-01"})
        assert "Слишком много" not in str(other.errors)

    await other.search({"identifier": LESNAYA_42.izhku})

    assert other.results == []
    message = other.errors["identifier"]
    assert re.fullmatch(r"Слишком много поисков лицевых счетов подряд\. Попробуйте снова через "
                        r"(\d+ с|\d+ мин \(после \d\d:\d\d\))\.", message), message


async def test_new_tabs_from_one_address_are_stopped_by_the_address_limit(demo_db, monkeypatch):
    _limits(monkeypatch, "lookup_per_tab=100/600,lookup_per_address=4/600")
    messages = []
    for number in range(5):  # a script opening a fresh tab for every guess
        other = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other", token=f"tab-{number}",
                                    ip="203.0.113.9")
        await other.open_page()
        await other.search({"identifier": LESNAYA_42.izhku})
        messages.append(other.errors.get("identifier", ""))
    assert messages[:4] == [""] * 4
    assert messages[4].startswith("Слишком много поисков лицевых счетов с этого устройства.")

    elsewhere = await signed_in_tab(PayOtherState, "sidorov", f"{BASE}/pay/other", token="tab-x", ip="198.51.100.1")
    await elsewhere.open_page()
    await elsewhere.search({"identifier": LESNAYA_42.izhku})
    assert elsewhere.errors == {} and len(elsewhere.results) == 1


async def test_linking_attempts_count_as_look_ups(demo_db, monkeypatch):
    from gkh_web.state.link_account import BY_IDENTIFIER, LinkAccountState

    _limits(monkeypatch, "lookup_per_tab=2/600")
    dialog = await signed_in_tab(LinkAccountState, "kuznetsova")
    dialog.set_method(BY_IDENTIFIER)
    for _ in range(2):
        await dialog.submit({"identifier": "77ЯЯ000000-01"})
        assert "Слишком много" not in dialog.errors.get("identifier", "")

    await dialog.submit({"identifier": "77НР482913-01"})  # her real ИЖКУ: still refused, nothing linked

    assert dialog.errors["identifier"].startswith("Слишком много поисков лицевых счетов подряд.")
