"""Встроенный тестовый платёжный шлюз («песочница»), похожий на ЮKassa API v3.

A test double for the app's payment adapter: its own tables, its own database
URL, its own Starlette routes under ``/sandbox-gateway``. Nothing here imports
reflex or the app's models, so it can run as a sidecar just as well.
"""

from gkh_web.domain.webhook_signature import sign_webhook, verify_webhook
from gkh_web.sandbox_gateway.app import build_sandbox_app, sandbox_routes

__all__ = ["build_sandbox_app", "sandbox_routes", "sign_webhook", "verify_webhook"]
