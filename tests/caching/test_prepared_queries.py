"""Prepared queries: the SQL built once, run with new values, the same objects as the queryset."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, RelatedArticle
from caching.queries import Prepared

PK = Article._meta.pk
PUBLISHED_AT = Article._meta.get_field("published_at")


def neighbours_queryset(article, now):
    return (
        Article.objects.published(now)
        .filter(related_from__article=article)
        .annotate(pinned=F("related_from__pinned"))
        .cards()
        .order_by("related_from__rank")
    )


def state(instance):
    """What a page can read of an article loaded for a card, without a query."""
    return (
        instance.pk,
        instance.title,
        instance.slug,
        instance.published_at,
        instance.pinned,
        instance.category.name,
        sorted(instance.get_deferred_fields()),
    )


@pytest.mark.django_db
def test_gives_the_objects_the_queryset_gives_for_each_new_value(make_article, make_category):
    neighbours = Prepared(neighbours_queryset, article=PK, now=PUBLISHED_AT)
    first, second = make_article(), make_article()
    others = [make_article(category=make_category()) for _ in range(4)]
    RelatedArticle.objects.all().delete()  # lists made as the articles were saved
    for rank, other in enumerate(others):
        RelatedArticle.objects.create(article=first, related=other, rank=rank, pinned=rank == 0)
    for rank, other in enumerate(reversed(others[1:])):
        RelatedArticle.objects.create(article=second, related=other, rank=rank)
    now = timezone.now()
    for article in (first, second, first):
        with CaptureQueriesContext(connection) as queries:
            prepared = [state(each) for each in neighbours(article=article.pk, now=now)]
        assert len(queries) == 1  # the categories came with the articles
        assert prepared == [state(each) for each in neighbours_queryset(article.pk, now)]
        assert prepared  # the comparison is not between two empty lists
    assert [each.pk for each in neighbours(article=second.pk, now=now)] == [
        other.pk for other in reversed(others[1:])
    ]


@pytest.mark.django_db
def test_a_moment_given_is_the_moment_compared(make_article):
    """published(now): a scheduled neighbour appears once its moment has come, not before."""
    neighbours = Prepared(neighbours_queryset, article=PK, now=PUBLISHED_AT)
    article = make_article()
    soon = timezone.now() + datetime.timedelta(hours=1)
    scheduled = make_article(published_at=soon)
    RelatedArticle.objects.all().delete()
    RelatedArticle.objects.create(article=article, related=scheduled, rank=0)
    assert neighbours(article=article.pk, now=soon - datetime.timedelta(seconds=1)) == []
    assert neighbours(article=article.pk, now=soon) == [scheduled]


@pytest.mark.django_db
def test_text_values_and_loaded_values_for_saves(make_article):
    by_slug = Prepared(lambda slug: Article.objects.filter(slug=slug), slug=Article.slug.field)
    article = make_article(slug="网贷-逾期")
    found = by_slug(slug="网贷-逾期")
    assert found == [article]
    assert found[0].body_html == article.body_html  # every field loaded
    # The instance knows the values it was loaded with, as one from a queryset does.
    assert found[0].changed_fields({"title", "body"}) == set()
    assert by_slug(slug="no-such-article") == []


@pytest.mark.django_db
def test_refuses_what_would_give_wrong_results():
    not_a_parameter = Prepared(lambda slug: Article.objects.all(), slug=Article.slug.field)
    with pytest.raises(ValueError, match="not a parameter"):
        not_a_parameter(slug="x")
    by_slug = Prepared(lambda slug: Article.objects.filter(slug=slug), slug=Article.slug.field)
    with pytest.raises(ValueError, match="None"):
        by_slug(slug=None)  # `slug IS NULL` is another query
    with pytest.raises(TypeError, match="Expected the values"):
        by_slug(title="x")
    prefetching = Prepared(
        lambda slug: Article.objects.filter(slug=slug).prefetch_related("tags"),
        slug=Article.slug.field,
    )
    with pytest.raises(TypeError, match="prefetch_related"):
        prefetching(slug="x")
    with pytest.raises(TypeError, match="moments, integers or text"):
        Prepared(lambda flag: Article.objects.all(), flag=RelatedArticle.pinned.field)(flag=True)
