"""Many writers at once: exact counts and every row stored, on SQLite and PostgreSQL.

Not part of `make test`: `make test-load` runs it with the soak suite, `pytest -m
concurrency` alone.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from community.models import Experience

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
# Below PostgreSQL's default of 100 connections, with room for the test itself.
THREADS = 50


def run_together(task, count):
    """Run task(i) for i < count on THREADS threads that start at the same moment."""
    start = threading.Barrier(min(THREADS, count))

    def worker(index):
        try:
            if index < THREADS:
                start.wait()
            return task(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(worker, range(count)))


def test_100_concurrent_helpful_clicks_are_counted_exactly(make_article):
    article = make_article()
    url = f"{article.get_absolute_url()}helpful/"
    codes = run_together(lambda n: Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(url).status_code, 100)
    assert codes == [302] * 100
    article.refresh_from_db()
    assert article.helpful_count == 100


def test_30_concurrent_posts_are_all_stored(make_user):
    users = [make_user() for _ in range(30)]

    def post(index):
        client = Client()
        client.force_login(users[index])
        return client.post(
            "/experiences/new/",
            {
                "title": f"并发提交的经历{index}",
                "body": "这是一段足够长的正文，讲述同时提交的经历。",
            },
        ).status_code

    codes = run_together(post, 30)
    assert codes == [302] * 30
    assert Experience.objects.count() == 30
