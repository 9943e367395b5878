"""The payment page's selection state: sums from a compact selection, small deltas, ids checked."""

from __future__ import annotations

import reflex as rx

from gkh_web.services.payment_page import PayableAccount, PayableDocument, PaymentPage, RecipientRequisites
from gkh_web.state.pay import PaySelectionState

RECIPIENT = RecipientRequisites("ООО «УК»", "7709123453", "770901001", "ПАО Сбербанк", "044525225",
                                "40702810200000012345", "30101810400000000225")


def _document(document_id: int, account_id: int, due: int, *, selectable: bool = True) -> PayableDocument:
    return PayableDocument(document_id, account_id, f"77АБ123456-01-{document_id:04d}", f"ПД-{document_id}",
                           "октябрь 2026", "15 ноября 2026 г.", due, "", 0, "", due, "", str(due // 100),
                           "unpaid" if selectable else "paid", "", selectable)


def _page(documents_per_account: int) -> PaymentPage:
    accounts = []
    for account_id in (1, 2):
        documents = [_document(account_id * 100 + n, account_id, 10_000 * (n + 1)) for n in range(documents_per_account)]
        documents.append(_document(account_id * 100 + 99, account_id, 5_000, selectable=False))
        accounts.append(PayableAccount(account_id, f"{account_id}", "77АБ123456", "77АБ123456-01", "УК", "адрес",
                                       RECIPIENT, documents, sum(d.due_kopecks for d in documents if d.selectable), ""))
    return PaymentPage(accounts, "")


def _selection(page: PaymentPage) -> PaySelectionState:
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(PaySelectionState.get_full_name().split(".")[1:])
    state.start(page)
    state.get_delta()
    state._clean()
    return state


def test_defaults_select_every_payable_document():
    selection = _selection(_page(3))
    assert selection.total_kopecks == 2 * (10_000 + 20_000 + 30_000)
    assert selection.account_sums == {"1": "600,00\u00a0₽", "2": "600,00\u00a0₽"}
    assert selection.can_proceed


def test_toggles_and_edits_move_the_total_exactly():
    selection = _selection(_page(3))
    selection.toggle_document(101, False)
    assert selection.total_kopecks == 120_000 - 20_000
    selection.toggle_account(2, False)
    assert selection.total_kopecks == 60_000 - 20_000
    selection.set_amount(100, "1 234,5")
    assert selection.total_kopecks == 123_450 + 30_000
    assert selection.notes == {"100": "Аванс"}
    selection.set_amount(100, "12,345")
    assert "100" in selection.errors and not selection.can_proceed
    assert selection.total_kopecks == 30_000


def test_ids_the_page_never_offered_are_ignored():
    selection = _selection(_page(2))
    before = selection.total_kopecks
    selection.toggle_document(199, True)   # a paid document: not selectable
    selection.toggle_document(424242, False)
    selection.set_amount(199, "100")
    selection.toggle_account(7, False)
    assert selection.total_kopecks == before and selection.errors == {}


def test_a_toggle_sends_the_same_few_fields_however_many_documents():
    deltas = []
    for documents in (2, 40):
        selection = _selection(_page(documents))
        selection.toggle_document(100, False)
        deltas.append(selection.get_delta()[PaySelectionState.get_full_name()])
    small, large = deltas
    assert set(small) == set(large) == {"total_kopecks_rx_state_", "total_text_rx_state_", "can_proceed_rx_state_"}
    assert len(str(large)) - len(str(small)) <= 16  # only the digits of a bigger total
