"""The small parts of ``gkh_web.observability``: the token check of ``/metrics``, the JSON line with its
correlation fields, the labels of tab events and the paths of HTTP lines."""

from __future__ import annotations

import json
import logging

from gkh_web.observability import correlation
from gkh_web.observability.endpoint import authorized
from gkh_web.observability.http_requests import loggable_path
from gkh_web.observability.logs import json_handler
from gkh_web.observability.tab_events import handler_label

TOKEN = "0123456789abcdef0123456789abcdef"


def test_only_the_bearer_token_is_authorized():
    assert authorized(f"Bearer {TOKEN}", TOKEN)
    assert authorized(f"bearer {TOKEN}", TOKEN)  # the scheme is case-insensitive (RFC 7235)
    for header in (None, "", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}0", "Bearer ",
                   f"Bearer  {TOKEN[::-1]}", "Bearer пароль"):
        assert not authorized(header, TOKEN), header
    assert not authorized("Bearer ", "")  # no token configured: nothing matches, not even an empty one


def _line(message: str, *args) -> dict:
    handler = json_handler()
    record = logging.LogRecord("gkh_web.test", logging.INFO, "", 0, message, args, None)
    assert handler.filter(record)
    text = handler.format(record)
    assert "\n" not in text  # one event, one line
    return json.loads(text)


def test_a_line_is_json_with_the_correlation_fields():
    assert "correlation_id" not in _line("outside any work")
    with correlation.unit_of_work("event", handler="pay_state.confirm") as fields:
        correlation.bind_payment("3f2a9c0d1e4b5a69")
        line = _line("payment %s", "created")
    assert line["correlation_id"] == fields["correlation_id"] and len(line["correlation_id"]) == 16
    assert line["kind"] == "event" and line["handler"] == "pay_state.confirm"
    assert line["payment_id"] == "3f2a9c0d1e4b5a69" and line["message"] == "payment created"
    assert line["level"] == "INFO" and line["logger"] == "gkh_web.test"


def test_a_line_is_redacted():
    assert _line("to %s", "ivanov@example.com")["message"] == "to [скрыто]"


def test_every_unit_of_work_gets_its_own_id():
    with correlation.unit_of_work("http") as first:
        pass
    with correlation.unit_of_work("http") as second:
        pass
    assert first["correlation_id"] != second["correlation_id"] and correlation.current() == {}


def test_handler_labels_are_short():
    name = "reflex___state____state.gkh_web___state___session____session_state.finish_sign_in"
    assert handler_label(name) == "session_state.finish_sign_in"
    assert handler_label("reflex___state____state.hydrate") == "state.hydrate"


def test_paths_lose_their_tokens():
    assert loggable_path("/receipt/MDAwMDQyLjE3MzMwMDAwMDA.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZw") == "/receipt/…"
    assert loggable_path("/pay/result") == "/pay/result"


def test_configuring_sets_the_level_and_survives_a_wrong_one(monkeypatch):
    from gkh_web.observability.logs import configure_logging

    for name in ("REFLEX_LOG_JSON", "REFLEX_LOGLEVEL"):  # it sets them for Reflex: restored after the test
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    try:
        handler = configure_logging("DEBUG")
        assert root.level == logging.DEBUG and root.handlers == [handler]
        assert configure_logging("WARNING") is handler and root.handlers == [handler]  # idempotent: one handler
        configure_logging("chatty")  # the start-up check refuses it; until then, INFO
        assert root.level == logging.INFO
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)


def test_a_payment_is_named_until_the_work_moves_past_it():
    with correlation.unit_of_work("reconciler"):
        correlation.bind_payment("first")
        correlation.bind_payment("second")
        assert correlation.current()["payment_id"] == "second"
        correlation.forget_payment()
        assert "payment_id" not in correlation.current()
    correlation.bind_payment("outside any work")  # nowhere to put it: ignored
    assert correlation.current() == {}


async def _served(path: str, status: int, caplog) -> list[tuple[int, str]]:
    """One request through ``observe_requests`` to an app answering ``status``; the request line's level and text."""
    from gkh_web.observability.http_requests import observe_requests

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def send(message):
        return None

    async def receive():
        return {"type": "http.request", "body": b""}

    caplog.set_level(logging.DEBUG, logger="gkh_web.observability.http_requests")
    caplog.clear()
    await observe_requests(app)({"type": "http", "method": "GET", "path": path, "headers": []}, receive, send)
    return [(record.levelno, record.getMessage()) for record in caplog.records]


async def test_pages_are_logged_at_info_and_the_apps_public_files_and_probes_at_debug(caplog):
    [(level, line)] = await _served("/pay", 200, caplog)
    assert (level, line.split(" ")[:3]) == (logging.INFO, ["GET", "/pay", "200"])
    for quiet in ("/emblem.svg", "/kiosk.css", "/assets/app-1a2b.js", "/ping", "/_health", "/metrics"):
        assert [level for level, _ in await _served(quiet, 200, caplog)] == [logging.DEBUG], quiet
    assert [level for level, _ in await _served("/emblem.svg", 404, caplog)] == [logging.INFO]  # a failure shows
