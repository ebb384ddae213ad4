"""Fixed-window rate limits kept in the shared cache, so every process counts together."""

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
    """Return the address a request came from (the proxy must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "unknown")


def allow_login_attempt(request):
    """Count one login attempt; False once the address or the username has tried too often."""
    username = request.POST.get("username", "")[:150].casefold()
    return allow("login", f"{client_address(request)}:{username}") and allow("login-user", username)
