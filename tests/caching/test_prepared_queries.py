"""Prepared queries: the SQL built once, run with new values, the same objects as the queryset."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import related, views
from articles.models import Article, RelatedArticle
from caching.queries import Prepared
from community.models import Experience

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


@pytest.mark.django_db
def test_the_article_pages_queries_give_what_their_querysets_give(
    make_article, make_category, make_experience, editor
):
    """Each prepared query of the article page against the queryset it stands for."""
    article = make_article(tags=["征信", "逾期", "网贷"], reviewed_by=editor)
    unreviewed = make_article(tags=["网贷"])
    others = [make_article(category=make_category()) for _ in range(related.SHOWN + 2)]
    RelatedArticle.objects.filter(article=article).delete()
    for rank, other in enumerate(others):
        RelatedArticle.objects.create(article=article, related=other, rank=rank)
    for n in range(7):
        make_experience(f"经历{n}", article=article, status=Experience.Status.APPROVED)
    make_experience("待审", article=article)
    now = timezone.now()

    def seen(objects):
        return [
            (
                each.pk,
                str(each),
                sorted(each.get_deferred_fields()),
                *(str(getattr(each, name, "")) for name in ("category", "reviewed_by", "author")),
                getattr(each, "pinned", None),
            )
            for each in objects
        ]

    for page in (article, unreviewed):
        assert seen(views._public_article(slug=page.slug, now=now)) == seen(
            Article.objects.published(now)
            .select_related("category", "reviewed_by")
            .filter(slug=page.slug)
            .defer("body")
        )
        assert seen(views._tags_of(article=page.pk)) == seen(page.tags.order_by("name"))
        assert seen(views._experiences_of(article=page.pk)) == seen(
            page.experiences.approved().select_related("author")[:5]
        )
    assert len(views._experiences_of(article=article.pk)) == 5
    assert len(views._tags_of(article=article.pk)) == 3
    assert seen(related._stored_list(article=article.pk, now=now)) == seen(
        neighbours_queryset(article.pk, now)[: related.SHOWN]
    )
    assert len(related._stored_list(article=article.pk, now=now)) == related.SHOWN
