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

Pages carry no per-visitor CSRF token: forms on them render an empty token
field (`{% csrf_field %}`) that static/js/csrf.js fills in on submit.
"""

import functools
import hashlib
import secrets
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import get_language

GENERATION_KEY = "page:generation"
_expiry_functions = []


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


def page_changed(path):
    """Make the cached copies of one path (with any query string) out of date."""
    _renew(_path_key(path))
    transaction.on_commit(lambda: _renew(_path_key(path)))


def cache_for_anonymous(view):
    """Serve `view` from the page cache to anonymous readers; see the module docstring."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        page_key = _page_key(request)
        path_key = _path_key(request.path)
        found = cache.get_many([GENERATION_KEY, path_key, page_key])
        tokens = (_current(found, GENERATION_KEY), _current(found, path_key))
        entry = found.get(page_key)
        if entry and entry["tokens"] == tokens and time.time() < entry["expires"]:
            return _respond(request, entry)
        request.shared_page = True  # tells {% csrf_field %} to leave the token out
        response = view(request, *args, **kwargs)
        if not _storable(response):
            return response
        if hasattr(response, "render"):
            response.render()
        entry = _entry(response, tokens)
        cache.set(page_key, entry, settings.PAGE_CACHE_SECONDS)
        return _respond(request, entry)

    return wrapper


def _cacheable(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _storable(response):
    return response.status_code == 200 and not response.cookies and not response.streaming


def _current(found, key):
    """Return the token stored under `key`, creating one if there is none (or it was evicted)."""
    token = found.get(key)
    if token is None:
        cache.add(key, secrets.token_hex(8), None)
        token = cache.get(key)
    return token


def _renew(key):
    cache.set(key, secrets.token_hex(8), None)


def _expires():
    moments = [moment for moment in (f() for f in _expiry_functions) if moment is not None]
    lifetime = time.time() + settings.PAGE_CACHE_SECONDS
    return min([lifetime, *(moment.timestamp() for moment in moments)])


def _entry(response, tokens):
    content = response.content
    return {
        "tokens": tokens,
        "expires": _expires(),
        "etag": quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest()),
        "content_type": response["Content-Type"],
        "content": content,
    }


def _respond(request, entry):
    response = HttpResponse(entry["content"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    # Browsers keep the page but ask again each time (a 304 when nothing changed);
    # a signed-in reader's cookie gets them their own page.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return get_conditional_response(request, etag=entry["etag"], response=response)


def _digest(text):
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _page_key(request):
    return f"page:{get_language()}:{_digest(request.get_full_path())}"


def _path_key(path):
    return f"page-path:{_digest(path)}"
