"""What an article page costs to render, in one process: CPU time, queries, cache calls, profile.

    REDIS_URL=redis://127.0.0.1:6379/13 DATABASE_URL=sqlite:///$PWD/bench/.data/load-100k.sqlite3 \\
        .venv/bin/python bench/article_profile.py [--pages 300] [--profile cold]

Two ways, each over --pages random public articles with a query parameter the
view does not read (so the page is rendered for the request and not stored):
"cold", articles not seen before (their fragments rendered too), and "again",
the same articles once more (fragments from the cache). A process keeps the
fragments of a page it renders for one reader from that page's second
rendering on (caching/pages.py), so an unmeasured pass comes between the two;
"again" is the third rendering of each article. CPU time is the
process's own (time.process_time), so the machine's load moves it less than
wall time; it includes the test client. Cache calls count the calls to the
shared cache, each a round trip to Redis. `--profile` prints cProfile's
functions by cumulative time for one of the two. The Redis database given is
emptied first. Run it on two checkouts in turn to compare them.
"""

import argparse
import cProfile
import os
import pstats
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


class CacheCalls:
    """Count the outermost calls to the shared cache."""

    def __init__(self):
        self.count, self._inside = 0, False
        shared = caches["default"]
        for name in ("get", "get_many", "set", "set_many", "add", "delete", "incr"):
            setattr(shared, name, self._counted(getattr(shared, name)))

    def _counted(self, call):
        def counted(*args, **kwargs):
            if self._inside:
                return call(*args, **kwargs)
            self.count, self._inside = self.count + 1, True
            try:
                return call(*args, **kwargs)
            finally:
                self._inside = False

        return counted


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", choices=["cold", "again"])
    args = parser.parse_args()
    caches["default"].clear()
    database = connection.settings_dict["NAME"]
    slugs = [
        row[0]
        for row in sqlite3.connect(database).execute(
            "SELECT slug FROM articles_article WHERE status = 'published'"
        )
    ]
    rng = random.Random(args.seed)
    client, calls = Client(), CacheCalls()
    for slug in rng.sample(slugs, 20):  # templates, URL patterns, connections
        client.get(f"/articles/{slug}/?warm=1")
    picked = rng.sample(slugs, args.pages)
    for way in ("cold", "second", "again"):
        if way == "second":  # stores the fragments; not measured
            for number, slug in enumerate(picked):
                client.get(f"/articles/{slug}/?{way}={number}")
            continue
        profile = cProfile.Profile() if args.profile == way else None
        times, before = [], calls.count
        with CaptureQueriesContext(connection) as queries:
            for number, slug in enumerate(picked):
                if profile:
                    profile.enable()
                started = time.process_time()
                response = client.get(f"/articles/{slug}/?{way}={number}")
                times.append(time.process_time() - started)
                if profile:
                    profile.disable()
                assert response.status_code == 200, slug
        print(
            f"{way:>5}: {statistics.median(times) * 1000:.2f} ms CPU a page (median), "
            f"{statistics.mean(times) * 1000:.2f} ms (mean), "
            f"{len(queries) / args.pages:.1f} queries, "
            f"{(calls.count - before) / args.pages:.1f} cache calls"
        )
        if profile:
            order = os.environ.get("PROFILE_SORT", "cumulative")  # or tottime
            pstats.Stats(profile).sort_stats(order).print_stats(40)
            if os.environ.get("PROFILE_OUT"):  # for pstats' print_callers() and the like
                profile.dump_stats(os.environ["PROFILE_OUT"])


if __name__ == "__main__":
    main()
