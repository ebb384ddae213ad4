"""Benchmark "people also read", search and the article page as the site grows.

    .venv/bin/python bench/discovery.py --articles 1000 10000 100000

For each size one child process builds a fresh SQLite database (5 tags an
article from 300, popularity skewed so the most common tag sits on about a
third of the articles) and refreshes the related lists; a second, fresh child
(like a web worker) times the reads. It prints median and p95 timings and the
ratio of the largest size to the smallest. Sizes run one after the other in
one run on the same machine, so they are measured side by side.
"""

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAGS = 300
TAGS_PER_ARTICLE = 5
SKEW = 0.75  # popularity ∝ 1 / rank^SKEW puts the top tag on about a third of articles
QUERIES = ["通讯录", "征信", "网贷 逾期", "协商还款", "律师函"]
# A vocabulary with Zipf-like word frequencies, as in real text: 2,304 filler
# words plus the domain words, which sit at ranks from common (网贷, rank 5)
# to rare (律师函, rank 800), so queries match from a few to many articles.
_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
)
_FILLER = [a + b for a in _CHARS for b in _CHARS]
_DOMAIN = {5: "网贷", 12: "逾期", 40: "征信", 150: "协商", 151: "还款", 300: "催收",
           500: "通讯录", 800: "律师函"}  # fmt: skip
WORDS = list(_FILLER)
for _rank, _word in sorted(_DOMAIN.items()):
    WORDS.insert(_rank, _word)
WORD_WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]


def timed(function, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median": statistics.median(samples),
        "p95": samples[min(len(samples) - 1, math.ceil(len(samples) * 0.95) - 1)],
    }


def build(count, rng):
    """Fill the empty database with `count` public articles; return build seconds."""
    from django.utils import timezone

    from articles import search
    from articles.models import Article, Category, SearchEntry, Tag, TaggedArticle
    from articles.rendering import excerpt, render_markdown

    started = time.perf_counter()
    categories = [
        Category.objects.create(name=f"分类{n}", slug=f"category-{n}", position=n) for n in range(6)
    ]
    tags = Tag.objects.bulk_create(Tag(name=f"标签{n}", slug=f"tag-{n}") for n in range(TAGS))
    popularity = [1 / (rank + 1) ** SKEW for rank in range(TAGS)]
    now = timezone.now()
    for first in range(0, count, 2000):
        articles = []
        for number in range(first, min(first + 2000, count)):
            words = "".join(rng.choices(WORDS, weights=WORD_WEIGHTS, k=150))
            body = f"## 第{number}篇的要点\n\n1. {words[:60]}\n2. {words[60:120]}\n\n{words}"
            html = render_markdown(body)
            title = "".join(rng.choices(WORDS, weights=WORD_WEIGHTS, k=4))
            articles.append(
                Article(
                    title=f"{title}：第{number}篇",
                    slug=f"article-{number}",
                    body=body,
                    body_html=html,
                    excerpt=excerpt(html),
                    category=rng.choice(categories),
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta_minutes(rng.randint(10, 60 * 24 * 1000)),
                )
            )
        articles = Article.objects.bulk_create(articles)
        links, entries = [], []
        for article in articles:
            chosen = set()
            while len(chosen) < TAGS_PER_ARTICLE:
                chosen.add(rng.choices(range(TAGS), weights=popularity)[0])
            links += [TaggedArticle(content_object=article, tag=tags[t]) for t in chosen]
            entries.append(
                SearchEntry(
                    kind=SearchEntry.Kind.ARTICLE,
                    object_id=article.pk,
                    title=" ".join(search.segment(article.title)),
                    body=" ".join(search.segment(article.body)),
                )
            )
        TaggedArticle.objects.bulk_create(links)
        SearchEntry.objects.bulk_create(entries)
    return time.perf_counter() - started


def timedelta_minutes(minutes):
    import datetime

    return datetime.timedelta(minutes=minutes)


def search_page(query):
    """What /search/ does: rank, filter to public, load and highlight the first page."""
    from articles import search

    terms, ranked = search.search(query)
    return search.load_hits(ranked[:20], terms)


def build_database(count):
    """Child process: build the database and refresh the related lists; print JSON."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from articles import ranking
    from articles.models import Tag

    call_command("migrate", verbosity=0)
    build_seconds = build(count, random.Random(count))
    top_share = (
        Tag.objects.annotate(n=Count("tagged_articles"))
        .order_by("-n")
        .values_list("n", flat=True)[0]
        / count
    )
    started = time.perf_counter()
    ranking.refresh_all()
    print(
        json.dumps(
            {
                "articles": count,
                "build_s": round(build_seconds, 1),
                "top_tag_share": round(top_share, 3),
                "refresh_all_s": round(time.perf_counter() - started, 1),
            }
        )
    )


def measure(count):
    """Child process, fresh like a web worker: time reads against the built database."""
    import django

    django.setup()
    from django.test import Client

    from articles import related
    from articles.models import Article

    rng = random.Random(count)
    ids = list(Article.objects.values_list("id", flat=True))
    sample = [Article.objects.get(pk=pk) for pk in rng.sample(ids, 50)]
    picks = iter(sample * 100)
    results = {
        "related_read": timed(lambda: related.related_for_page(next(picks)), 300),
        "related_live_query": timed(
            lambda: list(Article.objects.related_to(next(picks))), 10 if count >= 100000 else 30
        ),
        "search": timed(lambda: search_page(rng.choice(QUERIES)), 100),
    }
    client = Client()
    urls = iter([a.get_absolute_url() for a in sample] * 100)

    def page():
        response = client.get(next(urls))
        assert response.status_code == 200

    page()  # warm the template and URL caches
    results["article_page"] = timed(page, 300)
    print(json.dumps(results))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_database(args.build)
        return
    if args.measure:
        measure(args.measure)
        return
    rows = []
    for count in args.articles:
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "DJANGO_LOG_LEVEL": "WARNING",
                "DJANGO_ALLOWED_HOSTS": "testserver",
            }
            env.pop("REDIS_URL", None)
            row = {}
            for step in ("--build", "--measure"):
                done = subprocess.run(  # noqa: S603 (this very script)
                    [sys.executable, __file__, step, str(count)],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    sys.exit(done.stderr)
                row.update(json.loads(done.stdout.strip().splitlines()[-1]))
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    report(rows)


def report(rows):
    metrics = ["related_read", "related_live_query", "search", "article_page"]
    print(f"{'articles':>9} {'top tag':>8} {'build s':>8} {'refresh s':>10}", end="")
    for metric in metrics:
        print(f" {metric + ' ms (median / p95)':>36}", end="")
    print()
    for row in rows:
        print(
            f"{row['articles']:>9} {row['top_tag_share']:>8.0%} {row['build_s']:>8}"
            f" {row['refresh_all_s']:>10}",
            end="",
        )
        for metric in metrics:
            value = row[metric]
            print(f" {value['median']:>27.2f} / {value['p95']:>6.2f}", end="")
        print()
    first, last = rows[0], rows[-1]
    for metric in metrics:
        ratio = last[metric]["median"] / first[metric]["median"]
        print(f"{metric}: median at {last['articles']} / at {first['articles']} = {ratio:.2f}×")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
