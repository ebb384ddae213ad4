"""The "people also read" ranking: rarity-weighted shared tags, then category, newest, id."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article


def related_titles(article):
    return [a.title for a in Article.objects.related_to(article)]


@pytest.mark.django_db
def test_rare_shared_tag_outranks_broad_shared_tag(make_article, make_category):
    other = make_category()
    source = make_article("源", tags=["广", "稀"])
    make_article("广1", tags=["广"], days_ago=1)
    make_article("稀1", tags=["稀"], days_ago=9, category=other)
    # "广" sits on half the site; pad the site so that holds.
    for n in range(3):
        make_article(f"广填充{n}", tags=["广"], days_ago=20 + n, category=other)
    for n in range(3):
        make_article(f"无{n}", days_ago=30 + n, category=other)
    titles = related_titles(source)
    assert titles.index("稀1") < titles.index("广1")


@pytest.mark.django_db
def test_exact_order_on_crafted_data(make_article, make_category):
    """Score by shared-tag rarity, then same category, then newest, then highest id."""
    elsewhere = make_category()
    source = make_article("源", tags=["逾期", "爆通讯录", "征信异议"], days_ago=1)
    # 逾期 is broad (on 7 of 12 public articles), the other two are rare.
    both_rare = make_article(
        "两个稀有", tags=["爆通讯录", "征信异议"], days_ago=50, category=elsewhere
    )
    rare_and_broad = make_article("稀有加宽泛", tags=["爆通讯录", "逾期"], days_ago=40)
    one_rare = make_article("一个稀有", tags=["征信异议"], days_ago=30, category=elsewhere)
    broad_same_cat_old = make_article("宽泛同类旧", tags=["逾期"], days_ago=20)
    broad_same_cat_new = make_article("宽泛同类新", tags=["逾期"], days_ago=10)
    broad_other_cat = make_article("宽泛异类", tags=["逾期"], days_ago=2, category=elsewhere)
    same_time = timezone.now() - datetime.timedelta(days=15)
    tie_low_id = make_article(
        "宽泛异类同时A", tags=["逾期"], category=elsewhere, published_at=same_time
    )
    tie_high_id = make_article(
        "宽泛异类同时B", tags=["逾期"], category=elsewhere, published_at=same_time
    )
    no_tag_same_cat = make_article("无标签同类", days_ago=60)
    no_tag_other_new = make_article("无标签异类新", days_ago=3, category=elsewhere)
    no_tag_other_old = make_article("无标签异类旧", days_ago=70, category=elsewhere)

    expected = [
        both_rare,
        rare_and_broad,
        one_rare,
        broad_same_cat_new,
        broad_same_cat_old,
        broad_other_cat,
        tie_high_id,
        tie_low_id,
        no_tag_same_cat,
        no_tag_other_new,
    ]
    assert list(Article.objects.related_to(source)) == expected
    assert no_tag_other_old not in expected


@pytest.mark.django_db
def test_never_itself_a_draft_or_a_scheduled_article(make_article):
    source = make_article("源", tags=["网贷"])
    make_article("草稿", tags=["网贷"], status=Article.Status.DRAFT)
    make_article("定时", tags=["网贷"], published_at=timezone.now() + datetime.timedelta(hours=1))
    make_article("公开", tags=["网贷"])
    assert related_titles(source) == ["公开"]


@pytest.mark.django_db
def test_always_ten_when_eleven_or_more_are_public(make_article, make_category):
    source = make_article("源", tags=["孤立标签"])
    other = make_category()
    for n in range(12):
        make_article(f"其他{n}", category=other, days_ago=n + 2)
    assert len(related_titles(source)) == 10


@pytest.mark.django_db
def test_exactly_ten_public_others_fill_the_list(make_article):
    source = make_article("源")
    for n in range(10):
        make_article(f"其他{n}")
    make_article("草稿", status=Article.Status.DRAFT)
    assert len(related_titles(source)) == 10


@pytest.mark.django_db
def test_article_without_tags_gets_same_category_first(make_article, make_category):
    other = make_category()
    source = make_article("源")
    make_article("异类新", category=other, days_ago=1)
    make_article("同类旧", days_ago=100)
    assert related_titles(source) == ["同类旧", "异类新"]


@pytest.mark.django_db
def test_draft_being_previewed_still_gets_a_related_list(make_article):
    draft = make_article("草稿", tags=["网贷"], status=Article.Status.DRAFT)
    make_article("公开", tags=["网贷"])
    assert related_titles(draft) == ["公开"]
