"""Data in bulk: the demo set and the providers' payment-document import."""
