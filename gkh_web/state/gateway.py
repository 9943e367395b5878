"""Which payment gateway this server talks to: the one factory lives in ``services.gateway_factory``."""

from gkh_web.services.gateway_factory import current_gateway

__all__ = ["current_gateway"]
