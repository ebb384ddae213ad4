"""Dependency keys: what a page or fragment shows, and when each of those things changed.

A rendering records the keys of the objects and lists it shows as it goes
(`depends_on(article)` records "article:42"; lists have names such as
"articles" or "related:42"). A fragment's keys bubble up into the page that
contains it, so a page knows everything it depends on, also when its
fragments came from the cache.

Each key has a version in the shared cache: the number of the change that
last touched it (a counter of every change) and a random nonce. A stored page
or fragment keeps the versions of its keys and is served only while they are
all current. `changed(*keys)` renews the versions at once and again when the
transaction commits, then purges the edge cache (frontend.py), so a change
reaches only the pages that show what changed. A rendering reads the counter
before any data, and is not stored if one of its keys changed after that: it
may have read the data before the change.

A key that has no version has never changed since the cache started (its
version is UNCHANGED). Version entries have no expiry: with Redis, use the
`volatile-lru` eviction policy so that only entries with a lifetime (pages,
fragments, counters) are evicted, never a version. The version of SITE, which
every rendering depends on, is always written: when it is missing the cache
is unreachable or was emptied, and nothing is stored or served from it.
"""

import contextlib
import contextvars
import datetime
import logging
import math
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction

from caching import frontend
from caching.backends import CacheUnavailable
from caching.signals import cache_reconnected

logger = logging.getLogger(__name__)

# Every page and fragment depends on it; `expire_pages` renews it for a release.
SITE = "site"
UNCHANGED = (0.0, "")
_PREFIX = "dep:"
_COUNTER = "dep-changes"
_scheduled = {}
_current = contextvars.ContextVar("caching_dependencies", default=None)


class Dependencies:
    """What one rendering depends on: its keys, and the moment it goes out of date."""

    def __init__(self, parent=None, *, versions=None):
        self.keys = {SITE}
        self.expires = math.inf
        self.parent = parent
        self.storable = True
        # Shared by a page and its fragments: the versions read during the request,
        # the number of the last change before it started (None: unknown), and
        # the moment it started.
        if parent is not None:
            self.versions, self.last_change = parent.versions, parent.last_change
            self.began, self.pending = parent.began, parent.pending
            self.prefetched, self._templates = parent.prefetched, parent._templates
            self.kept = parent.kept
            self.fragments_read = parent.fragments_read
            self.first_rendering = parent.first_rendering
            self.keeps_own_parts = parent.keeps_own_parts
        else:
            self.versions = {} if versions is None else dict(versions)
            self.last_change = self.versions.pop(_COUNTER, None)
            self.began = time.time()
            # Fragments to store once the page is done, their versions read in one go.
            self.pending = []
            # Fragments read ahead (None: missing), and the templates they were read for.
            self.prefetched, self._templates = {}, set()
            # What the layers above look up once a rendering (the fragment cache).
            self.kept = {}
            # The keys of the fragments the rendering looked for, found or not.
            self.fragments_read = []
            # A page's first rendering: the parts of this page alone are neither
            # read from the shared cache nor stored (caching/pages.py).
            self.first_rendering = False
            # False: they are read, not stored (a page rendered for one reader
            # that this process has not rendered before).
            self.keeps_own_parts = True

    def add(self, keys):
        self.keys.update(keys)

    def render_as_first(self):
        """From now on, neither read nor store the parts of this page alone: none is kept."""
        rendering = self
        while rendering is not None:
            rendering.first_rendering = True
            rendering = rendering.parent

    def expire_by(self, moment):
        self.expires = min(self.expires, moment)

    def current_versions(self, keys=None):
        """Return {key: version} for `keys` (default: all of ours); None if the cache is down."""
        keys = self.keys if keys is None else keys
        missing = [key for key in {SITE, *keys} if key not in self.versions]
        if missing:
            found = cache.get_many([_PREFIX + key for key in missing])
            if _PREFIX + SITE in missing and _PREFIX + SITE not in found:
                found[_PREFIX + SITE] = _start_site()
                if found[_PREFIX + SITE] is None:
                    return None
            for key in missing:
                self.versions[key] = found.get(_PREFIX + key, UNCHANGED)
        return {key: self.versions[key] for key in keys}

    def unchanged(self, keys, versions):
        """Tell whether `keys` still have the `versions` stored with them.

        Not when the cache is down.
        """
        known = tuple(map(self.versions.get, keys))
        if None in known:  # not read yet during this rendering
            current = self.current_versions(keys)
            if current is None:
                return False
            known = tuple(current[key] for key in keys)
        return known == versions

    def storable_versions(self, fresh=None):
        """Return the versions to store this rendering under; None if it must not be stored.

        Read afresh (or taken from `fresh`, versions read afresh for a page
        that holds this fragment): a key that changed since the rendering
        started, or since its version was first read, may have been shown as
        it was before the change. Such a rendering is not stored.
        """
        if self.last_change is None or not self.storable:
            return None
        missing = self.keys if fresh is None else self.keys - fresh.keys()
        if missing:
            read = _read_fresh(missing)
            if read is None:
                return None
            fresh = {**(fresh or {}), **read}
        versions = {key: fresh[key] for key in self.keys}
        for key, version in versions.items():
            if version[0] > self.last_change or self.versions.get(key, version) != version:
                return None
        return versions

    def first_time_for(self, template):
        """Tell whether this rendering meets `template` for the first time (and remember it)."""
        if id(template) in self._templates:
            return False
        self._templates.add(id(template))
        return True

    def store_when_done(self, entry, of_one_page=False):
        """Store what `entry(versions)` returns once the whole rendering is done, if it may be kept.

        `entry` returns (cache, key, value), or None when the part is out of
        date by then. The versions of every such part are read with the
        page's, in one round trip, and the parts written in one more (`finish`).
        A part `of_one_page` is not stored from a page's first rendering, nor
        while `keeps_own_parts` is False.
        """
        if not (of_one_page and (self.first_rendering or not self.keeps_own_parts)):
            self.pending.append((self, entry))

    def finish(self, timeout):
        """Store the parts rendered on the way; return the versions to store the whole under.

        None if the whole must not be stored. For the rendering that is not
        part of another; `timeout` is how long the cache keeps the parts
        (each also carries its own expiry).
        """
        pending, self.pending[:] = list(self.pending), []
        if self.last_change is None:
            return None
        fresh = _read_fresh(self.keys)
        if fresh is None:
            return None
        writes = {}
        for part, entry in pending:
            versions = part.storable_versions(fresh)
            stored = None if versions is None else entry(versions)
            if stored is not None:
                store, key, value = stored
                writes.setdefault(store, {})[key] = value
        for store, values in writes.items():
            store.set_many(values, timeout)
        return self.storable_versions(fresh) if self.storable else None

    def scheduled_change(self):
        """Return when one of our keys next changes by itself (expire_when); math.inf if never.

        The first change after the rendering began: one that happened while it
        rendered may not show in it.
        """
        keys = self.keys & _scheduled.keys()
        return min([math.inf, *(_next_change(key, self.began) for key in keys)])


def _read_fresh(keys):
    """Return {key: version} for `keys` as the cache holds them now; None if it is down."""
    found = cache.get_many([_PREFIX + key for key in keys])
    if _PREFIX + SITE not in found:
        return None
    return {key: found.get(_PREFIX + key, UNCHANGED) for key in keys}


def start_keys(likely=()):
    """Return the cache keys to read before a rendering starts (see `collecting`).

    With the versions of the `likely` keys (those the page showed last time):
    read with the change counter, the fragments that show them need no round
    trip of their own.
    """
    return [_COUNTER, _PREFIX + SITE, *(_PREFIX + key for key in likely)]


def read_start(found, likely=()):
    """Return {key: version} from the values of `start_keys()`; None if the cache is down."""
    site = found.get(_PREFIX + SITE) or _start_site()
    if site is None:
        return None
    versions = {key: found.get(_PREFIX + key, UNCHANGED) for key in likely}
    return {**versions, _COUNTER: found.get(_COUNTER, 0), SITE: site}


@contextlib.contextmanager
def collecting(start=None):
    """Collect the dependencies of a rendering; they join the enclosing one's when done.

    A rendering of its own (not part of another) first reads the change counter,
    unless the caller read `start_keys()` already and passes `read_start()`.
    """
    parent = _current.get()
    if parent is None and start is None:
        start = read_start(cache.get_many(start_keys()))
    dependencies = Dependencies(parent, versions=start)
    token = _current.set(dependencies)
    try:
        yield dependencies
    finally:
        _current.reset(token)
        if parent is not None:
            parent.add(dependencies.keys)
            parent.expire_by(dependencies.expires)
            parent.storable = parent.storable and dependencies.storable
        elif dependencies.pending:  # a rendering nobody finished: its parts are kept
            dependencies.finish(settings.PAGE_CACHE_SECONDS)


def current():
    """Return the dependencies being collected, or None outside a cached rendering."""
    return _current.get()


def key_of(thing):
    """Return the key of a model instance ("article:42") or a key given as a string."""
    if isinstance(thing, models.Model):
        return key_for(thing, thing.pk)
    # A plain str, also from a template's SafeString: keys are stored and interned.
    return str.__str__(str(thing))


def key_for(model, pk):
    """Return the key of the instance of `model` with primary key `pk`."""
    return f"{model._meta.model_name}:{pk}"


def depends_on(*things):
    """Record that what is being rendered shows `things` (instances or keys; None is nothing)."""
    dependencies = _current.get()
    if dependencies is not None:
        dependencies.add(key_of(thing) for thing in things if thing is not None)


def recorded(iterable):
    """Return `iterable` as a list, recording each of its objects as shown."""
    items = list(iterable)
    depends_on(*items)
    return items


class Shown:
    """A list loaded on first use that records what it shows wherever it is used.

    For a view's lazy context values: the first fragment to use the list loads
    it, and every fragment that uses it, cached or not, records its keys.
    """

    def __init__(self, load):
        self._load = load
        self._loaded = None

    def _use(self):
        if self._loaded is None:
            if current() is None:
                self._loaded = (list(self._load()), ())
            else:
                with collecting() as loading:
                    items = list(self._load())
                self._loaded = (items, tuple(loading.keys))
        items, keys = self._loaded
        depends_on(*keys)
        return items

    def __iter__(self):
        return iter(self._use())

    def __len__(self):
        return len(self._use())

    def __bool__(self):
        return bool(self._use())

    def __getitem__(self, index):
        return self._use()[index]


def max_age(seconds):
    """Record that what is being rendered may be kept `seconds` at most."""
    dependencies = _current.get()
    if dependencies is not None:
        dependencies.expire_by(time.time() + seconds)


def keep_out():
    """Record that what is being rendered must not be stored (a page with a form error)."""
    dependencies = _current.get()
    if dependencies is not None:
        dependencies.storable = False


def expire_when(key, function):
    """Register `function(after) -> datetime | None`: when `key` next changes by itself.

    For changes that no save announces, such as a scheduled article going live;
    `after` is an aware datetime, and the function returns the first such moment
    after it.
    """
    _scheduled[key] = function


def changed(*things):
    """Renew the versions of `things` now and once the transaction commits; purge the edge.

    Renewed now too, so that a rendering that starts before the commit, and
    reads the data as it was, is not stored under the versions the commit
    leaves: the second renewal makes them out of date.
    """
    keys = {key_of(thing) for thing in things}
    if not keys:
        return
    if transaction.get_connection().in_atomic_block:
        _renew_versions(keys)
    transaction.on_commit(lambda: _renew(keys), robust=True)


def _renew(keys):
    try:
        _renew_versions(keys)
    finally:
        frontend.purge(keys)


def _renew_versions(keys):
    try:
        version = _new_version()
        failed = cache.set_many({_PREFIX + key: version for key in keys}, None)
    except CacheUnavailable:
        failed = keys
    except Exception:
        # A cache that answers with an error (read-only after a failover, out of
        # memory) must not undo or stop the change: it is logged, as a miss is.
        logger.exception("Could not renew %d dependency keys.", len(keys))
        failed = keys
    if failed:
        # Every process that saw the cache fail renews SITE once it answers again
        # (`_renew_everything_after_outage`), so pages stored before are not served.
        logger.warning("Dependency keys not renewed: %s", " ".join(sorted(failed)[:20]))


def _new_version():
    """Return a version for keys changing now: the change's number, and a nonce."""
    cache.add(_COUNTER, 0, None)
    try:
        number = cache.incr(_COUNTER)
    except ValueError:  # evicted or emptied between add() and incr()
        cache.add(_COUNTER, 1, None)
        number = cache.incr(_COUNTER)
    return (number, secrets.token_hex(4))


def _start_site():
    """Write SITE's version when the cache was emptied (a restart) or is unreachable.

    A new nonce tells it from the version before; whatever was stored under
    the old one is gone or no longer matches. Return the version, or None if
    the cache did not take it (unreachable, or another process was first).
    """
    version = (0, secrets.token_hex(4))
    return version if cache.add(_PREFIX + SITE, version, None) else None


def _next_change(key, after):
    """Return the timestamp of `key`'s first scheduled change after `after`, math.inf if none.

    Kept in the cache with the key's version, as long as it lies ahead.
    """
    cache_key = f"next-change:{key}"
    found = cache.get_many([cache_key, _PREFIX + key])
    version = found.get(_PREFIX + key, UNCHANGED)
    stored = found.get(cache_key)
    if stored and stored[0] == version and stored[1] > after:
        return stored[1]
    moment = _scheduled[key](datetime.datetime.fromtimestamp(after, datetime.UTC))
    timestamp = moment.timestamp() if moment is not None else math.inf
    if timestamp > time.time():
        cache.set(cache_key, (version, timestamp), None)
    return timestamp


def _renew_everything_after_outage(sender, **kwargs):
    """Renew SITE once the cache answers again: changes made meanwhile renewed nothing.

    Every process that saw the outage does it, so it does not matter which
    one made the changes, nor whether it still runs.
    """
    try:
        failed = cache.set_many({_PREFIX + SITE: _new_version()}, None)
    except Exception:
        logger.exception("Could not renew every page after the cache came back.")
        return
    if not failed:
        logger.info("Cache reachable again: every stored page will be rendered anew.")


cache_reconnected.connect(_renew_everything_after_outage, dispatch_uid="renew_after_outage")


def version_key(key):
    """Return the cache key holding the version of dependency `key`."""
    return _PREFIX + key
