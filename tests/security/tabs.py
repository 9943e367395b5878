"""Reflex state trees in memory, as tabs with a token and a client address, for the in-process attacks."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import ReflexURL, RouterData, SessionData

from gkh_web.state.session import SessionState
from tests.hostile.support import signed_in_token


def tab(cls, url: str = "http://localhost:3000/", *, token: str = "tab-1", ip: str = "198.51.100.7"):
    """A fresh tab (state tree) at ``url`` with this Reflex token and client address; its ``cls`` substate."""
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData(session=SessionData(client_token=token, client_ip=ip), url=ReflexURL(url))
    return root.get_substate(cls.get_full_name().split(".")[1:])


def go_to(state, url: str) -> None:
    """The tab moves to ``url`` (same token and address): what ``on_load`` handlers read from the router."""
    root = state._get_root_state()
    root.router = RouterData(session=root.router.session, url=ReflexURL(url))


async def signed_in_tab(cls, key: str, url: str = "http://localhost:3000/", **tab_args):
    """``cls`` in a tab where the demo person ``key`` is signed in (past the agreement)."""
    state = tab(cls, url, **tab_args)
    (await state.get_state(SessionState))._token = signed_in_token(key)
    return state


async def other_account_pay_page(izhku: str, payer: str = "sidorov", base: str = "http://localhost:3000"):
    """The payment page of another person's account found by its ИЖКУ, in ``payer``'s signed-in tab, opened."""
    from gkh_web.state.pay import PayPageState
    from gkh_web.state.pay_other import PayOtherState

    other = await signed_in_tab(PayOtherState, payer, f"{base}/pay/other")
    await other.open_page()
    await other.search({"identifier": izhku})
    [found] = other.results
    go_to(other, f"{base}/pay?ref={found.ref}")
    page = await other.get_state(PayPageState)
    assert await page.open_page() is None
    return page
