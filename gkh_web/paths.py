"""Every address of the app, in one place: the routes table, redirects and links all name them from here.

No imports: settings, states and pages all read it without pulling anything else in.
"""

START = "/"
ESIA_LOGIN = "/esia/login"
ESIA_REGISTER = "/esia/register"
AUTH_CALLBACK = "/auth/callback"
SESSION_END = "/session/end"
AGREEMENT = "/agreement"
CABINET = "/cabinet"
PAY = "/pay"
PAY_OTHER = "/pay/other"
PAY_RESULT = "/pay/result"
PAYMENTS = "/payments"
DEMO_OUTBOX = "/demo/outbox"
"""The embedded SMTP sink's letters (demo mode only; 404 in production)."""
PAY_DOCUMENT = "/pay/document"
RECEIPT = "/receipt"
"""``/receipt/<signed token>``: one receipt for a phone, opened from the kiosk's QR code without sign-in."""
METRICS = "/metrics"
"""Prometheus metrics (``observability.endpoint``): bearer of ``GKH_METRICS_TOKEN`` only."""
