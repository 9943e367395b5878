"""Which tab event, HTTP request or background round a log line belongs to.

One ``contextvars`` variable holds a small dict for the unit of work now running: a random correlation id,
what kind of work it is, and — once a payment is known — the payment's public id. The dict, not its values,
is what the variable holds: ``asyncio.to_thread`` runs database work on a *copy* of the context, and a
payment bound inside that thread (``bind_payment``) must still be seen by the event's later lines, which
only a shared mutable dict gives.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

CORRELATION_ID = "correlation_id"
PAYMENT_ID = "payment_id"

_current: ContextVar[dict[str, str] | None] = ContextVar("gkh_correlation", default=None)


def new_id() -> str:
    """16 hex digits: unique enough to follow one event through a day's logs, short enough to read."""
    return secrets.token_hex(8)


def begin(kind: str, **fields: str) -> Token:
    """Start a unit of work in the current context; ``end`` with the returned token."""
    return _current.set({CORRELATION_ID: new_id(), "kind": kind, **fields})


def end(token: Token) -> None:
    _current.reset(token)


@contextmanager
def unit_of_work(kind: str, **fields: str) -> Iterator[dict[str, str]]:
    """``with unit_of_work("reconciler"):`` — every line inside carries one fresh correlation id."""
    token = begin(kind, **fields)
    try:
        yield current()
    finally:
        end(token)


def current() -> dict[str, str]:
    """The fields of the work now running ({} outside any)."""
    return _current.get() or {}


def bind_payment(public_id: str) -> None:
    """The payment this work is about: its public id (never the resident's data) joins every later line."""
    fields = _current.get()
    if fields is not None and public_id:
        fields[PAYMENT_ID] = public_id


def forget_payment() -> None:
    """The work has moved past its payment (a reconciler round after its last one): later lines name none."""
    fields = _current.get()
    if fields is not None:
        fields.pop(PAYMENT_ID, None)
