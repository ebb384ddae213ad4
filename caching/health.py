"""Which of the site's dependencies besides the database do not answer now (for /healthz)."""

import http.client
import urllib.parse

from django.conf import settings
from django.core.cache import caches

from caching.backends import RedisCache

# An edge cache slower than this to answer is as good as down for a health check.
EDGE_TIMEOUT = 0.5


def unreachable():
    """Return the names of the dependencies that do not answer ("cache", "edge cache <url>")."""
    names = []
    backend = caches["default"]
    # The backend's own socket timeouts bound the PING (settings.CACHES).
    if isinstance(backend, RedisCache) and not backend.ping():
        names.append("cache")
    for url in getattr(settings, "FRONTEND_CACHE_URLS", []):
        if not _answers(url):
            names.append(f"edge cache {url}")
    return names


def _answers(url):
    """Tell whether the edge cache at `url` answers in time.

    A PURGE without keys is refused (400) by Varnish itself, without asking an
    app server: a busy app cannot make its edge cache look down.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=EDGE_TIMEOUT)
    try:
        connection.request("PURGE", "/")
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True
