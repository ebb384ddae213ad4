"""The moderators' dashboard: the queue and the decisions over the last 30 or 90 days."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client

from community import moderation
from community.models import Experience, Report, SavedReason
from tests.queries import count_queries
from tests.staff import sign_in_staff

DASHBOARD = "/admin/community/experience/dashboard/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour):
    return datetime.datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


def figures(page, heading):
    """The figures table under `heading`, as {label: value}."""
    section = page.split(f"<h2>{heading}</h2>")[1].split("</section>")[0]
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', section)
    return dict(rows)


@pytest.fixture
def history(make_experience, make_user, moderator):
    """Three posts over two days: one approved in 2 h, one rejected in 27 h, one waiting."""
    laowang = make_user("laowang", is_staff=True)
    with time_machine.travel(at(10, 9), tick=False) as clock:
        first = make_experience("第一篇帖子")
        second = make_experience("第二篇帖子")
        clock.move_to(at(10, 11))
        moderation.approve(first, moderator=moderator)
        clock.move_to(at(11, 10))
        make_experience("第三篇帖子")
        for reader in ("a", "b"):
            Report.objects.create(experience=first, reporter=make_user(reader), reason="abuse")
        clock.move_to(at(11, 12))
        reason = SavedReason.objects.get(label="广告引流").text
        moderation.reject(second, moderator=laowang, reason=reason + "\n第二段")
    return first, second


@pytest.mark.django_db
def test_the_dashboard_shows_each_chart_with_its_figures(moderator, history):
    client = sign_in_staff(Client(), moderator)
    with time_machine.travel(at(11, 20), tick=False):
        page = client.get(DASHBOARD).content.decode()
    assert page.count('<svg class="chart"') == 5
    pending = figures(page, "待审帖子")
    assert pending["2026-11-09"] == "0"
    assert pending["2026-11-10"] == "1"  # the second post, still waiting that night
    assert pending["2026-11-11"] == "1"  # the third one
    assert figures(page, "处理时间中位数") == {"2026-11-10": "2.0", "2026-11-11": "27.0"}
    assert figures(page, "各审核员的处理数") == {"laowang": "1", "moderator": "1"}
    assert figures(page, "未通过理由") == {"广告引流": "1"}
    assert figures(page, "读者举报") == {"2026-11-11": "2"}


@pytest.mark.django_db
def test_the_period_is_30_or_90_days(moderator, history):
    client = sign_in_staff(Client(), moderator)
    with time_machine.travel(at(11, 20), tick=False):
        thirty = figures(client.get(DASHBOARD, {"days": "abc"}).content.decode(), "待审帖子")
        ninety = figures(client.get(DASHBOARD, {"days": "90"}).content.decode(), "待审帖子")
    assert (len(thirty), len(ninety)) == (30, 90)
    with time_machine.travel(at(11, 20) + datetime.timedelta(days=40), tick=False):
        page = sign_in_staff(Client(), moderator).get(DASHBOARD).content.decode()
    assert figures(page, "各审核员的处理数") == {}  # the decisions are older than 30 days


@pytest.mark.django_db
def test_names_in_the_charts_are_escaped(moderator, make_user, make_experience):
    odd = make_user("<b>mod</b>", is_staff=True)
    moderation.approve(make_experience("一篇帖子"), moderator=odd)
    page = sign_in_staff(Client(), moderator).get(DASHBOARD).content.decode()
    assert "<b>mod</b>" not in page and "&lt;b&gt;mod&lt;/b&gt;" in page


@pytest.mark.django_db
def test_the_dashboard_costs_the_same_for_few_or_many_posts(
    client, moderator, make_experience, make_user
):
    sign_in_staff(client, moderator)
    make_experience("一篇帖子")
    few = count_queries(client, DASHBOARD)
    for n in range(30):
        post = make_experience(f"第{n}篇帖子")
        if n % 2:
            moderation.approve(post, moderator=moderator)
        Report.objects.create(experience=post, reporter=make_user(), reason="abuse")
    assert count_queries(client, DASHBOARD) == few
    assert Experience.objects.count() == 31


@pytest.mark.django_db
def test_readers_do_not_see_the_dashboard(client, make_user):
    assert client.get(DASHBOARD).status_code == 302
    client.force_login(make_user("reader"))
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_a_post_back_in_the_queue_waits_from_its_latest_decision(moderator, make_experience):
    with time_machine.travel(at(1, 9), tick=False) as clock:
        post = make_experience("被隐藏的帖子")
        clock.move_to(at(1, 10))
        moderation.approve(post, moderator=moderator)
        clock.move_to(at(10, 10))
        moderation.hide(post, moderator=moderator)
        clock.move_to(at(11, 20))
        page = sign_in_staff(Client(), moderator).get(DASHBOARD).content.decode()
    pending = figures(page, "待审帖子")
    assert pending["2026-11-05"] == "0" and pending["2026-11-10"] == "1"
