"""Counters per time window: in the cache while it answers, in the database while it does not."""

import threading
import time

import pytest
import time_machine
from django.db import connection

from caching import counters, ratelimit
from caching.models import Counter
from tests.servers import own_redis

PERIOD = 60


@pytest.fixture
def cache_down(settings):
    """The default cache on a Redis of the test's own, stopped."""
    with own_redis() as server:
        settings.CACHES = server.cache_setting(settings.CACHES)
        server.stop()
        yield server


@pytest.fixture
def clock():
    # Just after a window starts, so that a test never straddles two.
    start = (time.time() // PERIOD + 1) * PERIOD + 1
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_counts_in_the_cache_while_it_answers(clock):
    assert [counters.increment("visits", period=PERIOD) for _ in range(3)] == [1, 2, 3]
    assert not Counter.objects.exists()


@pytest.mark.django_db
def test_counts_in_the_database_while_the_cache_is_down(cache_down, clock):
    assert [counters.increment("visits", period=PERIOD) for _ in range(3)] == [1, 2, 3]
    assert counters.increment("other", period=PERIOD) == 1
    assert Counter.objects.get(key__startswith="visits:").count == 3


@pytest.mark.django_db
def test_a_new_window_starts_from_one_and_ended_windows_are_removed(cache_down, clock):
    counters.increment("visits", period=PERIOD)
    counters.increment("visits", period=PERIOD)
    clock.shift(PERIOD)
    assert counters.increment("visits", period=PERIOD) == 1
    assert Counter.objects.count() == 1


@pytest.mark.django_db
def test_keys_too_long_for_the_column_stay_apart(cache_down, clock):
    first, second = "x" * 300 + "1", "x" * 300 + "2"
    assert counters.increment(first, period=PERIOD) == 1
    assert counters.increment(second, period=PERIOD) == 1
    assert counters.increment(first, period=PERIOD) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_in_the_database_each_get_their_own_count(cache_down, clock):
    counts, errors = [], []

    def count():
        try:
            for _ in range(5):
                counts.append(counters.increment("busy", period=PERIOD))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(counts) == list(range(1, 41))


@pytest.mark.django_db
def test_rate_limit_refuses_past_its_value_while_the_cache_is_down(cache_down, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": 2}
    assert [ratelimit.allow("signup", "10.0.0.1") for _ in range(3)] == [True, True, False]
    assert ratelimit.allow("signup", "10.0.0.2") is True
