import datetime
import itertools

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Category

_sequence = itertools.count(1)


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
    client.force_login(editor)
    return client
