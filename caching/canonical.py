"""The canonical spelling of the query parameters a cached view reads.

Each normaliser returns a parameter's canonical value, or None when the
parameter says nothing (the first page, an empty filter), and raises
NotCanonical for a value with no canonical spelling: such a page is
rendered for the request and never stored.
"""

import re

_SLUG = re.compile(r"^[-\w]+\Z")


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
