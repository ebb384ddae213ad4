"""The Redis backend answers without Redis: defaults, a circuit breaker, sparse logs, a signal.

Each test runs its own redis-server (tests/servers.py: own_redis) and stops it
for real; the breaker's intervals pass on time-machine's clock.
"""

import logging
import os
import signal
import time

import pytest
import redis
import time_machine

from caching.backends import CacheUnavailable, RedisCache
from caching.signals import cache_reconnected
from tests.servers import own_redis

RETRY_SECONDS = 1
LOG_SECONDS = 60


@pytest.fixture
def server():
    with own_redis() as server:
        yield server


@pytest.fixture
def backend(server):
    return RedisCache(
        server.url,
        {
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
                "RETRY_SECONDS": RETRY_SECONDS,
                "LOG_SECONDS": LOG_SECONDS,
            }
        },
    )


@pytest.fixture
def clock():
    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def reconnections():
    senders = []

    def receiver(sender, **kwargs):
        senders.append(sender)

    cache_reconnected.connect(receiver)
    yield senders
    cache_reconnected.disconnect(receiver)


def test_every_call_answers_as_a_miss_or_a_failed_write_while_redis_is_stopped(server, backend):
    backend.set("kept", "value")
    server.stop()
    assert backend.get("kept") is None
    assert backend.get("kept", "default") == "default"
    assert backend.get_many(["kept", "other"]) == {}
    assert backend.has_key("kept") is False
    assert backend.add("new", 1) is False
    assert backend.set("new", 1) is None
    assert backend.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert backend.delete("kept") is False
    assert backend.delete_many(["a", "b"]) is None
    assert backend.touch("kept") is False
    assert backend.clear() is False
    assert backend.get_or_set("computed", lambda: 42) == 42
    with pytest.raises(CacheUnavailable):
        backend.incr("counter")
    with pytest.raises(CacheUnavailable):
        backend.decr("counter")
    assert backend.is_down()


def test_answers_as_before_while_redis_is_up(backend):
    assert backend.add("counter", 0) is True
    assert backend.incr("counter", 5) == 5
    assert backend.decr("counter") == 4
    assert backend.set_many({"a": 1, "b": 2}) == []
    assert backend.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert backend.touch("a", 30) is True
    assert backend.delete("a") is True
    assert not backend.is_down()


def test_errors_about_the_data_still_raise(backend):
    with pytest.raises(ValueError):
        backend.incr("missing")
    backend.set("text", "not a number")
    with pytest.raises(redis.exceptions.ResponseError):
        backend.incr("text")
    assert not backend.is_down()


def test_an_error_about_the_data_ends_an_outage_too(server, backend, clock, reconnections):
    server.stop()
    backend.get("key")
    server.start()
    clock.shift(RETRY_SECONDS + 0.1)
    with pytest.raises(ValueError):
        backend.incr("missing")
    assert not backend.is_down()
    assert reconnections == [backend]


def test_calls_fail_fast_while_the_breaker_is_open_then_try_again(server, backend, clock):
    server.stop()
    assert backend.get("key") is None
    server.start()
    redis.Redis(port=server.port).set(backend.make_key("key"), 7)
    clock.shift(RETRY_SECONDS - 0.1)
    # Redis answers again, but the breaker does not ask it yet.
    assert backend.get("key") is None
    assert backend.is_down()
    clock.shift(0.2)
    assert backend.get("key") == 7
    assert not backend.is_down()


def test_one_call_per_interval_tries_while_redis_stays_down(server, backend, clock):
    server.stop()
    backend.get("key")
    clock.shift(RETRY_SECONDS + 0.1)
    assert backend.add("key", 1) is False  # this one tried, and failed again
    server.start()
    # Even though Redis is back: the try just made keeps the breaker open.
    assert backend.add("key", 1) is False
    clock.shift(RETRY_SECONDS + 0.1)
    assert backend.add("key", 1) is True


def test_a_blackholed_redis_costs_one_call_a_socket_timeout_and_the_next_nothing(server, backend):
    backend.set("key", 1)
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert backend.get("key") is None
        assert time.monotonic() - started < 1.5
        started = time.monotonic()
        for _ in range(100):
            assert backend.get("key") is None
        assert time.monotonic() - started < 0.1
    finally:
        os.kill(server.process.pid, signal.SIGCONT)


def test_outage_is_logged_once_per_interval_and_its_end_once(server, backend, clock, caplog):
    caplog.set_level(logging.INFO, logger="caching.backends")
    server.stop()
    for _ in range(5):  # tries again after each RETRY_SECONDS, fails each time
        backend.get("key")
        backend.set("key", 1)
        clock.shift(RETRY_SECONDS + 0.1)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"cache unreachable: {server.url}")

    clock.shift(LOG_SECONDS)
    backend.get("key")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "calls went without it" in warnings[1]

    server.start()
    clock.shift(RETRY_SECONDS + 0.1)
    for _ in range(3):
        backend.get("key")
    infos = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.INFO and r.name == "caching.backends"
    ]
    assert len(infos) == 1 and infos[0].startswith("cache reachable again")


def test_credentials_in_the_location_stay_out_of_the_log(server, clock, caplog):
    backend = RedisCache(f"redis://:secret-password@127.0.0.1:{server.port}/0", {})
    server.stop()
    backend.get("key")
    assert "secret-password" not in caplog.text
    assert f"redis://127.0.0.1:{server.port}/0" in caplog.text


def test_cache_reconnected_is_sent_once_by_the_backend_that_reached_redis_again(
    server, backend, clock, reconnections
):
    server.stop()
    backend.get("key")
    clock.shift(RETRY_SECONDS + 0.1)
    backend.get("key")
    assert reconnections == []
    server.start()
    clock.shift(RETRY_SECONDS + 0.1)
    for _ in range(3):
        backend.set("key", 1)
    assert reconnections == [backend]


def test_a_failing_receiver_does_not_fail_the_cache_call(server, backend, clock, caplog):
    def receiver(sender, **kwargs):
        raise RuntimeError("replay failed")

    cache_reconnected.connect(receiver)
    try:
        server.stop()
        backend.get("key")
        server.start()
        clock.shift(RETRY_SECONDS + 0.1)
        backend.set("key", 1)
    finally:
        cache_reconnected.disconnect(receiver)
    assert backend.get("key") == 1
    assert "replay failed" in caplog.text


def test_backends_of_one_location_share_the_breaker(server, backend):
    # Django builds a backend for each thread; the process has one breaker.
    options = {"RETRY_SECONDS": RETRY_SECONDS, "LOG_SECONDS": LOG_SECONDS}
    another_threads = RedisCache(server.url, {"OPTIONS": options})
    server.stop()
    backend.get("key")
    assert another_threads.is_down()


def test_ping_tries_redis_even_while_calls_fail_fast(server, backend, reconnections):
    server.stop()
    assert backend.ping() is False
    server.start()
    assert backend.ping() is True
    assert not backend.is_down()
    assert reconnections == [backend]


def test_replies_are_parsed_by_hiredis(backend):
    """The C parser (requirements.txt): redis-py falls back to its slower own without it."""
    backend.set("a", 1)
    pool = backend._cache.get_client().connection_pool
    connection = pool.get_connection()
    try:
        assert type(connection._parser).__name__ == "_HiredisParser"
    finally:
        pool.release(connection)
