"""Fragments: pieces of pages (and objects) kept until what they show changes.

A fragment is stored with the dependency keys recorded while it was rendered
and their versions (dependencies.py); it is served only while those versions
are current, and its keys then join the page's, as if it had been rendered.

Fragments are rendered once for every process and server rather than once in
each: the shared cache (Redis) holds them. Each process also keeps those that
every page shows (menus, footer) in its own memory; a local copy is checked
against the shared versions like any other, so it never goes stale. The
fragments of one page alone (an article's text) stay in the shared cache only:
they would crowd the site-wide ones out of a worker's memory. A page rendered
for one reader reads them with the change counter, in the same round trip; a
page rendered again to be stored, in one round trip for its template.
"""

import collections
import contextlib
import functools
import threading
import time

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.utils import make_template_fragment_key

from caching.dependencies import collecting, current

_MISSING = object()
# The fragments each path rendered for one reader looked for last time: the
# next time, those not in this process's memory are read with the change counter.
_known_fragments = collections.OrderedDict()  # the most recent last
_KNOWN_FRAGMENTS_LIMIT = 2_000  # about 0.5 KB each: the site-wide keys are one string each
_SHARED_PREFIX = "fragment:"
# The keys of the fragments of one page start with it: no process keeps them in memory.
_OF_ONE_PAGE = "page."
# Each process's memory of the LocalFirstCache of each name, and its lock.
_memories, _locks = {}, {}
_STORE = "fragment cache"


def cached(name, vary_on, compute, of_one_page=False):
    """Return `compute()`, kept until a key it recorded changes or its lifetime ends.

    `vary_on` names what else the value depends on (as in Django's {% cache %}).
    A value `of_one_page` (an article's text, not a menu) is kept in the shared
    cache only, and is neither looked for there nor stored while that page
    renders for the first time (caching/pages.py). Outside a cached rendering,
    or with caching off, `compute()` runs every time.
    """
    dependencies = current()
    store = _store(dependencies)
    if store is None:
        return compute()
    key = fragment_key(name, vary_on, of_one_page)
    dependencies.fragments_read.append(key)
    entry = dependencies.prefetched.pop(key, _MISSING)
    if entry is _MISSING:
        entry = None if of_one_page and dependencies.first_rendering else store.get(key)
        if entry is None and of_one_page and not dependencies.keeps_own_parts:
            # The parts of a page are stored together, at the end of its rendering:
            # when one is not in the shared cache, the others are not either.
            dependencies.render_as_first()
    now = time.time()
    if (
        entry is not None
        and now < entry["expires"]
        and dependencies.unchanged(entry["keys"], entry["versions"])
    ):
        dependencies.add(entry["keys"])
        dependencies.expire_by(entry["expires"])
        return entry["value"]
    with collecting() as inner:
        value = compute()

    def to_store(versions):
        expires = min(inner.expires, inner.scheduled_change(), now + settings.PAGE_CACHE_SECONDS)
        if expires <= time.time():
            return None
        stored = {"keys": tuple(versions), "versions": tuple(versions.values())}
        return store, key, {**stored, "expires": expires, "value": value}

    # Stored with the page's other fragments once it is done (Dependencies.finish).
    inner.store_when_done(to_store, of_one_page)
    return value


def fragment_key(name, vary_on, of_one_page=False):
    """Return the key of a fragment, as Django's {% cache %} names it, marked if `of_one_page`."""
    # As text, as Django hashes them: 1 and True are different keys.
    return _fragment_key(name, tuple(map(str, vary_on)), of_one_page)


@functools.lru_cache(maxsize=4096)
def _fragment_key(name, vary_on, of_one_page):
    key = make_template_fragment_key(name, vary_on)
    return _OF_ONE_PAGE + key if of_one_page else key


def prefetch(template, fragments, wanted):
    """Read the fragments of `template` in one round trip, the first time one is missing.

    `wanted` is the key of the fragment about to render: when it came with the
    change counter (read_with_start) or is in this process's memory, nothing
    is read. Otherwise `fragments()` returns the template's (name, vary_on,
    of_one_page); `cached()` then finds each, or knows it is missing, without
    a round trip of its own. The versions of what the found ones show are
    read together too.
    """
    dependencies = current()
    store = _store(dependencies)
    if store is None or dependencies.first_rendering or wanted in dependencies.prefetched:
        return
    if store.holds(wanted):
        return
    if not dependencies.first_time_for(template):
        return
    keys = [fragment_key(*fragment) for fragment in fragments()]
    keys = [key for key in keys if key not in dependencies.prefetched]
    found = store.get_many(keys)
    dependencies.prefetched.update({key: found.get(key) for key in keys})
    shown = {key for entry in found.values() for key in entry["keys"]}
    dependencies.current_versions(shown)


def _store(dependencies):
    """Return the fragment cache for the rendering `dependencies` collects; None if not cached.

    Looked up once a rendering: Django finds a cache by alias in its
    per-thread registry, which costs more than the fragment's own lookup.
    """
    if dependencies is None:
        return None
    try:
        return dependencies.kept[_STORE]
    except KeyError:
        store = caches["fragments"] if settings.PAGE_CACHE_SECONDS > 0 else None
        dependencies.kept[_STORE] = store
        return store


def to_read_with_start(path):
    """Return the shared-cache keys of the fragments `path` looked for last time, not held here.

    For a page rendered for one reader: read with the change counter
    (caching/pages.py), they need no round trip of their own.
    """
    store = caches["fragments"]
    if store.shared_alias != DEFAULT_CACHE_ALIAS:  # not in the change counter's round trip
        return []
    return [store.shared_key(key) for key in _known_fragments.get(path, ()) if not store.holds(key)]


def read_with_start(found, shared_keys):
    """Hand the rendering under way the fragments of `to_read_with_start()`, found or not."""
    dependencies = current()
    if dependencies is None or not shared_keys:
        return
    dependencies.prefetched.update(caches["fragments"].from_shared(found, shared_keys))


def rendered_before(path):
    """Tell whether this process rendered `path` for one reader lately (`remember`)."""
    return path in _known_fragments


def remember(path, dependencies):
    """Keep which fragments the rendering of `path` looked for, for its next rendering."""
    _known_fragments.pop(path, None)  # so that it comes last
    _known_fragments[path] = tuple(dict.fromkeys(dependencies.fragments_read))
    if len(_known_fragments) > _KNOWN_FRAGMENTS_LIMIT:
        with contextlib.suppress(KeyError):  # another thread took it first
            _known_fragments.popitem(last=False)  # the path rendered longest ago


class LocalFirstCache(BaseCache):
    """This process's memory first, then the cache alias OPTIONS["SHARED"]; writes go to both.

    Except for the fragments of one page (`fragment_key`): the shared cache alone holds them.

    The memory keeps values as they are, not pickled copies as Django's
    local-memory cache does: they are fragment entries (markup, and tuples of
    keys and versions) that nobody changes, and a page reads several of them.
    Keys are used as given (no KEY_PREFIX or version locally). Caches of one
    name share their memory, as Django's local-memory caches do; the least
    recently used entry goes first beyond OPTIONS["MAX_ENTRIES"].
    """

    def __init__(self, name, params):
        super().__init__(params)
        self.shared_alias = params.get("OPTIONS", {}).get("SHARED", "default")
        self._memory = _memories.setdefault(name, collections.OrderedDict())
        self._lock = _locks.setdefault(name, threading.Lock())

    def get(self, key, default=None, version=None):
        value = _MISSING if key.startswith(_OF_ONE_PAGE) else self._recall(key)
        if value is not _MISSING:
            return value
        stored = caches[self.shared_alias].get(self.shared_key(key), version=version)
        return self._keep({self.shared_key(key): stored}, [key]).get(key, default)

    def get_many(self, keys, version=None):
        """Return {key: value} of those found, from here, then the rest from the shared cache."""
        found = {}
        for key in keys:
            value = self._recall(key)
            if value is not _MISSING:
                found[key] = value
        missing = [key for key in keys if key not in found]
        if missing:
            shared = caches[self.shared_alias].get_many(map(self.shared_key, missing), version)
            found.update(self._keep(shared, missing))
        return found

    def holds(self, key, version=None):
        """Tell whether this process's memory holds `key`."""
        return self._recall(key) is not _MISSING

    def from_shared(self, found, shared_keys, version=None):
        """Return {key: value or None} for `shared_keys`, from the shared cache's `found`.

        What the shared cache gave (`get_many` on the shared alias) is kept here
        too, but for the fragments of one page.
        """
        keys = [key.removeprefix(_SHARED_PREFIX) for key in shared_keys]
        kept = self._keep(found, keys)
        return {key: kept.get(key) for key in keys}

    def _keep(self, shared, keys):
        """Return the values of `keys` the shared cache gave in `shared`, kept here if they may be.

        The shared copy carries its expiry, so the local copy ends when it does.
        """
        kept, now = {}, time.time()
        for key in keys:
            stored = shared.get(self.shared_key(key))
            if stored is not None and stored[0] > now:
                expires, value = stored
                if not key.startswith(_OF_ONE_PAGE):
                    self._remember(key, value, expires)
                kept[key] = value
        return kept

    def _recall(self, key):
        """Return what this process's memory holds for `key`, or _MISSING."""
        with self._lock:
            held = self._memory.get(key)
            if held is None:
                return _MISSING
            if held[0] <= time.time():
                del self._memory[key]
                return _MISSING
            self._memory.move_to_end(key)
            return held[1]

    def _remember(self, key, value, expires):
        with self._lock:
            self._memory[key] = (expires, value)
            self._memory.move_to_end(key)
            while len(self._memory) > self._max_entries:
                self._memory.popitem(last=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.get(key, _MISSING, version) is not _MISSING:
            return False
        self.set(key, value, timeout, version)
        return True

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Set each value here and in the shared cache, there in one round trip."""
        seconds = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        # Only with a lifetime: Redis evicts only entries that have one (volatile-lru).
        if seconds is None or seconds <= 0:
            return []
        expires = time.time() + seconds
        for key, value in data.items():
            if not key.startswith(_OF_ONE_PAGE):
                self._remember(key, value, expires)
        shared = {self.shared_key(key): (expires, value) for key, value in data.items()}
        return caches[self.shared_alias].set_many(shared, seconds, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return False  # a copy's expiry is the shared one's: not extended here

    def delete(self, key, version=None):
        with self._lock:
            self._memory.pop(key, None)
        return caches[self.shared_alias].delete(self.shared_key(key), version)

    def clear(self):
        """Forget what this process's memory holds; the shared copies stay."""
        with self._lock:
            self._memory.clear()

    def shared_key(self, key):
        """Return the key under which the shared cache holds `key`."""
        return _SHARED_PREFIX + key
