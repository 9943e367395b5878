"""Signed notifications about final payment statuses, sent in the background.

Signed with the webhook key (``GKH_GATEWAY_WEBHOOK_SECRET``), not the shop's API
secret: whoever may call the API as the shop must not thereby speak as the gateway.

The hosted page must answer the payer at once, so delivery runs in an asyncio
task; a failed delivery is written to ``sandbox_webhook_delivery`` and never
raised — the app is expected to poll ``GET payments/{id}`` anyway.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time

import httpx
from starlette.concurrency import run_in_threadpool

from gkh_web.domain.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_webhook
from gkh_web.sandbox_gateway import store
from gkh_web.sandbox_gateway.config import get_sandbox_settings
from gkh_web.sandbox_gateway.objects import payment_object

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(connect=3.0, read=5.0, write=5.0, pool=3.0)


@functools.lru_cache(maxsize=1)
def _tls_context():
    """Built once: a new client's own context loads the CA bundle, ~20 ms of CPU on the event loop per webhook."""
    return httpx.create_ssl_context()


EVENTS = {"succeeded": "payment.succeeded", "canceled": "payment.canceled",
          "waiting_for_capture": "payment.waiting_for_capture"}

_transport: httpx.AsyncBaseTransport | None = None
_tasks: set[asyncio.Task] = set()


def use_transport(transport: httpx.AsyncBaseTransport | None) -> None:
    """Tests hand in an ``httpx.MockTransport`` or ``ASGITransport`` receiver; None = real network."""
    global _transport
    _transport = transport


def notification_body(payment_id: str) -> tuple[str, bytes] | None:
    """The event name and JSON body for the payment's current status (None if not notifiable)."""
    row = store.get_payment(payment_id)
    event = EVENTS.get(row.status) if row else None
    if row is None or event is None:
        return None
    body = {"type": "notification", "event": event, "object": payment_object(row)}
    return event, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def schedule(payment_id: str, copies: int) -> None:
    """Send ``copies`` notifications in the background (0 for the «no webhook» card)."""
    url = get_sandbox_settings().webhook_url
    if copies <= 0 or not url:
        return
    task = asyncio.get_running_loop().create_task(_send_copies(payment_id, copies, url))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def wait_for_deliveries() -> None:
    """Wait until every scheduled delivery has finished (for tests and shutdown)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


async def _send_copies(payment_id: str, copies: int, url: str) -> None:
    try:
        prepared = await run_in_threadpool(notification_body, payment_id)
        if prepared is None:
            return
        for _ in range(copies):
            await _deliver(payment_id, url, *prepared)
    except Exception:
        log.exception("sandbox webhook for %s failed", payment_id)


async def _deliver(payment_id: str, url: str, event: str, body: bytes) -> None:
    """Up to N attempts with a pause between; each attempt is signed afresh with the webhook key."""
    settings = get_sandbox_settings()
    delivery_id = await run_in_threadpool(store.new_delivery, payment_id, event)
    async with httpx.AsyncClient(transport=_transport, timeout=TIMEOUT, trust_env=False,
                                 verify=_tls_context()) as client:
        for attempt in range(settings.webhook_attempts):
            if attempt:
                await asyncio.sleep(settings.webhook_backoff_seconds * attempt)
            status, error = await _post(client, url, body, settings.webhook_secret)
            await run_in_threadpool(store.record_attempt, delivery_id, status, error)
            if status is not None and 200 <= status < 300:
                return
    log.warning("sandbox webhook %s for %s not delivered", event, payment_id)


async def _post(client: httpx.AsyncClient, url: str, body: bytes, secret: str) -> tuple[int | None, str | None]:
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: str(timestamp),
               SIGNATURE_HEADER: sign_webhook(body, timestamp, secret)}
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"
    return response.status_code, None if response.is_success else f"HTTP {response.status_code}"
