"""Rate limits from a state's point of view: who the subject is, and the refusal as a field message."""

from __future__ import annotations

import reflex as rx

from gkh_web.db.threads import in_thread
from gkh_web.services import rate_limits


def lookup_subjects(state: rx.State) -> list[tuple[str, str]]:
    """Account look-ups and link attempts count per tab and per client address (from the ASGI scope;
    ``X-Forwarded-For`` only through GKH_TRUSTED_PROXY_HOPS)."""
    session = state.router.session
    return [("lookup_per_tab", session.client_token), ("lookup_per_address", session.client_ip)]


async def refusal(subjects: list[tuple[str, str]]) -> str:
    """Count one action; "" when it may go ahead, else the Russian message saying when to try again."""
    try:
        await in_thread(lambda: rate_limits.spend(subjects))
    except rate_limits.RateLimited as limited:
        return str(limited)
    return ""
