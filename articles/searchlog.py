"""What readers search for: one row a query and day, with a count and the results found.

A page of results is often served from the page cache or the edge cache, where no view
runs, so the page does not count itself: it carries a signed token (its canonical query
and how many results it has) that a small script sends to /search/seen/ once the page
is shown. The count is therefore of readers' browsers with JavaScript, not of crawlers.
The token is signed, so a client cannot log a query it did not search for nor claim a
result count; each send is one upsert, so a flood of queries never slows the search
page and adds at most one row a query and day.

Nothing about the reader is stored: no address, user or cookie, and the query's
personal data is masked first by the masker the community app registers
(community/masking.py, the same as for posts). Until one is registered, queries with
digits or an "@" are not logged at all.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import connection
from django.db.models import Count, Max, Sum
from django.utils import timezone

from articles import search
from articles.models import SearchQuery

_SALT = "search-log"
_masker = None


def register_masker(mask):
    """Set the function that masks personal data in a query (text → text)."""
    global _masker  # noqa: PLW0603 (one registration, at start-up)
    _masker = mask


def _loggable(query):
    """The query as stored: masked, canonical, at most 100 characters; None if not."""
    if _masker is not None:
        query = _masker(query)
    elif any(char.isdigit() or char in "@＠" for char in query):
        return None
    return search.canonical(query)[:100] or None


def token(query, results):
    """The signed token a results page carries for the log; None for a query not logged.

    The query in it is already masked: the page is stored and shared.
    """
    logged = _loggable(query)
    return None if logged is None else signing.dumps([logged, results], salt=_SALT)


def record_token(value):
    """Count the search a token names; return whether it was valid.

    A token is good for as long as the page that carries it may be stored, and an hour.
    """
    max_age = settings.PAGE_CACHE_SECONDS + 60 * 60
    try:
        query, results = signing.loads(value, salt=_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    if not isinstance(query, str) or not isinstance(results, int) or results < 0:
        return False
    record(query, results)
    return True


def record(query, results, day=None):
    """Count one search of `query` with `results` results today: one upsert."""
    logged = _loggable(query)
    if logged is None:
        return
    table = SearchQuery._meta.db_table
    with connection.cursor() as cursor:
        # INSERT … ON CONFLICT DO UPDATE: one statement on SQLite and PostgreSQL alike.
        cursor.execute(
            f"INSERT INTO {table} (day, query, searches, results) VALUES (%s, %s, 1, %s) "  # noqa: S608  # nosec B608
            f"ON CONFLICT (day, query) DO UPDATE SET searches = {table}.searches + 1, "
            "results = excluded.results",
            [day or timezone.localdate(), logged, results],
        )


def prune(now=None):
    """Delete the days older than SEARCH_LOG_DAYS; return how many rows went."""
    oldest = timezone.localdate(now) - datetime.timedelta(days=settings.SEARCH_LOG_DAYS)
    deleted, _ = SearchQuery.objects.filter(day__lt=oldest).delete()
    return deleted


def report(days=30, limit=50, now=None):
    """Top queries, queries that found nothing, and searches per day, over `days` days."""
    today = timezone.localdate(now)
    first = today - datetime.timedelta(days=days - 1)
    rows = SearchQuery.objects.filter(day__gte=first)
    top = (
        rows.values("query")
        .annotate(total=Sum("searches"), found=Max("results"), days=Count("day"))
        .order_by("-total", "query")[:limit]
    )
    nothing = (
        rows.filter(results=0)
        .values("query")
        .annotate(total=Sum("searches"), last=Max("day"))
        .order_by("-total", "query")[:limit]
    )
    per_day = dict(rows.values("day").annotate(total=Sum("searches")).values_list("day", "total"))
    daily = [
        (day, per_day.get(day, 0))
        for day in (first + datetime.timedelta(days=n) for n in range(days))
    ]
    return {"top": list(top), "nothing": list(nothing), "daily": daily}
