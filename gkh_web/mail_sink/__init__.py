"""The embedded SMTP sink (demo mode only): a real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every
letter it receives in a folder, and ``/demo/outbox``, where the letters can be read.

A separate system that happens to share the process, like the demo ЕСИА and the sandbox gateway: the
app reaches it only over SMTP (``GKH_SMTP_URL``). In production it is neither started nor mounted.
"""
