"""The gateway contract's two implementations, each behind one harness: the embedded sandbox over HTTP (its
ASGI app, with a fault-injecting transport in front where a test needs the network to misbehave) and the
YooKassa adapter against recorded request/response pairs (``tests/data/yookassa``) that check every request."""

from tests.sandbox.conftest import sandbox_env  # noqa: F401  (a fresh sandbox database per test)
