"""``POST /payments/webhook`` — the gateway's notifications, accepted only with a valid signature.

A notification only speeds things up: the result page and the reconciler ask the
gateway themselves, so a lost, late, duplicated or reordered webhook changes nothing
that ``payments.transition`` would not allow.
"""

import json
import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gkh_web.db.engine import session_scope
from gkh_web.sandbox_gateway.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_webhook
from gkh_web.services import payments
from gkh_web.settings import get_settings

WEBHOOK_PATH = "/payments/webhook"
MAX_BODY_BYTES = 64 * 1024


def _apply(body: dict) -> str:
    with session_scope() as session:
        return payments.apply_webhook(session, body, verified=True)


async def payment_webhook(request: Request) -> JSONResponse:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        return JSONResponse({"error": "too_large"}, status_code=413)
    signed = verify_webhook(raw, request.headers.get(TIMESTAMP_HEADER), request.headers.get(SIGNATURE_HEADER),
                            get_settings().gateway_secret, now=time.time())
    if not signed:
        return JSONResponse({"error": "invalid_signature"}, status_code=401)
    try:
        body = json.loads(raw)
    except ValueError:
        return JSONResponse({"error": "malformed"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "malformed"}, status_code=400)
    outcome = await run_in_threadpool(_apply, body)
    return JSONResponse({"result": outcome})


def webhook_routes() -> list[Route]:
    return [Route(WEBHOOK_PATH, payment_webhook, methods=["POST"])]
