"""Django's Redis cache backend, tolerant of a Redis that does not answer.

A Redis that cannot be reached is a miss, never an error: reads return their
default, writes report that they did not happen, and `incr` raises
`CacheUnavailable` so that counters can count elsewhere. After a failure,
calls fail fast for OPTIONS["RETRY_SECONDS"] (a circuit breaker shared by the
process's threads), then the next call tries again; the outage is logged once
per OPTIONS["LOG_SECONDS"], and `signals.cache_reconnected` is sent when Redis
answers again. Errors about the data (a wrong type, an unpicklable value) are
not connection errors and still raise.

It also keeps one Redis client per connection pool and skips Django's check
for keys memcached would refuse. Django builds a new `redis.Redis` for every
cache call, and building one (its table of about 170 response callbacks) costs
more than the GET itself: about 0.1 ms, paid twice or more on every request.
The client is thread-safe and its pool holds the connections, so one per pool
is enough.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

import redis.exceptions
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT

from caching.signals import cache_reconnected

logger = logging.getLogger(__name__)

# What a Redis that is stopped, blackholed or restarting raises.
CONNECTION_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
_UNAVAILABLE = object()


class CacheUnavailable(Exception):
    """Redis could not be reached, so the operation did not happen."""


class CircuitBreaker:
    """Whether to call Redis now: not for `retry_seconds` after a failure."""

    def __init__(self, name, *, retry_seconds, log_seconds):
        self.name = name
        self.retry_seconds = retry_seconds
        self.log_seconds = log_seconds
        self.down_since = None
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._warned_at = None
        self._failures = 0

    def is_open(self):
        """Tell whether the last call failed and none has succeeded since."""
        return self.down_since is not None

    def allows_call(self):
        """Tell whether to call Redis now; while it is down, one caller per interval tries."""
        if self.down_since is None:
            return True
        with self._lock:
            now = time.time()
            # A clock set back must not keep the breaker open for that long.
            if self._retry_at <= now or now < self._retry_at - self.retry_seconds:
                # This caller tries; the others keep failing fast meanwhile.
                self._retry_at = now + self.retry_seconds
                return True
            self._failures += 1
            return False

    def failed(self, error):
        """Record a failed call: open the breaker, and warn once per `log_seconds`."""
        with self._lock:
            now = time.time()
            if self.down_since is None:
                self.down_since = now
            self._retry_at = now + self.retry_seconds
            self._failures += 1
            first = self._warned_at is None
            warn = first or not 0 <= now - self._warned_at < self.log_seconds
            if warn:
                self._warned_at, failures, self._failures = now, self._failures, 0
                seconds = now - self.down_since
        if not warn:
            return
        if first:
            logger.warning(
                "cache unreachable: %s (%s); answering without it, trying again every %s s",
                self.name, error, self.retry_seconds,
            )  # fmt: skip
        else:
            logger.warning(
                "cache unreachable: %s for %.0f s (%s); %d calls went without it since "
                "the last warning",
                self.name, seconds, error, failures,
            )  # fmt: skip

    def succeeded(self):
        """Record a call that reached Redis; return True when it ends an outage."""
        if self.down_since is None:
            return False
        with self._lock:
            if self.down_since is None:
                return False
            seconds = time.time() - self.down_since
            self.down_since = self._warned_at = None
            self._failures = 0
        logger.info("cache reachable again: %s after %.0f s", self.name, seconds)
        return True


_breakers = {}
_breakers_lock = threading.Lock()


def _breaker_for(servers, retry_seconds, log_seconds):
    """Return the process's breaker for these servers (Django builds a backend per thread)."""
    key = (tuple(servers), retry_seconds, log_seconds)
    with _breakers_lock:
        if key not in _breakers:
            name = ",".join(_without_credentials(server) for server in servers)
            _breakers[key] = CircuitBreaker(
                name, retry_seconds=retry_seconds, log_seconds=log_seconds
            )
        return _breakers[key]


def _without_credentials(url):
    parts = urlsplit(url)
    if parts.hostname is None:
        return parts.path or url
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """Django's Redis cache, answering without Redis while it cannot be reached."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_seconds = options.pop("RETRY_SECONDS", 1)
        log_seconds = options.pop("LOG_SECONDS", 60)
        # The rest of OPTIONS goes to the connection pool (socket timeouts).
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = RedisCacheClient
        self._breaker = _breaker_for(self._servers, retry_seconds, log_seconds)

    def validate_key(self, key):
        """Accept every key: Redis takes any string, memcached's limits do not apply.

        Django's check loops over every character of every key, on every call.
        """

    def is_down(self):
        """Tell whether Redis failed to answer the last call (calls fail fast meanwhile)."""
        return self._breaker.is_open()

    def ping(self):
        """Tell whether Redis answers a PING now, trying even while calls fail fast."""
        try:
            self._cache.get_client(write=True).ping()
        except CONNECTION_ERRORS as error:
            self._breaker.failed(error)
            return False
        self._succeeded()
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(False, self._cache.add, key, value, self.get_backend_timeout(timeout))

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(default, self._cache.get, key, default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._call(None, self._cache.set, key, value, self.get_backend_timeout(timeout))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(False, self._cache.touch, key, self.get_backend_timeout(timeout))

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(False, self._cache.delete, key)

    def get_many(self, keys, version=None):
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        found = self._call({}, self._cache.get_many, key_map.keys())
        return {key_map[k]: v for k, v in found.items()}

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._call(False, self._cache.has_key, key)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        count = self._call(_UNAVAILABLE, self._cache.incr, key, delta)
        if count is _UNAVAILABLE:
            raise CacheUnavailable(f"cache unreachable: {self._breaker.name}")
        return count

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        safe_data = {self.make_and_validate_key(key, version=version): v for key, v in data.items()}
        # Django's contract: the keys that were not stored.
        failed = list(data)
        stored = self._call(
            failed, self._cache.set_many, safe_data, self.get_backend_timeout(timeout)
        )
        return failed if stored is failed else []

    def delete_many(self, keys, version=None):
        if not keys:
            return
        safe_keys = [self.make_and_validate_key(key, version=version) for key in keys]
        self._call(None, self._cache.delete_many, safe_keys)

    def clear(self):
        return self._call(False, self._cache.clear)

    def _call(self, fallback, operation, *args):
        """Return `operation(*args)`, or `fallback` when Redis cannot be reached."""
        if not self._breaker.allows_call():
            return fallback
        try:
            result = operation(*args)
        except CONNECTION_ERRORS as error:
            self._breaker.failed(error)
            return fallback
        except Exception:
            # Redis answered, with an error about the data: it is reachable.
            if self._breaker.down_since is not None:
                self._succeeded()
            raise
        if self._breaker.down_since is not None:
            self._succeeded()
        return result

    def _succeeded(self):
        if not self._breaker.succeeded():
            return
        # A receiver that fails must not turn this cache call into an error.
        for receiver, answer in cache_reconnected.send_robust(sender=self):
            if isinstance(answer, Exception):
                logger.error("cache_reconnected receiver %r failed", receiver, exc_info=answer)
