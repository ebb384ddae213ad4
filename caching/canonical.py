"""The canonical spelling of the query parameters a cached view reads.

Each normaliser returns a parameter's canonical value, or None when the
parameter says nothing (the first page, an empty filter), and raises
NotCanonical for a value with no canonical spelling: such a page is
rendered for the request and never stored.
"""

import functools
import re
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_SLUG = re.compile(r"^[-\w]+\Z")
# Matches the slug and id converters' patterns, and nothing in a fixed part of a path.
_MARKER = "918273645918273645"


class NotCanonical(ValueError):
    """A query parameter value with no canonical spelling: render the page, do not store it."""


def page_number(value):
    """Return the canonical page number ("2"); None for the first page."""
    digits = value.strip().lstrip("+")
    if not digits.isdigit() or not digits.isascii():
        raise NotCanonical(value)
    digits = digits.lstrip("0")
    if not digits:
        raise NotCanonical(value)
    return None if digits == "1" else digits


def slug(value):
    """Return a slug as it is; None when empty."""
    if not value:
        return None
    if not _SLUG.match(value):
        raise NotCanonical(value)
    return value


def blank(value):
    """Accept only an empty value (an unused field of a filter form): it says nothing."""
    if value.strip():
        raise NotCanonical(value)


def choice(*allowed, default=None):
    """Return a normaliser that accepts only `allowed` values; `default` is dropped."""

    def normalise(value):
        if not value or value == default:
            return None
        if value not in allowed:
            raise NotCanonical(value)
        return value

    return normalise


def object_id(value):
    """Return the id a parameter or URL part names (ASCII digits, as ids are), else None."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


def fixed_path(name):
    """Return reverse(name) for a pattern without parameters, found once (see `path_to`)."""
    return _fixed(name, get_script_prefix(), _urlconf())


@functools.lru_cache(maxsize=256)
def _fixed(name, script_prefix, urlconf):
    return reverse(name, urlconf=urlconf)


def path_to(name, keyword, value):
    """Return reverse(name, kwargs={keyword: value}), without resolving the pattern each time.

    A page links to dozens of articles, tags and categories, and reverse()
    looks up and checks the pattern for each (about 30 µs). The path around
    the value is found once. For patterns whose parameter takes any id (an
    int) or any slug of letters, digits, "-" and "_" (`uslug`), and whose path
    does not depend on the language (no i18n_patterns); another value still
    goes through reverse(), which checks it.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    elif not isinstance(value, str) or not _SLUG.match(value):
        return reverse(name, kwargs={keyword: value})
    before, after = _around(name, keyword, get_script_prefix(), _urlconf())
    # As reverse() quotes it: a slug's Chinese characters as UTF-8 %XX, the rest kept.
    return before + quote(value) + after


def _urlconf():
    """The URLconf reverse() uses: the request's, else ROOT_URLCONF (which tests may change)."""
    return get_urlconf() or settings.ROOT_URLCONF


@functools.lru_cache(maxsize=64)
def _around(name, keyword, script_prefix, urlconf):
    """Return the parts of the path of `name` before and after its one parameter."""
    before, after = reverse(name, kwargs={keyword: _MARKER}, urlconf=urlconf).split(_MARKER)
    return before, after
