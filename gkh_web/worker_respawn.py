"""A backend worker that dies is started again, instead of taking the whole server down.

Reflex runs the production backend on Granian with several worker processes but
does not pass Granian's ``respawn_failed_workers``; without it Granian shuts every
worker down (every kiosk's websocket, the reconciler) the moment one worker is
killed (OOM killer, ``kill -9``, a crash in native code). Reflex builds the
Granian server itself, so the only place to say so is a default added to its constructor,
here, before Reflex constructs the server (``rxconfig.py`` calls this).
"""

from __future__ import annotations

import functools


def respawn_failed_workers() -> bool:
    """Make Granian respawn failed workers unless told otherwise; False when Granian is not installed."""
    try:
        from granian.server.common import AbstractServer
    except ImportError:  # the dev server (uvicorn) or another runner: nothing to do
        return False
    original = AbstractServer.__init__
    if getattr(original, "respawns_failed_workers", False):
        return True

    @functools.wraps(original)
    def init(self, *args, **kwargs) -> None:
        kwargs.setdefault("respawn_failed_workers", True)
        original(self, *args, **kwargs)

    init.respawns_failed_workers = True  # type: ignore[attr-defined]  # a mark on the wrapper: patched once
    AbstractServer.__init__ = init  # type: ignore[method-assign]  # the patch this module exists for
    return True
