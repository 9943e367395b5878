"""Routes and a stand-alone Starlette app of the sandbox gateway.

The lead mounts ``sandbox_routes()`` next to ``esia_routes()`` in the Reflex
api transformer; tests drive ``build_sandbox_app()`` through ``httpx.ASGITransport``.
"""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from gkh_web.sandbox_gateway import webhooks
from gkh_web.sandbox_gateway.api import api_routes
from gkh_web.sandbox_gateway.hosted import page_routes


def sandbox_routes() -> list[Route]:
    """REST API under ``/sandbox-gateway/api/v3`` and hosted pages under ``/sandbox-gateway/pay``."""
    return api_routes() + page_routes()


def build_sandbox_app(*, webhook_transport: httpx.AsyncBaseTransport | None = None) -> Starlette:
    """A new Starlette app with only the sandbox; ``webhook_transport`` replaces the network in tests."""
    webhooks.use_transport(webhook_transport)
    return Starlette(routes=sandbox_routes())
