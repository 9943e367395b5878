"""One event, one line: every log record of the process as a JSON object on stderr.

``configure_logging`` runs when the app module is imported (in every worker, and in the supervisor that
preloads it): our loggers, the server's (Granian's, uvicorn's) and Reflex's all end in one handler that adds
the correlation fields (``correlation``) and passes the record through the redaction net (``redaction``).

Reflex 0.10 attaches its own sinks to the ``reflex`` logger and does not propagate; in JSON mode
(``REFLEX_LOG_JSON=1``, which this module turns on) its sink is ``reflex_base.utils.log.JsonHandler`` and its
console messages go through ``_write_json``. Both are pointed at our handler here, so Reflex's lines, and
Granian's (Reflex gives Granian the same JSON handler in JSON mode), are ours too.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

from gkh_web.observability import correlation
from gkh_web.observability.redaction import RedactionFilter
from gkh_web.settings import LOG_LEVELS

SERVER_LOGGERS = ("granian", "_granian", "granian.access", "uvicorn", "uvicorn.error", "uvicorn.access")
"""Loggers of the HTTP servers: their own handlers go, their records come to the root handler."""
QUIET_LOGGERS = {"alembic.runtime.plugins": logging.WARNING}
"""Chatter at INFO that says nothing to an operator: alembic lists its plugins whenever a library first imports
its autogenerate module (Reflex does, lazily, in the middle of a tab event)."""


class JsonLineFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "correlation_id", "kind", "payment_id", …}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **correlation.current(),
            "pid": record.process,
        }
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def json_handler() -> logging.Handler:
    """The one handler: stderr, JSON lines, redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RedactionFilter())
    handler.set_name("gkh-json")
    return handler


_HANDLER: logging.Handler | None = None


def configure_logging(level: str) -> logging.Handler:
    """Install the JSON handler on the root logger at ``level`` (``GKH_LOG_LEVEL``); idempotent.

    A level that is not one of ``LOG_LEVELS`` falls back to INFO here, so that the start-up check
    (``config_check``) refuses it with its list of problems rather than ``setLevel`` with a traceback."""
    global _HANDLER
    level = level if level in LOG_LEVELS else "INFO"
    root = logging.getLogger()
    if _HANDLER is None:
        _HANDLER = json_handler()
    for handler in list(root.handlers):
        if handler is not _HANDLER:
            root.removeHandler(handler)
    if _HANDLER not in root.handlers:
        root.addHandler(_HANDLER)
    root.setLevel(level)
    for name, quiet_level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(quiet_level, logging.getLevelName(level)))
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    _route_reflex_output(_HANDLER, level)
    return _HANDLER


def _route_reflex_output(handler: logging.Handler, level: str) -> None:
    """Reflex's JSON sink and JSON prints go through ``handler`` (see the module's docstring)."""
    os.environ.setdefault("REFLEX_LOG_JSON", "1")
    try:
        from reflex_base.constants import LogLevel
        from reflex_base.utils import log as reflex_log
    except ImportError:  # outside the Reflex app (tools, tests of this module)
        return

    def emit(_sink: logging.Handler, record: logging.LogRecord) -> None:
        if record.levelno >= handler.level:
            handler.handle(record)

    def write_json(payload: dict, *, stderr: bool) -> None:  # the handler's filter redacts it like any record
        record = logging.LogRecord("reflex", _level_of(payload), "", 0, str(payload.get("message", "")), None, None)
        handler.handle(record)

    reflex_log.JsonHandler.emit = emit  # type: ignore[method-assign,assignment]  # replacing Reflex's sink on purpose
    reflex_log._write_json = write_json
    # Reflex's loggers follow GKH_LOG_LEVEL too: through its own setter, which its sinks re-read whenever
    # Reflex configures them again (a plain setLevel would be undone then).
    reflex_log.set_log_level(LogLevel(level.lower()))


def _level_of(payload: dict) -> int:
    level = logging.getLevelName(str(payload.get("level", "info")).upper())
    return level if isinstance(level, int) else logging.INFO
