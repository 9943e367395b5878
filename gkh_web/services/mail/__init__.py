"""Receipts by e-mail: the SMTP client (``smtp``), the letter (``letter``) and the outbox (``outbox``)."""
