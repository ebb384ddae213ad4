"""Stored "people also read" lists: same order as the ranking query, filtered at read time."""

import datetime
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import ranking, related
from articles.models import Article, RelatedArticle


def live(article, limit=related.STORED):
    return list(Article.objects.related_to(article, limit=limit).values_list("id", flat=True))


def shown(article):
    return [a.id for a in related.related_for_page(article)]


@pytest.mark.django_db
def test_batch_refresh_matches_the_ranking_query_on_random_sites_with_ties(
    make_article, make_category
):
    rng = random.Random(20261128)
    categories = [make_category() for _ in range(3)]
    vocabulary = ["逾期", "网贷", "征信", "催收", "借条", "起诉", "担保", "信用卡"]
    same_moment = timezone.now() - datetime.timedelta(days=3)
    for n in range(60):
        make_article(
            tags=rng.sample(vocabulary, rng.randint(0, 4)),
            category=rng.choice(categories),
            published_at=same_moment
            if n % 7 == 0
            else timezone.now() - datetime.timedelta(days=rng.randint(1, 400)),
        )
    make_article("草稿", tags=vocabulary, status=Article.Status.DRAFT)
    lists = ranking.rank_all()
    public = list(Article.objects.published())
    assert set(lists) == {a.id for a in public}
    for article in public:
        assert lists[article.id] == live(article), article.title


@pytest.mark.django_db
def test_refresh_command_stores_every_list_and_the_page_reads_it(make_article):
    articles = [make_article(tags=["网贷"], days_ago=n + 1) for n in range(15)]
    RelatedArticle.objects.all().delete()
    call_command("refresh_related", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert RelatedArticle.objects.filter(article=articles[0]).count() == 14
    assert shown(articles[0]) == live(articles[0], limit=10)


@pytest.mark.django_db
def test_saving_or_retagging_an_article_refreshes_its_own_list(make_article):
    neighbour = make_article("邻居", tags=["借条"])
    source = make_article("源", tags=["网贷"])
    assert list(source.related_links.values_list("related_id", flat=True)) == [neighbour.id]
    other = make_article("另一篇", tags=["借条"], days_ago=30)
    source.tags.set(["借条"])
    assert list(source.related_links.values_list("related_id", flat=True))[:2] == [
        neighbour.id,
        other.id,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(days=1)},
    ],
    ids=["unpublished", "rescheduled"],
)
def test_an_article_that_stops_being_public_leaves_every_list_at_once(make_article, change):
    articles = [make_article(tags=["网贷"], days_ago=n + 1) for n in range(12)]
    ranking.refresh_all()
    leaving = articles[1]
    assert leaving.id in shown(articles[0])
    Article.objects.filter(pk=leaving.pk).update(**change)
    assert leaving.id not in shown(articles[0])
    assert len(shown(articles[0])) == 10


@pytest.mark.django_db
def test_deleted_article_leaves_every_list(make_article):
    articles = [make_article(tags=["网贷"], days_ago=n + 1) for n in range(5)]
    ranking.refresh_all()
    articles[1].delete()
    assert articles[1].id not in shown(articles[0])


@pytest.mark.django_db
def test_a_new_article_reaches_its_neighbours_at_the_next_refresh(make_article):
    old = [make_article(tags=["网贷"], days_ago=n + 5) for n in range(12)]
    ranking.refresh_all()
    new = make_article("新文章", tags=["网贷", "借条"], days_ago=0)
    assert shown(new)  # its own list is computed on save
    ranking.refresh_all()
    assert new.id in shown(old[0])


@pytest.mark.django_db
def test_always_ten_when_many_neighbours_went_private_since_the_refresh(make_article):
    articles = [make_article(tags=["网贷"], days_ago=n + 1) for n in range(30)]
    ranking.refresh_all()
    stored = list(articles[0].related_links.values_list("related_id", flat=True))
    Article.objects.filter(pk__in=stored[:15]).update(status=Article.Status.DRAFT)
    assert len(shown(articles[0])) == 10


@pytest.mark.django_db
def test_a_scheduled_article_keeps_its_list_through_a_refresh(
    make_article, django_assert_max_num_queries
):
    for n in range(12):
        make_article(tags=["网贷"], days_ago=n + 1)
    scheduled = make_article(
        "定时", tags=["网贷"], published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    ranking.refresh_all()
    assert scheduled.related_links.count() == 12  # every public one, stored at its save
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    with django_assert_max_num_queries(1):  # read from the store, not ranked live
        assert len(related.related_for_page(scheduled)) == 10
