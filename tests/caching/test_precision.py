"""A change renews only the pages that show what changed; every other page stays stored."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles import ranking, related
from articles.models import Article
from community import moderation
from community.models import Experience


def get(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response


def stored(url):
    """Tell whether an anonymous request for `url` is answered from the page cache."""
    return get(url)["X-Cache"] == "HIT"


@pytest.fixture
def site(make_article, make_category):
    """Two unrelated articles in two categories, and one that lists the first as related.

    The credit article has enough articles like it that no loans article is
    in its "people also read" list.
    """
    other_category = make_category("征信", "credit")
    for number in range(related.STORED + 1):
        make_article(f"征信问答{number}", tags=["征信"], category=other_category, days_ago=2)
    loans = make_article("网贷逾期怎么办", tags=["逾期", "网贷"])
    credit = make_article("征信报告怎么看", tags=["征信"], category=other_category)
    neighbour = make_article("逾期以后先做什么", tags=["逾期", "网贷"])
    for article in (loans, credit, neighbour):
        related.refresh_for(article)
    return loans, credit, neighbour


def warm(*urls):
    for url in urls:
        get(url)
        assert stored(url), url


@pytest.mark.django_db
def test_approving_a_post_leaves_an_unrelated_article_page_stored(site, make_experience, moderator):
    loans, credit, _ = site
    post = make_experience("和催收协商成功的经过", article=loans)
    warm(loans.get_absolute_url(), credit.get_absolute_url(), "/experiences/")
    moderation.approve(post, moderator=moderator)
    assert stored(credit.get_absolute_url())
    assert "和催收协商成功的经过" in get(loans.get_absolute_url()).content.decode()
    assert "和催收协商成功的经过" in get("/experiences/").content.decode()


@pytest.mark.django_db
def test_editing_an_article_renews_the_pages_that_show_it_and_no_other(site):
    loans, credit, neighbour = site
    assert loans.pk in related.Article.objects.filter(related_from__article=neighbour).values_list(
        "pk", flat=True
    )
    warm(loans.get_absolute_url(), credit.get_absolute_url(), neighbour.get_absolute_url(), "/")
    loans.title = "网贷逾期了，先做这三件事"
    loans.save()
    assert stored(credit.get_absolute_url())
    for url in [loans.get_absolute_url(), neighbour.get_absolute_url(), "/", "/articles/"]:
        assert "先做这三件事" in get(url).content.decode(), url


@pytest.mark.django_db
def test_retagging_renews_the_tag_pages_it_enters_and_leaves(site):
    loans, credit, _ = site
    warm("/tags/网贷/", "/tags/征信/", credit.get_absolute_url())
    loans.tags.set(["逾期", "征信"])
    assert "网贷逾期怎么办" in get("/tags/征信/").content.decode()
    assert "网贷逾期怎么办" not in get("/tags/网贷/").content.decode()


@pytest.mark.django_db
def test_a_vote_renews_only_its_article_page(site):
    loans, credit, _ = site
    warm(loans.get_absolute_url(), credit.get_absolute_url())
    assert Client().post(f"{loans.get_absolute_url()}helpful/").status_code == 302
    assert stored(credit.get_absolute_url())
    assert "有用 (1)" in get(loans.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_new_pending_post_renews_nothing(site, make_experience):
    loans, _, _ = site
    warm(loans.get_absolute_url(), "/experiences/", "/")
    make_experience("还在等审核的帖子", article=loans, tags=["逾期"])
    for url in [loans.get_absolute_url(), "/experiences/", "/"]:
        assert stored(url), url


@pytest.mark.django_db
def test_hiding_a_post_renews_the_pages_that_listed_it(site, make_experience, moderator):
    loans, credit, _ = site
    post = make_experience(
        "被举报的帖子标题", article=loans, status=Experience.Status.APPROVED, tags=["逾期"]
    )
    warm(loans.get_absolute_url(), credit.get_absolute_url(), "/experiences/", "/tags/逾期/")
    moderation.hide(post, moderator=moderator)
    assert stored(credit.get_absolute_url())
    for url in [loans.get_absolute_url(), "/experiences/", "/tags/逾期/"]:
        assert "被举报的帖子标题" not in get(url).content.decode(), url


@pytest.mark.django_db
def test_renaming_a_category_renews_every_page_with_the_menu(site):
    loans, credit, _ = site
    warm(loans.get_absolute_url(), credit.get_absolute_url(), "/experiences/")
    category = credit.category
    category.name = "信用记录"
    category.save()
    for url in [loans.get_absolute_url(), credit.get_absolute_url(), "/experiences/"]:
        assert "信用记录" in get(url).content.decode(), url


@pytest.mark.django_db
def test_refreshing_every_list_renews_only_the_pages_whose_list_changed(site, make_article):
    loans, credit, _ = site
    ranking.refresh_all()
    warm(loans.get_absolute_url(), credit.get_absolute_url())
    make_article("网贷协商还款的步骤", tags=["网贷"], days_ago=0)
    ranking.refresh_all()
    # The new article joins the list of the loans article, not the credit one's.
    assert "网贷协商还款的步骤" in get(loans.get_absolute_url()).content.decode()
    assert stored(credit.get_absolute_url())


@pytest.mark.django_db
def test_saving_an_article_unchanged_renews_only_its_own_page(site):
    loans, credit, neighbour = site
    warm(loans.get_absolute_url(), neighbour.get_absolute_url(), "/articles/", "/")
    loans.save()  # only its update time moves, which only its own page shows
    for url in [neighbour.get_absolute_url(), "/articles/", "/"]:
        assert stored(url), url
    assert not stored(loans.get_absolute_url())


@pytest.mark.django_db
def test_an_article_published_again_returns_to_the_lists_it_was_stored_in(site):
    loans, _, neighbour = site
    loans.status = Article.Status.DRAFT
    loans.save()
    assert "网贷逾期怎么办" not in get(neighbour.get_absolute_url()).content.decode()
    warm(neighbour.get_absolute_url())
    loans.status = Article.Status.PUBLISHED
    loans.save()
    assert "网贷逾期怎么办" in get(neighbour.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_renaming_a_category_renews_the_related_lists_that_name_it(site):
    loans, _, neighbour = site
    warm(neighbour.get_absolute_url())
    category = loans.category
    category.name = "网络借贷"
    category.save()
    html = get(neighbour.get_absolute_url()).content.decode()
    related_list = html[html.index('class="related"') :]
    assert "网络借贷" in related_list


@pytest.mark.django_db
def test_an_editors_preview_does_not_leave_a_scheduled_article_without_its_links(
    make_article, editor_client
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        soon = timezone.now() + datetime.timedelta(hours=1)
        article = make_article("明天上线的文章", published_at=soon)
        assert editor_client.get(article.get_absolute_url()).status_code == 200  # a preview
        clock.shift(datetime.timedelta(hours=1, seconds=1))
        html = get(article.get_absolute_url()).content.decode()
        assert f"/experiences/new/?article={article.slug}" in html
