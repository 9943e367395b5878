"""``GET /metrics``: the Prometheus text of every worker's counts plus the database's gauges, for a bearer
of ``GKH_METRICS_TOKEN`` only.

* The setting unset: 404, as if there were no such page (metrics are off).
* No ``Authorization: Bearer …`` header, another scheme or another token: 401. The token is compared in
  constant time (``hmac.compare_digest``); a token in the query string is not looked at, so it never has to
  travel where proxies and logs keep addresses.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from gkh_web import paths
from gkh_web.db.engine import session_scope
from gkh_web.db.threads import in_thread
from gkh_web.observability import multiproc
from gkh_web.observability.db_figures import DatabaseFigures
from gkh_web.settings import get_settings

BEARER = "bearer "


def authorized(authorization: str | None, token: str) -> bool:
    """True only for ``Bearer <token>`` (scheme in any case), compared in constant time."""
    if not authorization or not token or authorization[: len(BEARER)].lower() != BEARER:
        return False
    offered = authorization[len(BEARER):].strip().encode("utf-8")
    return hmac.compare_digest(offered, token.encode("utf-8"))


class _ThisProcess(Collector):
    """Without a multiprocess directory (one process): the default registry's own metrics."""

    def collect(self) -> Iterator:
        yield from REGISTRY.collect()


def scrape() -> bytes:
    """The whole exposition: workers' files added up (dead workers' live gauges dropped), then the database."""
    settings = get_settings()
    registry = CollectorRegistry(auto_describe=False)
    directory = os.environ.get(multiproc.ENV)
    if directory:
        for pid in multiproc.dead_workers(Path(directory)):
            prometheus_multiprocess.mark_process_dead(pid, directory)
        prometheus_multiprocess.MultiProcessCollector(registry, path=directory)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseFigures(session_scope, idle_seconds=settings.session_idle_limit_seconds,
                                      max_age_seconds=settings.session_max_seconds))
    return generate_latest(registry)


async def metrics(request: Request) -> Response:
    token = get_settings().metrics_token
    if not token:
        return PlainTextResponse("Not Found", status_code=404)
    if not authorized(request.headers.get("authorization"), token):
        return PlainTextResponse("Unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return Response(await in_thread(scrape), media_type=CONTENT_TYPE_LATEST)


def metrics_routes() -> list[Route]:
    return [Route(paths.METRICS, metrics, methods=["GET"])]
