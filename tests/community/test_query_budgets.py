"""Community pages and the moderation queue run a fixed number of queries."""

import pytest

from community.models import Experience, Report
from tests.queries import count_queries
from tests.staff import sign_in_staff

TAGS = ["逾期", "网贷", "爆通讯录", "协商还款", "信用卡"]


def add_posts(make_experience, make_user, number, *, tags, reports):
    posts = []
    for _ in range(number):
        post = make_experience(status=Experience.Status.APPROVED, tags=tags)
        for _ in range(reports):
            Report.objects.create(experience=post, reporter=make_user(), reason="abuse")
        posts.append(post)
    return posts


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/experiences/", "/experiences/?tag=网贷", "/", "/tags/网贷/"])
def test_public_lists_cost_the_same_for_2_or_25_posts(client, make_experience, make_user, url):
    add_posts(make_experience, make_user, 2, tags=TAGS[1:2], reports=0)
    few = count_queries(client, url)
    add_posts(make_experience, make_user, 23, tags=TAGS, reports=2)
    many = count_queries(client, url)
    assert few == many <= 10


@pytest.mark.django_db
def test_experience_page_costs_the_same_with_1_tag_or_5(client, make_experience, make_user):
    one, five = (
        add_posts(make_experience, make_user, 1, tags=TAGS[:1], reports=1)[0],
        add_posts(make_experience, make_user, 1, tags=TAGS, reports=2)[0],
    )
    client.force_login(make_user())
    assert count_queries(client, one.get_absolute_url()) == count_queries(
        client, five.get_absolute_url()
    )
    assert count_queries(client, five.get_absolute_url()) <= 10


@pytest.mark.django_db
def test_moderation_queue_costs_the_same_for_2_or_40_posts(
    client, moderator, make_experience, make_user
):
    sign_in_staff(client, moderator)
    add_posts(make_experience, make_user, 2, tags=TAGS[:1], reports=0)
    few = count_queries(client, "/admin/community/experience/")
    add_posts(make_experience, make_user, 38, tags=TAGS, reports=3)
    many = count_queries(client, "/admin/community/experience/")
    assert few == many


@pytest.mark.django_db
def test_moderation_queue_with_10000_pending_posts_costs_what_it_does_with_2(
    client, moderator, make_experience, django_user_model
):
    sign_in_staff(client, moderator)
    make_experience("第一篇")
    make_experience("第二篇", watched_categories="scam", watched_spans={"body": [[0, 2, "scam"]]})
    few = count_queries(client, "/admin/community/experience/")
    authors = django_user_model.objects.bulk_create(
        django_user_model(username=f"author{n}", email=f"author{n}@example.com") for n in range(500)
    )
    Experience.objects.bulk_create(
        Experience(
            author=authors[n % len(authors)],
            title=f"第{n}篇待审的经历",
            body="这是一段足够长的经历正文，讲述我和催收打交道的过程。" * 3,
            watched_categories="scam" if n % 10 == 0 else "",
            watched_spans={"body": [[2, 6, "scam"]]} if n % 10 == 0 else {},
        )
        for n in range(10_000)
    )
    assert Experience.objects.filter(status=Experience.Status.PENDING).count() == 10_002
    assert count_queries(client, "/admin/community/experience/") == few
