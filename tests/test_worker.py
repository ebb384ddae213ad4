"""The task worker (`manage.py worker`) runs what the site queues, with Redis and without."""

import sqlite3
import subprocess
import sys
import time

import pytest

from tests.servers import ROOT, manage, migrated_env

pytestmark = pytest.mark.redis

SETUP = """
import datetime
from django.contrib.auth.models import Group, User
from django.utils import timezone
from community.models import Experience
moderator = User.objects.create_user("night-moderator", email="mod@example.com", is_staff=True)
moderator.groups.add(Group.objects.get(name="Moderators"))
post = Experience.objects.create(author=User.objects.create_user("writer"), title="等了很久的经历",
    body="这是一段足够长的经历正文，讲述我和催收打交道的过程。")
Experience.objects.filter(pk=post.pk).update(
    created_at=timezone.now() - datetime.timedelta(days=2))
"""


@pytest.mark.parametrize("queue", ["redis", "sqlite"])
def test_the_worker_runs_the_moderation_digest(tmp_path, queue):
    env = migrated_env(
        f"sqlite:///{tmp_path / 'site.sqlite3'}",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DJANGO_EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )
    if queue == "sqlite":
        env["REDIS_URL"] = ""  # the queue in a SQLite file beside the database
    manage(env, "shell", "-c", SETUP)
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker"], env=env, cwd=ROOT, stdout=log, stderr=log
        )
    try:
        # What the periodic schedule does every ten minutes, queued now.
        manage(env, "shell", "-c", "from community.tasks import moderation_digest as d; d()")
        sent = _wait_for_mail(tmp_path / "mail", worker)
        assert "1 篇经历等待审核" in sent and "/admin/community/experience/" in sent
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    if queue == "sqlite":
        assert (tmp_path / "site.sqlite3-tasks").exists()


def _wait_for_mail(folder, worker, timeout=30):
    """Return the first e-mail the worker writes to `folder` (the file backend)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        if files and files[0].stat().st_size:
            return files[0].read_text()
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.2)
    raise AssertionError(f"no e-mail from the worker within {timeout} s")


ARTICLES = """
import datetime
from django.utils import timezone
from articles.models import Article, Category
category = Category.objects.create(name="网贷", slug="online-loans")
for n in range(12):
    article = Article.objects.create(
        title=f"老文章{n}", slug=f"old-{n}", category=category, body="正文", status="published",
        published_at=timezone.now() - datetime.timedelta(days=30 - n))
    article.tags.set(["催收", "网贷"] if n == 0 else [f"标签{n}"])
"""
PUBLISH = """
from articles.models import Article, Category
new = Article.objects.create(title="新文章", slug="new", category=Category.objects.get(),
    body="正文", status="published")
new.tags.set(["催收", "网贷"])
print(new.pk)
"""


@pytest.mark.parametrize("queue", ["redis", "sqlite"])
def test_a_new_article_enters_an_older_neighbours_list_with_only_the_worker(tmp_path, queue):
    database = tmp_path / "site.sqlite3"
    env = migrated_env(f"sqlite:///{database}")
    if queue == "sqlite":
        env["REDIS_URL"] = ""
    manage(env, "shell", "-c", ARTICLES)
    manage(env, "refresh_related")  # every list stored, as on a running site
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker"], env=env, cwd=ROOT, stdout=log, stderr=log
        )
    try:
        new = int(manage(env, "shell", "-c", PUBLISH).split()[-1])
        with sqlite3.connect(database) as connection:
            slug = "SELECT id FROM articles_article WHERE slug = 'old-0'"
            old = connection.execute(slug).fetchone()[0]
        _wait_for_row(database, old, new, worker)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _wait_for_row(database, article_id, related_id, worker, timeout=60):
    """Wait until the stored list of `article_id` holds `related_id` (what readers see)."""
    deadline = time.monotonic() + timeout
    query = "SELECT 1 FROM articles_relatedarticle WHERE article_id = ? AND related_id = ?"
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            if connection.execute(query, (article_id, related_id)).fetchone():
                return
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.2)
    raise AssertionError(f"article {related_id} not in the list of {article_id} within {timeout} s")
