"""Time from publishing an article to the last "people also read" list that takes it in.

    DATABASE_URL=sqlite:////work/main/bench/.data/load-100k.sqlite3 .venv/bin/python bench/follow.py

The database is one `bench/discovery.py --build 100000` made. The benchmark starts
`manage.py worker` on it (the queue in Redis when REDIS_URL is set, else in the SQLite
file beside the database), then --rounds times publishes a new article as the admin
saves one: in one transaction the article, then its tags, copied from a random public
article so that it has neighbours. The clock starts at the commit and stops when the
worker's log says the follow_related tasks that commit queued are done (the task
writes every list it changes, then returns). Printed: each latency, how many lists the
article is then in, and the median with the lowest and highest; a neighbour's list is
checked to hold the article. Each article is deleted afterwards.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# huey logs each line twice (its logger, then plain): count the logger's lines only.
DONE = re.compile(r"^\[[^\n]*articles\.tasks\.follow_related: \S+[^\n]* executed in", re.M)
TASKS_PER_PUBLICATION = 2  # the article's save, then its tags


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-follow-only")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def finished(log):
    return len(DONE.findall(log.read_text(encoding="utf-8", errors="replace")))


def publish(rng):
    from django.db import transaction

    from articles.models import Article

    public = Article.objects.published()
    model = public.order_by("id")[rng.randrange(public.count())]
    with transaction.atomic():
        article = Article.objects.create(
            title=f"新发布的文章 {rng.random():.8f}",
            slug=f"bench-follow-{rng.getrandbits(40):x}",
            category_id=model.category_id,
            body="## 新文章\n\n网贷逾期以后怎么和平台协商。",
            status=Article.Status.PUBLISHED,
        )
        article.tags.set(list(model.tags.all()))
    return article, model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to the 100k-article database")
    setup()
    from articles.models import RelatedArticle

    rng = random.Random(5)
    log = ROOT / "bench" / ".data" / "follow-worker.log"
    with open(log, "wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env=os.environ,
            stdout=output,
            stderr=output,
        )
    latencies = []
    try:
        time.sleep(3)  # the worker loads; the clock starts at each commit only
        for round_number in range(1, args.rounds + 1):
            before = finished(log)
            started = time.perf_counter()
            article, model = publish(rng)
            committed = time.perf_counter()
            try:
                while finished(log) < before + TASKS_PER_PUBLICATION:
                    if worker.poll() is not None:
                        sys.exit(f"the worker stopped: see {log}")
                    if time.perf_counter() - committed > args.timeout:
                        sys.exit(f"no result within {args.timeout} s: see {log}")
                    time.sleep(0.05)
                elapsed = time.perf_counter() - committed
                lists = RelatedArticle.objects.filter(related=article).count()
                in_model = RelatedArticle.objects.filter(article=model, related=article).exists()
            finally:
                article.delete()
            latencies.append(elapsed)
            print(
                f"round {round_number}: {elapsed:.1f} s after the commit "
                f"(saving took {committed - started:.1f} s), in {lists} lists, "
                f"in its model's list: {in_model}",
                flush=True,
            )
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    print(
        f"median {statistics.median(latencies):.1f} s, "
        f"lowest {min(latencies):.1f} s, highest {max(latencies):.1f} s"
    )


if __name__ == "__main__":
    main()
