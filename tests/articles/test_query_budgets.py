"""Every public page runs a fixed, small number of SQL queries, whatever the data."""

import pytest

from articles import ranking
from tests.queries import count_queries

MAX_QUERIES = 10
TAGS = ["逾期", "网贷", "征信查询", "爆通讯录", "协商还款", "信用卡", "起诉", "借条"]


@pytest.fixture
def small_site(make_article):
    """Two articles with one tag each."""
    return [make_article(tags=TAGS[:1], days_ago=n + 1) for n in range(2)]


@pytest.fixture
def large_site(make_article):
    """Thirty articles with eight tags each: full pages, full related lists."""
    return [make_article(tags=TAGS, days_ago=n + 1) for n in range(30)]


LIST_URLS = ["/", "/articles/", "/articles/?ordering=helpful&q=文章", "/categories/online-loans/",
             "/tags/逾期/", "/articles/?tag=逾期&category=online-loans"]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("url", LIST_URLS)
def test_list_pages_run_the_same_few_queries_for_2_or_20_items(client, url, make_article):
    for n in range(2):
        make_article(tags=TAGS[:1], days_ago=n + 1)
    few = count_queries(client, url)
    for n in range(28):
        make_article(tags=TAGS, days_ago=n + 10)
    many = count_queries(client, url)
    assert few == many
    assert many <= MAX_QUERIES


@pytest.mark.django_db
def test_article_page_runs_the_same_few_queries_with_1_tag_or_8(client, make_article):
    for n in range(30):
        make_article(tags=TAGS, days_ago=n + 2)
    one_tag = make_article(tags=TAGS[:1])
    eight_tags = make_article(tags=TAGS)
    ranking.refresh_all()  # as the periodic `refresh_related` run does
    with_one = count_queries(client, one_tag.get_absolute_url())
    with_eight = count_queries(client, eight_tags.get_absolute_url())
    assert with_one == with_eight
    assert with_eight <= MAX_QUERIES


@pytest.mark.django_db
def test_article_page_budget_holds_for_a_voter_and_for_an_editor(
    client, make_article, editor_client
):
    article = make_article(tags=TAGS)
    for n in range(12):
        make_article(tags=TAGS, days_ago=n + 2)
    ranking.refresh_all()
    client.post(f"{article.get_absolute_url()}helpful/")
    assert count_queries(client, article.get_absolute_url()) <= MAX_QUERIES
    assert count_queries(editor_client, article.get_absolute_url()) <= MAX_QUERIES
