"""Django's Redis cache backend, keeping one Redis client per connection pool.

It also skips Django's check for keys memcached would refuse.

Django builds a new `redis.Redis` for every cache call, and building one
(its table of about 170 response callbacks) costs more than the GET itself:
about 0.1 ms, paid twice or more on every request. The client is thread-safe
and its pool holds the connections, so one per pool is enough.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Accept every key: Redis takes any string, memcached's limits do not apply.

        Django's check loops over every character of every key, on every call.
        """
