"""Logs and metrics of the running app (issue 14 §2): JSON log lines with a correlation id per tab event and
per HTTP request, a safety net that masks personal data in them, and Prometheus metrics at ``/metrics``.

One module per idea: ``correlation`` (which event or request a line belongs to), ``redaction`` (the safety
net), ``logs`` (the JSON lines), ``multiproc`` (the metrics' shared directory, set before ``prometheus_client``
loads), ``metrics`` (the instruments), ``db_figures`` (gauges read from the database when scraped),
``tab_events`` and ``http_requests`` (where every event and request passes), ``endpoint`` (``/metrics``).
"""
