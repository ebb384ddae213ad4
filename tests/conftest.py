import datetime
import itertools
import os
import urllib.parse
import uuid

import pytest
from django.contrib.auth.models import Group
from django.template.backends import jinja2
from django.test.signals import template_rendered
from django.utils import timezone

from articles.models import Article, Category
from tests.staff import sign_in_staff

_sequence = itertools.count(1)


@pytest.fixture(autouse=True, scope="session")
def jinja2_templates_report_their_context():
    """Let `response.context` hold what the site's Jinja2 templates were given.

    Django's test setup does this for its own engine only: the Jinja2 backend
    sends the same signal here, with the context the view passed.
    """
    render = jinja2.Template.render

    def render_and_report(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return render(self, context, request)

    jinja2.Template.render = render_and_report
    yield
    jinja2.Template.render = render


@pytest.fixture
def category(db):
    return Category.objects.create(name="网贷", slug="online-loans")


@pytest.fixture
def make_category(db):
    def make(name=None, slug=None):
        number = next(_sequence)
        return Category.objects.create(name=name or f"分类{number}", slug=slug or f"cat-{number}")

    return make


@pytest.fixture
def make_article(db, category):
    """Create an article; by default published one day ago in `category`."""

    def make(title=None, *, tags=(), days_ago=1, **fields):
        number = next(_sequence)
        fields.setdefault("category", category)
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("published_at", timezone.now() - datetime.timedelta(days=days_ago))
        fields.setdefault(
            "body", f"## 第{number}篇\n\n这是第{number}篇文章的正文，讲网贷逾期后怎么办。"
        )
        article = Article.objects.create(
            title=title or f"文章{number}", slug=fields.pop("slug", f"article-{number}"), **fields
        )
        if tags:
            article.tags.set(list(tags))
        return article

    return make


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    sign_in_staff(client, editor)
    return client


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        "moderator", email="mod@example.com", password="pw-moderator", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def make_user(django_user_model):
    def make(username=None, **fields):
        username = username or f"reader{next(_sequence)}"
        fields.setdefault("email", f"{username}@example.com")
        return django_user_model.objects.create_user(username, password="pw-reader", **fields)

    return make


@pytest.fixture
def make_established_reader(make_user):
    """A reader whose reports count in full: a month-old account with a confirmed address."""

    def make(username=None, **fields):
        fields.setdefault("date_joined", timezone.now() - datetime.timedelta(days=30))
        user = make_user(username, **fields)
        user.member.confirmed_email = user.email
        user.member.save()
        return user

    return make


@pytest.fixture
def make_experience(db, make_user):
    """Create an experience; by default pending, by a new reader."""

    def make(title="被催收的一段经历", *, tags=(), **fields):
        from community.models import Experience

        fields.setdefault("author", make_user())
        fields.setdefault("body", "这是一段足够长的经历正文，讲述我和催收打交道的过程。")
        experience = Experience.objects.create(title=title, **fields)
        if tags:
            experience.tags.set(list(tags))
        return experience

    return make


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give a run on PostgreSQL a test database of its own, as SQLite's has (settings_test).

    Two runs against one server (two checkouts, CI beside a developer) would
    otherwise create and drop the same test_<name> under each other.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        test = database.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{os.getpid()}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with empty caches: no rate-limit counter or fragment carries over.

    Nor an outage: the Redis servers tests start and stop take free ports,
    which a later test's server may get again, and the process keeps one
    circuit breaker per address (caching/backends.py).
    """
    from django.core.cache import cache, caches

    from caching import backends, fragments

    cache.clear()
    caches["fragments"].clear()
    fragments._known_fragments.clear()
    backends._breakers.clear()


@pytest.fixture
def server_database_url(tmp_path):
    """A fresh database for app-server processes: PostgreSQL when the suite runs on it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    import psycopg

    name = f"portal_servers_{uuid.uuid4().hex[:8]}"
    admin = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
