"""Which of the site's dependencies besides the database do not answer now (for /healthz)."""

import http.client
import urllib.error
import urllib.request

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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer: report it rather than follow it elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# Straight to the edge cache: a proxy from the environment would answer for it.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def _answers(url):
    """Tell whether `url` answers a plain GET in time, whatever its status."""
    if not url.startswith(("http://", "https://")):
        return False
    try:
        _opener.open(url, timeout=EDGE_TIMEOUT).close()
    except urllib.error.HTTPError as error:
        error.close()
        return True
    except (OSError, http.client.HTTPException, ValueError):
        return False
    return True
