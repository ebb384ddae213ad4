"""Stored search pages: kept under the canonical query once asked twice, dropped by every change."""

import pytest
from django.test import Client

from articles.models import Article
from community import moderation
from community.models import Experience


def get(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response


def stored(url):
    """Tell whether an anonymous request for `url` is answered from the page cache."""
    return get(url).get("X-Cache") == "HIT"


def warm(url):
    get(url)
    get(url)
    assert stored(url), url


def found(query):
    return get(f"/search/?q={query}").content.decode()


@pytest.mark.django_db
def test_a_query_is_stored_from_the_second_time_it_is_asked(make_article):
    make_article("征信报告怎么看")
    first = get("/search/?q=征信")
    assert "no-store" in first["Cache-Control"]
    assert "xkey" not in first
    second = get("/search/?q=征信")
    assert second["X-Cache"] == "MISS"
    assert "public" in second["Cache-Control"]
    assert set(second["xkey"].split()) >= {"search", "articles", "experiences"}
    assert stored("/search/?q=征信")
    assert not stored("/search/?q=报告")  # another query counts on its own


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, canonical",
    [("征信怎么办？", "征信"), ("ＡＰＰ", "app"), ("网贷，逾期", "网贷+逾期"), ("  征信 ", "征信")],
)
def test_other_spellings_of_a_query_lead_to_its_canonical_one(query, canonical):
    response = Client().get("/search/", {"q": query})
    assert response.status_code == 301
    from urllib.parse import quote_plus

    assert response["Location"] == "/search/?q=" + quote_plus(canonical, safe="+")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "！？。"},
        {"q": "长" * 101},
        {"q": "a\x00b"},
        {"q": "征信", "page": "x"},
    ],
)
def test_odd_queries_are_answered_and_never_stored(make_article, query):
    make_article("征信报告怎么看")
    for _ in range(3):
        response = Client().get("/search/", query)
        assert response.status_code == (404 if "page" in query else 200)
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_page_past_the_last_is_not_found(make_article):
    make_article("征信报告怎么看")
    assert Client().get("/search/", {"q": "征信", "page": "2"}).status_code == 404


@pytest.mark.django_db
def test_publishing_and_unpublishing_renew_stored_results(make_article):
    draft = make_article("征信修复的骗局", status=Article.Status.DRAFT)
    make_article("征信报告怎么看")
    warm("/search/?q=征信")
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert "修复的骗局" in found("征信")
    warm("/search/?q=征信")
    draft.status = Article.Status.DRAFT
    draft.save()
    assert "修复的骗局" not in found("征信")


@pytest.mark.django_db
def test_editing_a_title_renews_stored_results(make_article):
    article = make_article("征信报告怎么看")
    other = make_article("逾期以后", body="讲别的事。")
    warm("/search/?q=征信")
    warm("/search/?q=逾期")
    other.title = "逾期以后会上征信吗"
    other.save()
    assert "逾期以后会上" in found("征信")
    article.title = "信用报告怎么看"
    article.save()
    assert "信用报告怎么看" not in found("征信")


@pytest.mark.django_db
def test_approving_and_hiding_a_post_renew_stored_results(make_experience, moderator):
    post = make_experience("上了征信的一段经历")
    warm("/search/?q=征信")
    moderation.approve(post, moderator=moderator)
    assert "上了<mark>征信</mark>的一段经历" in found("征信")
    warm("/search/?q=征信")
    moderation.hide(post, moderator=moderator)
    assert "的一段经历" not in found("征信")


@pytest.mark.django_db
def test_a_post_waiting_for_a_moderator_leaves_stored_results_alone(make_article, make_experience):
    make_article("征信报告怎么看")
    warm("/search/?q=征信")
    post = make_experience("上了征信的一段经历")
    post.body = "改过的正文，讲征信记录怎么修复，足够长了。"
    post.save()
    assert post.status == Experience.Status.PENDING
    assert stored("/search/?q=征信")


@pytest.mark.django_db
def test_renaming_a_category_renews_the_results_that_show_it(make_article, category):
    make_article("征信报告怎么看")
    warm("/search/?q=征信")
    category.name = "信用记录"
    category.save()
    assert "信用记录" in found("征信")
