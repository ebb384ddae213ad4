"""Time the first page of /search/ at scale: rare and popular queries, rendered and stored.

    DATABASE_URL=sqlite:////work/main/bench/.data/load-100k.sqlite3 .venv/bin/python bench/search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench100k .venv/bin/python bench/search.py

The database is one `bench/discovery.py --build 100000` made (then migrated).
Queries come in classes, drawn once from the database with a seeded generator:

- rare phrase: four characters of an article's text that 1 to 20 entries hold;
- rare, mixed: 第<n>篇, digits between characters, in one article only;
- hundreds: three characters that 100 to MAX_SCORED entries hold, the most
  that are scored in full;
- common words: the discovery benchmark's queries (通讯录, 征信, 网贷 逾期, 协商还款,
  律师函), found in 11 to 70,000 articles;
- one character: 的, 贷, 信, 期, 网, each in most articles.

Each query is timed three ways in this one process, the last two through the
whole middleware stack with the test client (the local-memory cache, no Redis):

- search: ranking, the visibility filter and the first page's hits
  (`search.search()` and `load_hits()`), without rendering;
- rendered: the first page as a reader waits for it when it is not stored
  (an extra parameter keeps the page cache out; fragments come from the cache);
- stored: the same page from the page cache, once asked twice.

One warm-up round, then --rounds rounds; within a round each measure takes
its turn, and within it each class, each query once in a shuffled order.
Printed: the median and p95 over every timing of a class, and the lowest and
highest of the rounds' medians.
"""

import argparse
import math
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMON = ["通讯录", "征信", "网贷 逾期", "协商还款", "律师函"]
SINGLE = ["的", "贷", "信", "期", "网"]
MEASURES = ["search", "rendered", "stored"]
CANCELLED = "用时太长"  # the page of a search the database cancelled


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-search-only")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def matches(query):
    from django.db import connection

    from articles import search

    with connection.cursor() as cursor:
        terms = search.query_terms(query)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM articles_searchentry"
                " WHERE document @@ to_tsquery('simple', %s)",
                [search._tsquery(terms)],
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM articles_searchentry_fts"
                " WHERE articles_searchentry_fts MATCH %s",
                [search._fts_query(terms)],
            )
        return cursor.fetchone()[0]


def phrase_queries(rng, count, length, fewest, most):
    """Pieces of `length` characters of random articles' text that fewest to most entries hold."""
    from articles.models import Article

    last = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
    chosen = []
    while len(chosen) < count:
        article = Article.objects.filter(pk__gte=rng.randint(1, last)).order_by("pk").first()
        run = rng.choice(re.findall(f"[\u4e00-\u9fff]{{{length},}}", article.body))
        start = rng.randrange(len(run) - length + 1)
        query = run[start : start + length]
        if query not in chosen and fewest <= matches(query) <= most:
            chosen.append(query)
    return chosen


def mixed_queries(rng, count):
    """第<n>篇: the number of one article, between two characters."""
    from articles.models import Article

    slugs = Article.objects.filter(slug__startswith="article-").values_list("slug", flat=True)
    numbers = [slug.removeprefix("article-") for slug in slugs]
    return [f"第{number}篇" for number in rng.sample(numbers, count)]


def timer(client, measure):
    """Return run(query, round) -> (milliseconds, whether the search was cancelled)."""
    from articles import search

    def run(query, round_number):
        started = time.perf_counter()
        cancelled = False
        if measure == "search":
            try:
                terms, ranked = search.search(query)
                search.load_hits(ranked[:20], terms)
            except search.SearchTimeout:
                cancelled = True
        else:
            params = {"q": search.canonical(query)}
            if measure == "rendered":
                params["bench"] = f"{round_number}-{time.perf_counter_ns()}"
            response = client.get("/search/", params)
            if response.status_code != 200:
                sys.exit(f"{query}: {response.status_code}")
            # A cancelled search says so, and its page is not stored.
            cancelled = response.get("X-Cache") != "HIT" if measure == "stored" else False
            cancelled = cancelled or CANCELLED in response.content.decode()
        return (time.perf_counter() - started) * 1000, cancelled

    return run


def p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.95) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rare", type=int, default=40, help="rare phrase queries")
    parser.add_argument("--mixed", type=int, default=20, help="rare mixed queries")
    parser.add_argument("--hundreds", type=int, default=20, help="queries scored in full")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client

    from articles import search
    from articles.models import SearchEntry

    rng = random.Random(args.seed)
    classes = {
        "rare phrase": phrase_queries(rng, args.rare, 4, 1, 20),
        "rare, mixed": mixed_queries(rng, args.mixed),
        "hundreds": phrase_queries(rng, args.hundreds, 3, 100, search.MAX_SCORED),
        "common words": COMMON,
        "one character": SINGLE,
    }
    print(
        f"{connection.vendor}, {SearchEntry.objects.count():,} index entries;"
        f" {args.rounds} rounds after a warm-up; matches per query (median):",
        ", ".join(
            f"{name} {statistics.median(matches(q) for q in queries):,.0f}"
            for name, queries in classes.items()
        ),
    )
    client = Client()
    for queries in classes.values():  # a page is stored from its second request
        for query in queries:
            for _ in range(2):
                client.get("/search/", {"q": search.canonical(query)})
    samples = {(name, measure): [] for name in classes for measure in MEASURES}
    medians = {key: [] for key in samples}
    cancelled = dict.fromkeys(samples, 0)
    for round_number in range(args.rounds + 1):
        this_round = {key: [] for key in samples}
        for measure in MEASURES:
            run = timer(client, measure)
            for name, queries in classes.items():
                for query in rng.sample(queries, len(queries)):
                    milliseconds, was_cancelled = run(query, round_number)
                    this_round[name, measure].append(milliseconds)
                    if round_number:
                        cancelled[name, measure] += was_cancelled
        if round_number == 0:
            continue  # the warm-up
        for key, values in this_round.items():
            samples[key] += values
            medians[key].append(statistics.median(values))
    print(
        f"{'queries':<15} {'measure':<9} {'median ms':>10} {'p95 ms':>8} {'round medians':>16}"
        f" {'cancelled':>10}"
    )
    for name in classes:
        for measure in MEASURES:
            key = (name, measure)
            spread = f"{min(medians[key]):.1f}–{max(medians[key]):.1f}"
            print(
                f"{name:<15} {measure:<9} {statistics.median(samples[key]):>10.1f}"
                f" {p95(samples[key]):>8.1f} {spread:>16} {cancelled[key]:>10}"
            )


if __name__ == "__main__":
    main()
