"""Fixed-window rate limits kept in the shared cache, so every process counts together."""

import ipaddress
import unicodedata

from django.conf import settings

from caching import counters

PERIOD = 60 * 60


def allow(scope, key):
    """Count one `scope` action by `key`; return False once the hourly limit is used up.

    Callers count only accepted submissions (after the form is valid, before
    saving), so typing mistakes never use up a reader's allowance. The counter
    is an atomic cache increment, exact across processes when the cache is
    Redis; while Redis is unreachable it counts in the database instead
    (caching/counters.py says what that costs across an outage).
    """
    count = counters.increment(f"ratelimit:{scope}:{key}", period=PERIOD)
    return count <= settings.RATE_LIMITS[scope]


def client_address(request):
    """Return the address of the client that sent `request`, as per-address limits count it.

    REMOTE_ADDR, unless it is one of settings.TRUSTED_PROXIES: then
    X-Forwarded-For is read from the right, past the addresses of trusted
    proxies, to the first address that is not one: the client as the nearest
    trusted proxy saw it. Anything further left was written by the client and
    is never read; from any other sender the header is ignored altogether.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address or "unknown"
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed([hop.strip() for hop in forwarded if hop.strip()]):
        if not _valid(hop):
            return "unknown"  # a trusted proxy wrote nonsense: one bucket for all of it
        address = hop
        if not _trusted(hop):
            break
    return address


def _valid(address):
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _trusted(address):
    if not settings.TRUSTED_PROXIES or not _valid(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in settings.TRUSTED_PROXIES)


def login_name(username):
    """Return `username` as authentication compares it, and the throttle counts it.

    Django's login form strips the name and NFKC-normalises it, so "chen ",
    "\tchen" and a full-width "ｃhen" all sign in as "chen"; the throttle must
    count them as one. Case folded too: one counter for names that differ only
    in case is stricter, never looser.
    """
    return unicodedata.normalize("NFKC", str(username)[:300].strip()).casefold()[:150]


def allow_login_attempt(request):
    """Count one login attempt; False once the address or the username has tried too often."""
    username = login_name(request.POST.get("username", ""))
    return allow("login", f"{client_address(request)}:{username}") and allow("login-user", username)
