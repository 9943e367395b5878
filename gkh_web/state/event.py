"""``@event``: Reflex's ``@rx.event``, with the type Reflex gives it made visible to mypy.

Reflex 0.10.1 declares what a decorated handler is for a type checker in the return annotation of
``EventNamespace.__new__`` (``rx.event`` is that class): ``EventCallback[*args]``, which lets pages
write ``State.handler(value)`` and ``State.handler.debounce(250)`` with the values checked against
the handler's parameters. Pyright reads it. Mypy cannot: inside ``EventNamespace`` the name
``EventCallback`` is also a class attribute (``EventCallback = EventCallback``, for ``rx.event.*``
access), mypy resolves the annotation to that variable, finds it is not a type and falls back to
the class, so every handler became an ``EventNamespace`` and every such reference in a page an
error. Here the same two signatures are restated as a function for the checker; at run time
``event`` *is* ``rx.event``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple, Unpack, overload

import reflex as rx

if TYPE_CHECKING:
    from reflex.event import EventCallback
    from reflex.state import BaseState

    STATE = TypeVar("STATE", bound=BaseState)
    ARGS = TypeVarTuple("ARGS")

    @overload
    def event(func: Callable[[STATE, Unpack[ARGS]], Any], /) -> EventCallback[*ARGS]: ...

    @overload
    def event(
        *, background: bool = ...
    ) -> Callable[[Callable[[STATE, Unpack[ARGS]], Any]], EventCallback[*ARGS]]: ...

    def event(func: Any = None, /, *, background: bool = False) -> Any: ...

else:
    event = rx.event
