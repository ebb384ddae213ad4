"""Whole pages for readers without a session, stored until what they show changes.

Every such reader sees the same page, so one rendering serves them all: from
the cache here (Redis in production), and from an edge cache (Varnish) in
front when there is one. A reader without a session is one whose request
carries neither a session cookie nor a messages cookie.

Signed-in readers get the same page: it is rendered without their session
cookie, so nothing of theirs is in it, and the page's script fills in their
menu and their own state from an uncached endpoint. The READER_COOKIE, which
scripts can read (the session cookie they cannot), tells the script that this
browser has a session worth asking about. Where the shared page is not what
the reader would see (a 404 for everyone, the author's own pending post), the
page is rendered again for them alone. A reader with a message waiting after
a form gets a page rendered for them, which shows it.

A cached view (`cache_for_anonymous`) records, as it renders, the dependency
keys of everything it shows (dependencies.py). The stored page keeps them and
their versions, and is served only while they are all current; the response
names them in an `xkey` header for the edge cache, which `changed()` purges.

A page is stored only under its canonical address: the query parameters its
view reads, each in its one canonical spelling. Tracking parameters are
taken out of the request (the page is the one without them); another
spelling of the same parameters redirects to the canonical one; anything
else is rendered and not stored, so made-up URLs cannot fill the cache.

A page whose lifetime ran out while its keys stayed current is rendered again
by one request; the others get the stored copy meanwhile rather than all
rendering it at once. A page whose keys changed is never served.

Everything else the application answers is `private, no-store`, so no edge
cache or proxy keeps a page made for one reader.
"""

import collections
import contextlib
import copy
import functools
import gzip
import hashlib
import re
import secrets
import sys
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.text import compress_string
from django.utils.translation import get_language

from caching import dependencies, fragments
from caching.canonical import NotCanonical

# Part of every stored page's key: change it when the stored format changes.
FORMAT = 5
# How long other requests wait for one that renders a page again (then one of
# them tries): about the longest a rendering takes, gunicorn's worker timeout.
RENDER_SECONDS = 30
PRIVATE = "private, no-store"
# Set while the browser has a session, readable by the page's script.
READER_COOKIE = "reader"
# The keys each stored page had when this process last saw it: the page and the
# versions of its keys are then read in one round trip. The page seen longest ago
# goes first beyond the limit, so pages read once (the long tail) do not push out
# those read all the time.
_known_keys = collections.OrderedDict()  # the most recent last
_KNOWN_KEYS_LIMIT = 2_000
_LAST_PAGE = "last rendered page"
# Smaller pages are stored as they are (as GZipMiddleware leaves them).
_GZIP_AT_LEAST = 200
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_NOT_STORED_HEADERS = {"Cache-Control", "X-Cache", "Content-Length", "ETag"}


def cache_for_anonymous(view=None, *, query=None):
    """Let PageCacheMiddleware keep what `view` renders for readers without a session.

    `query` maps each query parameter the view reads to its normaliser
    (caching/canonical.py), which returns the canonical value, or None when
    the parameter says nothing (the first page, an empty filter).
    The view records what it shows with `dependencies.depends_on()`.
    """
    if view is None:
        return functools.partial(cache_for_anonymous, query=query)

    # A wrapper to carry the mark: the view may be Django's own (the sitemaps).
    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    cached_view.page_cache = dict(query or {})
    return cached_view


class PageCacheMiddleware:
    """Answer readers without a session from the page cache; store what cached views render.

    It sits just inside SecurityMiddleware, WhiteNoise and the compression
    middleware, so a stored page keeps the headers the inner middleware gave it
    (CSP, frame and cookie rules) and a hit skips sessions, CSRF and the view
    entirely.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._answer(request)
        if not response.has_header("xkey"):  # not the shared page: the cookie may be set
            _mark_reader(request, response)
        return response

    def _answer(self, request):
        parameters = _cached_view(request) if _may_share(request) else None
        canonical = None if parameters is None else _canonical_query(request, parameters)
        if canonical is None:
            # Not for every reader, or parameters the view does not read: rendered
            # for this request (its fragments may still come from the cache).
            return _private(self._render(request))
        if canonical != _ordered(request.GET):
            query = urlencode(canonical)
            location = request.path + (f"?{query}" if query else "")
            return _private(HttpResponsePermanentRedirect(location))
        page_key = _page_key(request)
        # The versions of what the page showed last time come with the page: a
        # stored page is checked, and a page rendered again checks its fragments,
        # without another round trip.
        keys = _known(page_key) or _likely_keys(request)
        found = cache.get_many([*dependencies.start_keys(keys), page_key])
        start = dependencies.read_start(found, keys)
        entry = found.get(page_key)
        rendering_key = rendering_mark = None
        if entry is not None and start is not None:
            if not set(entry["keys"]) <= set(keys):
                _remember_keys(page_key, entry["keys"])
                found = cache.get_many([dependencies.version_key(key) for key in entry["keys"]])
            current = tuple(
                found.get(dependencies.version_key(key), dependencies.UNCHANGED)
                for key in entry["keys"]
            )
            if current == entry["versions"]:
                now = time.time()
                if now < entry["expires"]:
                    return _respond(request, entry, now)
                # Out of date by age alone: one request renders it again while the
                # others keep getting the stored copy.
                if now < entry["stale_until"]:
                    rendering_key, rendering_mark = _rendering_key(page_key), secrets.token_hex(8)
                    if not cache.add(rendering_key, rendering_mark, RENDER_SECONDS):
                        return _respond(request, entry, now)
        try:
            return self._render_and_store(request, page_key, start, first=entry is None)
        finally:
            # Unless it ran out and another request has set its own meanwhile.
            if rendering_key and cache.get(rendering_key) == rendering_mark:
                cache.delete(rendering_key)

    def _render(self, request):
        """Render `request` for its reader alone; the fragments it renders are still kept.

        The fragments the path looked for last time come with the change
        counter: a page rendered again from them makes one round trip. A
        page this process has not rendered for a reader before looks for the
        parts of that page alone (another process may have kept them), until
        one is missing (they are kept together), but does not store them:
        most such pages are never rendered again (a made-up address on the
        long tail of articles); a page that is, keeps them from its next
        rendering on.
        """
        keys = _likely_keys(request)
        parts = fragments.to_read_with_start(request.path)
        found = cache.get_many([*dependencies.start_keys(keys), *parts])
        start = dependencies.read_start(found, keys)
        page = _cached_view(request) is not None  # a page, not a form or /reader/
        with dependencies.collecting(start or {}) as shown:
            shown.keeps_own_parts = not page or fragments.rendered_before(request.path)
            fragments.read_with_start(found, parts)
            response = self.get_response(request)
        if page:
            _remember_keys(request.path, shown.keys)
            _remember_keys(_LAST_PAGE, shown.keys)
            fragments.remember(request.path, shown)
        return response

    def _render_and_store(self, request, page_key, start, first):
        """Render the page every reader gets, and store it.

        A page rendered for the `first` time (none is stored) keeps only the
        whole: most pages are never rendered twice (the long tail of articles
        each read now and then), and the fragments of the page alone would
        serve only a page rendered again. So they are neither looked for in
        the shared cache nor stored; from the page's second rendering on,
        after a change, they are.
        """
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        with dependencies.collecting(start or {}) as shown:
            shown.first_rendering = first
            response = self.get_response(_without_session(request) if signed_in else request)
            storable = _storable(response)
            # Its fragments are stored now, and their versions read with the page's.
            versions = shown.finish(settings.PAGE_CACHE_SECONDS) if storable else None
        _remember_keys(request.path, shown.keys)
        _remember_keys(_LAST_PAGE, shown.keys)
        if signed_in and not storable:
            # Not a page for everyone (a 404, a redirect): the reader may have their own.
            return _private(self._render(request))
        if versions is None:
            return _private(response)
        now = time.time()
        scheduled = shown.scheduled_change()
        expires = min(shown.expires, scheduled, now + settings.PAGE_CACHE_SECONDS)
        if expires <= now:
            return _private(response)
        # Kept longer than it is fresh, for the one request that renders it again,
        # but never past a scheduled change.
        stale_until = min(expires + settings.PAGE_CACHE_SECONDS, scheduled)
        entry = _entry(response, versions, expires, stale_until)
        cache.set(page_key, entry, int(entry["stale_until"] - now) + 1)
        _remember_keys(page_key, entry["keys"])
        # Sent as it was stored (compressed once, not again on the way out).
        return _respond(request, entry, now, x_cache="MISS")


def shared_with_every_reader(request):
    """Tell whether what is rendered for `request` must suit every reader (no session).

    True for a reader without a session, and for a signed-in reader while the
    shared page is rendered for them. What is rendered then must not be
    personal, stored or not.
    """
    return _may_share(request) and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _may_share(request):
    """Tell whether `request` may get the page every reader gets, signed in or not."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _without_session(request):
    """Return a copy of `request` as a reader without a session would send it."""
    shared = copy.copy(request)
    shared.COOKIES = {
        name: value
        for name, value in request.COOKIES.items()
        if name != settings.SESSION_COOKIE_NAME
    }
    shared.META = {
        **request.META,
        "HTTP_COOKIE": "; ".join(f"{name}={value}" for name, value in shared.COOKIES.items()),
    }
    return shared


def _mark_reader(request, response):
    """Set READER_COOKIE while the browser has a session cookie, and drop it after."""
    has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
    session = response.cookies.get(settings.SESSION_COOKIE_NAME)
    if session is not None:  # set or deleted by this response
        has_session = bool(session.value)
    if has_session and (session is not None or READER_COOKIE not in request.COOKIES):
        browser_session = settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        response.set_cookie(
            READER_COOKIE,
            "1",
            max_age=None if browser_session else settings.SESSION_COOKIE_AGE,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
    elif not has_session and READER_COOKIE in request.COOKIES:
        response.delete_cookie(
            READER_COOKIE,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )


def _cached_view(request):
    return _cached_path(get_urlconf(), request.path_info)


@functools.lru_cache(maxsize=4096)
def _cached_path(urlconf, path):
    """Return the query normalisers of the cached view at `path`; None if it is not cached."""
    try:
        return getattr(resolve(path, urlconf).func, "page_cache", None)
    except Resolver404:
        return None


def _canonical_query(request, parameters):
    """Return the canonical [(name, value)] of the request's query; None if there is none.

    Tracking parameters are taken out of `request.GET` on the way: the view
    renders the page without them.
    """
    if not request.GET:
        return []
    tracking = {name for name in request.GET if _tracks(name)}
    if tracking:
        kept = [(k, v) for k, values in request.GET.lists() if k not in tracking for v in values]
        request.GET = QueryDict(urlencode(kept), encoding=request.encoding)
    canonical = []
    for name, values in request.GET.lists():
        normalise = parameters.get(name)
        if normalise is None:
            return None
        try:
            spellings = {normalise(value) for value in values}
        except NotCanonical:
            return None
        if len(spellings) > 1:
            return None
        value = spellings.pop()
        if value is not None:
            canonical.append((name, value))
    return sorted(canonical)


def _ordered(query):
    return sorted((name, value) for name, values in query.lists() for value in values)


def _tracks(parameter):
    """Tell whether `parameter` only says where a visit came from (TRACKING_PARAMETERS)."""
    return parameter in settings.TRACKING_PARAMETERS or any(
        parameter.startswith(name[:-1])
        for name in settings.TRACKING_PARAMETERS
        if name.endswith("*")
    )


def _storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _private(response):
    """Mark a response no shared cache may keep, unless it already says how to cache it."""
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = PRIVATE
    return response


def _entry(response, versions, expires, stale_until):
    content = response.content
    etag = quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())
    response["ETag"] = etag
    # Rendered without cookies, it is the same page whatever cookies a reader has.
    _drop_vary(response, "Cookie")
    # Kept compressed, once: nearly every reader accepts gzip, and the page
    # carries nothing personal for BREACH to find.
    compressed = len(content) >= _GZIP_AT_LEAST and "Content-Encoding" not in response
    return {
        "keys": tuple(versions),
        "versions": tuple(versions.values()),
        "expires": expires,
        "stale_until": stale_until,
        "etag": etag,
        "headers": [(k, v) for k, v in response.items() if k not in _NOT_STORED_HEADERS],
        "content": compress_string(content) if compressed else content,
        "gzip": compressed,
    }


def _drop_vary(response, header):
    kept = [h.strip() for h in response.get("Vary", "").split(",") if h.strip()]
    kept = [h for h in kept if h.lower() != header.lower()]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif response.has_header("Vary"):
        del response["Vary"]


def _set_shared_headers(response, entry, now):
    # Browsers keep the page but ask each time (a 304 when nothing changed);
    # shared caches keep it for its remaining lifetime, purged by key.
    seconds = max(0, int(entry["expires"] - now))
    response["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}"
    response["xkey"] = " ".join(sorted(entry["keys"]))


def _respond(request, entry, now, x_cache="HIT"):
    content, etag = entry["content"], entry["etag"]
    response = HttpResponse(headers=dict(entry["headers"]))
    if entry["gzip"]:
        patch_vary_headers(response, ["Accept-Encoding"])
        if _accepts_gzip(request):
            response["Content-Encoding"] = "gzip"
            etag = f"W/{etag}"  # as GZipMiddleware marks what it compresses
        else:
            content = gzip.decompress(content)
    response.content = content
    response["Content-Length"] = len(content)
    response["ETag"] = etag
    response["X-Cache"] = x_cache
    _set_shared_headers(response, entry, now)
    return get_conditional_response(request, etag=etag, response=response)


def _accepts_gzip(request):
    return bool(_ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def _rendering_key(page_key):
    """The mark a request sets while it renders again a page that is out of date by age."""
    return f"{page_key}:rendering"


def _likely_keys(request):
    """Return the keys the page at this path showed last time, or else the last page's.

    Most of what one page shows (the menus, the lists every page has), the
    next shows too.
    """
    return _known(request.path) or _known_keys.get(_LAST_PAGE, ())


def _known(page_key):
    """Return the keys remembered for `page_key` (None if none), now the most recent."""
    keys = _known_keys.get(page_key)
    if keys is not None:
        with contextlib.suppress(KeyError):  # another thread dropped it meanwhile
            _known_keys.move_to_end(page_key)
    return keys


def _remember_keys(page_key, keys):
    # Interned: pages share most of their keys (the menu, lists, popular articles).
    _known_keys[page_key] = tuple(map(sys.intern, keys))
    with contextlib.suppress(KeyError):
        _known_keys.move_to_end(page_key)
    while len(_known_keys) > _KNOWN_KEYS_LIMIT:
        with contextlib.suppress(KeyError):  # another thread took it first
            _known_keys.popitem(last=False)


def _page_key(request):
    # Pages carry absolute links (canonical, og:url), so the host and scheme count.
    query = urlencode(_ordered(request.GET))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
    return f"page:{FORMAT}:{get_language()}:{digest}"
