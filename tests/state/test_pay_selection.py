"""The payment page's selection state: figures from a compact selection, small deltas, ids checked."""

from __future__ import annotations

import reflex as rx

from gkh_web.services.payments.page import PayableAccount, PayableDocument, PaymentPage, RecipientRequisites
from gkh_web.state.pay import PayFiguresState, PayMessagesState, PaySelectionState

RECIPIENT = RecipientRequisites("ООО «УК»", "7709123453", "770901001", "ПАО Сбербанк", "044525225",
                                "40702810200000012345", "30101810400000000225")


def _document(document_id: int, account_id: int, due: int, *, selectable: bool = True) -> PayableDocument:
    return PayableDocument(document_id, account_id, f"77АБ123456-01-{document_id:04d}", f"ПД-{document_id}",
                           "октябрь 2026", "15 ноября 2026 г.", due, "", 0, "", due, "", str(due // 100),
                           "unpaid" if selectable else "paid", "", selectable)


def _page(documents_per_account: int) -> PaymentPage:
    accounts = []
    for account_id in (1, 2):
        documents = [_document(account_id * 100 + n, account_id, 10_000 * (n + 1))
                     for n in range(documents_per_account)]
        documents.append(_document(account_id * 100 + 99, account_id, 5_000, selectable=False))
        accounts.append(PayableAccount(account_id, f"{account_id}", "77АБ123456", "77АБ123456-01", "УК", "адрес",
                                       RECIPIENT, documents, sum(d.due_kopecks for d in documents if d.selectable), ""))
    return PaymentPage(accounts, "")


async def _selection(page: PaymentPage) -> tuple[PaySelectionState, PayFiguresState, PayMessagesState]:
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(PaySelectionState.get_full_name().split(".")[1:])
    await state.start(page)
    root.get_delta()
    root._clean()
    return state, await state.get_state(PayFiguresState), await state.get_state(PayMessagesState)


async def test_defaults_select_every_payable_document():
    _, figures, _ = await _selection(_page(3))
    assert figures.total_kopecks == 2 * (10_000 + 20_000 + 30_000)
    assert figures.account_sums == {"1": "600,00\u00a0₽", "2": "600,00\u00a0₽"}
    assert figures.can_proceed


async def test_toggles_and_edits_move_every_figure_exactly():
    selection, figures, messages = await _selection(_page(3))
    await selection.toggle_document(101, False)
    assert figures.total_kopecks == 120_000 - 20_000
    assert figures.account_sums == {"1": "400,00\u00a0₽", "2": "600,00\u00a0₽"}
    await selection.toggle_account(2, False)
    assert figures.total_kopecks == 60_000 - 20_000
    assert figures.account_sums["2"] == "0,00\u00a0₽"
    await selection.set_amount(100, "1 234,5")
    assert figures.total_kopecks == 123_450 + 30_000
    assert figures.account_sums["1"] == "1\u00a0534,50\u00a0₽"
    assert messages.notes == {"100": "Аванс"}
    await selection.set_amount(100, "12,345")
    assert "100" in messages.errors and not figures.can_proceed
    assert figures.total_kopecks == 30_000


async def test_ids_the_page_never_offered_are_ignored():
    selection, figures, messages = await _selection(_page(2))
    before = figures.total_kopecks
    await selection.toggle_document(199, True)   # a paid document: not selectable
    await selection.toggle_document(424242, False)
    await selection.set_amount(199, "100")
    await selection.toggle_account(7, False)
    assert figures.total_kopecks == before and messages.errors == {}


async def test_a_toggle_sends_every_account_sum_and_nothing_that_grows_with_documents():
    deltas = []
    for documents in (2, 40):
        selection, _, _ = await _selection(_page(documents))
        await selection.toggle_document(100, False)
        deltas.append(selection._get_root_state().get_delta())
    small, large = deltas
    figures = PayFiguresState.get_full_name()
    assert set(small) == set(large) == {figures}, "rows, selection and messages are not re-sent"
    assert set(small[figures]) == set(large[figures]) == {
        "account_sums_rx_state_", "total_kopecks_rx_state_", "total_text_rx_state_", "can_proceed_rx_state_"}
    assert set(large[figures]["account_sums_rx_state_"]) == {"1", "2"}
    assert len(str(large)) - len(str(small)) <= 24  # only the digits of bigger sums


async def test_an_edit_with_the_same_message_does_not_resend_the_messages():
    selection, _, _ = await _selection(_page(2))
    await selection.set_amount(100, "50")
    selection._get_root_state().get_delta()
    selection._get_root_state()._clean()
    await selection.set_amount(100, "60")  # «Частичная оплата» again
    assert PayMessagesState.get_full_name() not in selection._get_root_state().get_delta()
