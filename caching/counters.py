"""Counters per fixed time window: in the cache, and in the database while it is unreachable.

The cache (Redis) counts for every process with one atomic increment. When it
cannot be reached, the count goes on in the database (`Counter` rows), so a
limit keeps holding during an outage instead of letting every request through.

The two counts are separate: a key counted in the cache starts from zero in
the database when the cache goes down, and the cache's count (if Redis kept
it) applies again when it comes back. Across an outage a limit may therefore
allow up to twice its value in one window (more if the cache flaps); that is
accepted, since counting in both places would cost a database write on every
request when nothing is wrong.
"""

import datetime
import hashlib
import time

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from caching.backends import CacheUnavailable
from caching.models import Counter

# Kept a little past the window's end, so a late increment still finds its key.
MARGIN_SECONDS = 60


def increment(key, *, period):
    """Count one event for `key` in this `period`-second window; return its count so far."""
    window = int(time.time() // period)
    window_key = f"{key}:{window}"
    try:
        return _in_cache(window_key, period + MARGIN_SECONDS)
    except CacheUnavailable:
        ends = datetime.datetime.fromtimestamp((window + 1) * period, tz=datetime.UTC)
        return _in_database(_stored_key(window_key), ends)


def _in_cache(key, timeout):
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=timeout)
        return 1


@transaction.atomic
def _in_database(key, ends):
    # The UPDATE takes the row's lock first, so the count read after it is this
    # caller's own: exact across processes on PostgreSQL and SQLite alike.
    if not Counter.objects.filter(key=key).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                Counter.objects.create(key=key, window_ends=ends, count=1)
        except IntegrityError:  # another process created it first: count on it
            Counter.objects.filter(key=key).update(count=F("count") + 1)
        else:
            # A new window is rare enough to pay for removing the ended ones.
            Counter.objects.filter(window_ends__lt=timezone.now()).delete()
            return 1
    return Counter.objects.values_list("count", flat=True).get(key=key)


def _stored_key(key):
    """Return `key`, shortened with a digest when it is too long for the column."""
    limit = Counter._meta.get_field("key").max_length
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: limit - len(digest) - 1]}#{digest}"
