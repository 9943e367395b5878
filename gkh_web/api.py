"""The HTTP routes served next to the Reflex app on the same port.

The embedded demo ЕСИА (``/esia``) and the embedded sandbox payment gateway
(``/sandbox-gateway``) are separate systems that happen to share the process: the
ГИС ЖКХ side talks to them only over HTTP, exactly as it would to real ones. The
gateway's signed notifications arrive at ``/payments/webhook``.
"""

from starlette.applications import Starlette

from gkh_web.esia.api import esia_routes
from gkh_web.payment_webhook import webhook_routes
from gkh_web.sandbox_gateway import sandbox_routes


def build_api() -> Starlette:
    """A new Starlette app for ``rx.App(api_transformer=…)``; Reflex mounts itself inside it."""
    return Starlette(routes=esia_routes() + sandbox_routes() + webhook_routes())
