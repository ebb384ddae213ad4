"""A cache in each process's memory, in front of the shared cache: for rendered fragments.

Fragment keys carry the content generation (portal/pagecache.py), so a copy
never goes stale and each process may keep its own. Behind the local copy sits
the shared cache (Redis), so a fragment is rendered once for every process and
server rather than once in each, after a content change or a worker restart.
"""

import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

_MISSING = object()


class LocalFirstCache(LocMemCache):
    """Local memory first, then the cache alias OPTIONS["SHARED"]; writes go to both."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self._shared_alias = params.get("OPTIONS", {}).get("SHARED", "default")

    def get(self, key, default=None, version=None):
        value = super().get(key, _MISSING, version)
        if value is not _MISSING:
            return value
        # The shared copy carries its expiry, so the local copy ends when it does.
        stored = caches[self._shared_alias].get(self._shared_key(key), version=version)
        if stored is None or stored[0] <= time.time():
            return default
        expires, value = stored
        super().set(key, value, expires - time.time(), version)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        super().set(key, value, timeout, version)
        seconds = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        if seconds is not None and seconds > 0:
            stored = (time.time() + seconds, value)
            caches[self._shared_alias].set(self._shared_key(key), stored, seconds, version)

    def validate_key(self, key):
        """Accept every key: memcached's limits do not apply to either store here.

        Django's check loops over every character of the key on every read.
        """

    def _shared_key(self, key):
        return f"fragment:{key}"
