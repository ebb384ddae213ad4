"""Whole-page cache for anonymous readers, emptied at once by any content change.

Every anonymous reader sees the same page, so one rendering serves them all.
A reader is anonymous here when the request carries neither a session cookie
nor a messages cookie; everyone else gets a freshly rendered page.

Freshness works by generations rather than by deleting keys:
- one site-wide generation token, replaced by `content_changed()` on any
  change that can show on a page (the apps' signal receivers call it);
- one token per path, replaced by `page_changed(path)` for a change that shows
  on that page only (a helpful vote);
- an expiry time, for content that changes on its own at a known moment
  (a scheduled article going live), taken from the functions registered with
  `expire_when()`.
A stored page records the tokens it was rendered under and is served only
while they are still current. Tokens are read before rendering, so a page
rendered from data that changed meanwhile is stored under tokens that are
already out of date and is never served.

A page that is out of date only by age (PAGE_CACHE_SECONDS, which bounds
how late the "most helpful" lists show a vote) is rendered again by one
request; the others get the stored copy meanwhile rather than all rendering
it at once. A page whose tokens changed, or that a scheduled change ended, is
never served.

Pages carry no per-visitor CSRF token: forms on them render an empty token
field (`{% csrf_field %}`) that static/js/csrf.js fills in on submit.
"""

import functools
import hashlib
import math
import secrets
import time
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import get_language

GENERATION_KEY = "page:generation"
# (generation, timestamp): when the next scheduled change happens, or infinity.
NEXT_CHANGE_KEY = "page:next-change"
# Part of every stored page's key: change it when the stored format changes.
FORMAT = 3
# How long other requests wait for one that renders a page again (then one of
# them tries): about the longest a rendering takes, gunicorn's worker timeout.
RENDER_SECONDS = 30
_expiry_functions = []
# Each process's own store for rendered fragments and objects (see settings).
fragments = caches["fragments"]


def expire_when(function):
    """Register `function() -> datetime | None`: the next moment pages go out of date."""
    _expiry_functions.append(function)
    return function


def content_changed():
    """Make every cached page out of date, now and again when the transaction commits."""
    _renew(GENERATION_KEY)
    # The second renewal covers a page rendered between now and the commit,
    # from data that did not yet include this change.
    transaction.on_commit(lambda: _renew(GENERATION_KEY))


def page_changed(url):
    """Make the cached copies of one page (with any query string) out of date."""
    # Requests name their path decoded (/articles/逾期/); URLs from reverse() do not.
    key = _path_key(unquote(url))
    _renew(key)
    transaction.on_commit(lambda: _renew(key))


def generation(request):
    """Return the site-wide token this request renders under (read once, then kept).

    Templates put it in the keys of cached fragments ({% fragment %}), so a
    content change leaves every fragment behind along with the pages.
    """
    return _tokens(request)[0]


def page_version(request):
    """Return a string naming this page's current content (None before its first change).

    Changes with the generation and with `page_changed(request.path)`: the key
    for objects cached for one page, such as the article it shows.
    """
    gen, path_token = _tokens(request)
    return f"{gen}.{path_token}" if path_token else None


def cached_for_page(request, name, compute):
    """Return `compute()`, kept in the fragment cache until this page changes."""
    version = page_version(request)
    key = f"{name}:{FORMAT}:{_digest(request.path)}"
    if version:
        value = fragments.get(f"{key}:{version}")
        if value is not None:
            return value
    value = compute()
    if version is None:
        request.page_path_token = _started(_path_key(request.path))
        version = page_version(request)
    if version:
        fragments.set(f"{key}:{version}", value, fragment_seconds(request))
    return value


def _tokens(request):
    """Read the generation and the path's token once per request, with one round trip."""
    if not hasattr(request, "page_generation"):
        tokens = getattr(request, "page_cache_tokens", None)
        if tokens is None:
            path_key = _path_key(request.path)
            found = cache.get_many([GENERATION_KEY, path_key, NEXT_CHANGE_KEY])
            request.page_next_change_found = found.get(NEXT_CHANGE_KEY)
            tokens = (found.get(GENERATION_KEY), found.get(path_key))
        token = tokens[0]
        if token is None:
            cache.add(GENERATION_KEY, secrets.token_hex(8), None)
            token = cache.get(GENERATION_KEY)
        request.page_generation = token
        request.page_path_token = tokens[1]
    return request.page_generation, request.page_path_token


def fragment_seconds(request):
    """Return how long a fragment rendered now may be kept (0: not at all)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return 0
    return max(0, int(_expires(request) - time.time()))


def cache_for_anonymous(view=None, *, query=()):
    """Let PageCacheMiddleware keep what `view` renders for anonymous readers.

    `query` names the query parameters the view reads. They are part of the
    stored page's key. Tracking parameters (settings.TRACKING_PARAMETERS,
    such as WeChat's `from`) are taken out of the request: it gets the page
    without them. A request with any other parameter is rendered and not
    stored, so made-up query strings cannot fill the cache.
    """
    if view is None:
        return functools.partial(cache_for_anonymous, query=query)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if hasattr(request, "page_cache_tokens"):
            request.shared_page = True
        # Fix the generation and the page's lifetime before the view reads any
        # data: a scheduled article going live during the rendering then ends it.
        generation(request)
        if settings.PAGE_CACHE_SECONDS > 0:
            _expires(request)
        return view(request, *args, **kwargs)

    wrapper.page_cache = frozenset(query)
    return wrapper


def keep_out(request):
    """Do not store this rendering (a page showing a form error, say)."""
    request.page_cache_keep_out = True


class PageCacheMiddleware:
    """Answer anonymous readers from the page cache; store what cacheable views render.

    It sits just inside SecurityMiddleware and WhiteNoise, so a stored page
    keeps the headers the inner middleware gave it (CSP, frame and cookie
    rules) and a hit skips sessions, CSRF and the view entirely.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not shared_with_every_reader(request):
            return self.get_response(request)
        parameters = _cached_view(request)
        if parameters is None:
            return self.get_response(request)
        if not parameters.issuperset(request.GET):
            extra = set(request.GET) - parameters
            if not all(map(_tracks, extra)):
                return self.get_response(request)
            # Only the visitor's analytics read these: the page is the one without
            # them (get_full_path() still shows them, for the access log).
            kept = [(k, v) for k, values in request.GET.lists() if k not in extra for v in values]
            request.GET = QueryDict(urlencode(kept), encoding=request.encoding)
        page_key, path_key = _page_key(request), _path_key(request.path)
        found = cache.get_many([GENERATION_KEY, path_key, page_key, NEXT_CHANGE_KEY])
        tokens = (found.get(GENERATION_KEY), found.get(path_key))
        entry = found.get(page_key)
        rendering_key = rendering_mark = None
        if entry and entry["tokens"] == tokens:
            now = time.time()
            if now < entry["expires"]:
                return _respond(request, entry)
            # Out of date by age alone: one request renders it again while the
            # others keep getting the stored copy (until a scheduled change).
            if now < entry["stale_until"]:
                rendering_key, rendering_mark = _rendering_key(page_key), secrets.token_hex(8)
                if not cache.add(rendering_key, rendering_mark, RENDER_SECONDS):
                    return _respond(request, entry)
        # Read before rendering: a change during the rendering renews a token,
        # and the page stored under the old one is never served.
        request.page_cache_tokens = tokens
        request.page_next_change_found = found.get(NEXT_CHANGE_KEY)
        try:
            response = self._render_and_store(request, page_key, path_key)
        finally:
            # Unless it ran out and another request has set its own meanwhile.
            if rendering_key and cache.get(rendering_key) == rendering_mark:
                cache.delete(rendering_key)
        return response

    def _render_and_store(self, request, page_key, path_key):
        response = self.get_response(request)
        if getattr(request, "page_cache_keep_out", False) or not (
            getattr(request, "shared_page", False) and _storable(response)
        ):
            return response
        # The view's wrapper fixed the generation before reading any data.
        path_token = request.page_path_token or _started(path_key)
        if path_token is None:
            return response
        tokens = (request.page_generation, path_token)
        entry = _entry(request, response, tokens)
        cache.set(page_key, entry, 2 * settings.PAGE_CACHE_SECONDS)
        return get_conditional_response(request, etag=entry["etag"], response=response)


def shared_with_every_reader(request):
    """Tell whether `request` comes from a reader the page cache serves (no session).

    What is rendered for such a reader must not be personal, stored or not.
    """
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _cached_view(request):
    return _cached_path(get_urlconf(), request.path_info)


@functools.lru_cache(maxsize=4096)
def _cached_path(urlconf, path):
    """Return the query parameters of the cached view at `path`; None if it is not cached."""
    try:
        return getattr(resolve(path, urlconf).func, "page_cache", None)
    except Resolver404:
        return None


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


def _started(path_key):
    """Start the path's token (its first stored page, or it was evicted) and return it.

    None if another request set it meanwhile: the page changed while it was
    being rendered, so this rendering must not be stored.
    """
    token = secrets.token_hex(8)
    # Kept without expiry, like the generation: one that expired would make its
    # page render again for no reason. Only pages that were stored get one.
    return token if cache.add(path_key, token, None) else None


def _renew(key):
    cache.set(key, secrets.token_hex(8), None)


def _expires(request):
    """Return when what is rendered now goes out of date (a timestamp)."""
    now = time.time()
    if not hasattr(request, "page_next_change"):
        current = generation(request)
        found = getattr(request, "page_next_change_found", None) or cache.get(NEXT_CHANGE_KEY)
        if found and found[0] == current and found[1] > now:
            moment = found[1]
        else:
            # Worked out once per generation: rescheduling renews the generation.
            moments = [f() for f in _expiry_functions]
            moment = min([math.inf, *(m.timestamp() for m in moments if m is not None)])
            cache.set(NEXT_CHANGE_KEY, (current, moment), None)
        request.page_next_change = moment
    return min(now + settings.PAGE_CACHE_SECONDS, request.page_next_change)


def _entry(request, response, tokens):
    content = response.content
    etag = quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())
    response["ETag"] = etag
    # Browsers keep the page but ask each time (a 304 when nothing changed); a
    # signed-in reader's cookie gets them their own page.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return {
        "tokens": tokens,
        "expires": _expires(request),
        # Kept twice as long as it is fresh; never past a scheduled change.
        "stale_until": min(time.time() + 2 * settings.PAGE_CACHE_SECONDS, request.page_next_change),
        "etag": etag,
        "headers": list(response.items()),
        "content": content,
    }


def _respond(request, entry):
    response = HttpResponse(entry["content"], headers=dict(entry["headers"]))
    return get_conditional_response(request, etag=entry["etag"], response=response)


def _digest(text):
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _page_key(request):
    # Pages carry absolute links (canonical, og:url), so the host and scheme count;
    # the same parameters in another order are the same page.
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"page:{FORMAT}:{get_language()}:{_digest(address)}"


def _rendering_key(page_key):
    """The mark a request sets while it renders again a page that is out of date by age."""
    return f"{page_key}:rendering"


def _path_key(path):
    return f"page-path:{_digest(path)}"
