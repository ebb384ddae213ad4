"""Gunicorn settings for production (`make serve` uses them on 127.0.0.1:8000).

Sync workers: Django's views are synchronous, and a sync worker per core plus
one keeps both cores busy without the thread hop an ASGI server would add.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
timeout = 30
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
