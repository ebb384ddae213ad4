"""Gunicorn settings for production (`make serve` uses them on 127.0.0.1:8000).

Sync workers: Django's views are synchronous, and a sync worker per core plus
one keeps both cores busy without the thread hop an ASGI server would add.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Without Redis each worker would keep its own page cache, and a change made
# through one would not reach the pages the others stored: one worker then.
default_workers = multiprocessing.cpu_count() + 1 if os.environ.get("REDIS_URL") else 1
workers = int(os.environ.get("WEB_CONCURRENCY", default_workers))
worker_class = "sync"
# Recycle workers now and then so a slow leak never grows without bound. Not
# often: at a few thousand requests a second, a restart every few seconds
# would cost a second of start-up and the worker's warm fragment cache.
max_requests = 200_000
max_requests_jitter = 20_000
timeout = 30
graceful_timeout = 30
accesslog = "-"
errorlog = "-"


def post_worker_init(worker):
    """Leave what the worker loaded at start (Django, the apps, the models) out of full collections.

    A full collection walks every object the process holds, some 160,000 once
    a worker has rendered its first pages, most of them loaded at start.
    Frozen (gc.freeze), those are never walked again, nor freed. What loads
    with the first requests (the URL patterns, compiled templates) is not.
    """
    gc.collect()
    gc.freeze()
