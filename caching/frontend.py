"""Purge the edge caches (Varnish with xkey) by dependency key.

Every URL in settings.FRONTEND_CACHE_URLS gets `PURGE /` with the keys in an
`xkey-purge` header (deploy/varnish/portal.vcl drops every stored response
whose `xkey` header names one of them). A purge that cannot be sent is logged
(once a minute at most) and sent with the first purge after RETRY_SECONDS: a
Varnish that was restarted is empty anyway, and one that was only out of
reach gets its purges with the next change.

Each purge is sent again REPEAT_SECONDS later: Varnish does not purge a page
it is fetching at that moment, and a rendering that began just before the
change could reach it just after the purge.
"""

import http.client
import logging
import threading
import time
import urllib.parse

from django.conf import settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 1.0
# Varnish refuses request headers over 8 KB by default.
BATCH_CHARACTERS = 4000
# Longer than a rendering takes, well within gunicorn's worker timeout.
REPEAT_SECONDS = 5
# After a failed purge, later ones only queue their keys for this long, so an
# unreachable Varnish does not add a timeout to every change.
RETRY_SECONDS = 10
LOG_SECONDS = 60
_unsent = {}  # URL → keys not yet purged there
_retry_at = {}  # URL → when to try it again after a failure
_last_logged = {}
_lock = threading.Lock()


def purge(keys):
    """Drop what the edge caches stored under any of `keys`, now and once more shortly."""
    if not settings.FRONTEND_CACHE_URLS:
        return
    keys = set(keys)
    _send_to_all(keys)
    again = threading.Timer(REPEAT_SECONDS, _send_to_all, [keys])
    again.daemon = True
    again.start()


def _send_to_all(keys):
    for url in settings.FRONTEND_CACHE_URLS:
        with _lock:
            pending = _unsent.pop(url, set()) | keys
            waiting = time.monotonic() < _retry_at.get(url, 0)
            if waiting:
                _unsent[url] = pending
        if waiting:
            continue
        try:
            for batch in _batches(sorted(pending)):
                _send(url, batch)
        except (OSError, http.client.HTTPException) as error:
            with _lock:
                _unsent[url] = _unsent.get(url, set()) | pending
                _retry_at[url] = time.monotonic() + RETRY_SECONDS
            _log_failure(url, error)


def _batches(keys):
    batch, size = [], 0
    for key in keys:
        if batch and size + len(key) + 1 > BATCH_CHARACTERS:
            yield batch
            batch, size = [], 0
        batch.append(key)
        size += len(key) + 1
    if batch:
        yield batch


def _send(url, keys):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port or 80, timeout=TIMEOUT_SECONDS
    )
    try:
        connection.request("PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise http.client.HTTPException(f"PURGE answered {response.status}")


def _log_failure(url, error):
    now = time.monotonic()
    last = _last_logged.get(url)
    if last is None or now - last >= LOG_SECONDS:
        _last_logged[url] = now
        logger.warning("Could not purge the edge cache at %s: %s", url, error)
