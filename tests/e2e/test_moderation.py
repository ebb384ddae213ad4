"""A moderator works through the queue with the keyboard only, and reads the dashboard."""

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from community import moderation
from community.models import Experience, Report, SavedReason
from tests.e2e.test_browser import axe_violations
from tests.staff import sign_in_staff_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
QUEUE = "/admin/community/experience/"
BODY = "上个月在网上借了钱，现在每天都有人打电话来催，我想说说这段经历，希望对大家有用。"


@pytest.fixture
def signed_in_moderator(page, django_user_model):
    """A Moderators member with an authenticator app, signed in through the admin login."""
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="community",
            codename__in=["view_experience", "change_experience", "view_savedreason"],
        )
    )
    user = django_user_model.objects.create_user(
        "moderator", password="pw-moderator", is_staff=True
    )
    user.groups.add(group)
    return sign_in_staff_in_browser(page, user, "pw-moderator", QUEUE)


@pytest.fixture
def five_posts(make_experience):
    # Two saved reasons, whatever the data migration's list (transactional tests empty it).
    SavedReason.objects.all().delete()
    for label, text in [("广告引流", "帖子含有广告或引流。"), ("个人信息", "帖子里仍有个人信息。")]:
        SavedReason.objects.create(label=label, text=text)
    posts = [make_experience(f"第{n}篇待审帖子", body=BODY) for n in range(1, 6)]
    flagged = posts[1]
    flagged.body = BODY + "有人说能征信修复，让我私聊。"
    start = flagged.body.index("征信修复")
    flagged.watched_categories = "scam"
    flagged.watched_spans = {"body": [[start, start + 4, "scam"]]}
    flagged.save()
    return posts


def decided(page, message):
    """Wait for the queue to come back with `message` and the keys ready."""
    expect(page.locator(".messagelist")).to_contain_text(message)
    expect(page.locator("#result_list tr.queue-current")).to_have_count(1)


def current_title(page):
    return page.locator("#result_list tr.queue-current th a").inner_text()


def test_a_moderator_decides_five_posts_with_the_keyboard_only(
    page, shoot, signed_in_moderator, five_posts
):
    page.goto(QUEUE)
    expect(page.locator("#result_list mark")).to_have_text("征信修复")
    shoot("moderation-queue-keyboard")
    assert axe_violations(page) == []
    # The first post waiting is in focus; j and k move between rows.
    assert current_title(page) == "第1篇待审帖子"
    page.keyboard.press("j")
    assert current_title(page) == "第2篇待审帖子"
    page.keyboard.press("k")
    assert current_title(page) == "第1篇待审帖子"

    page.keyboard.press("a")  # approve the first
    decided(page, "已通过：第1篇待审帖子")
    page.keyboard.press("r")  # reject the second with the first saved reason
    expect(page.locator("h2")).to_have_text("第2篇待审帖子")
    shoot("moderation-reject")
    assert axe_violations(page) == []
    expect(page.locator(".saved-reasons input:focus")).to_have_count(1)
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    decided(page, "已拒绝：第2篇待审帖子")
    page.keyboard.press("a")
    decided(page, "已通过：第3篇待审帖子")
    page.keyboard.press("r")  # the second saved reason: one step down the list
    expect(page.locator("h2")).to_have_text("第4篇待审帖子")
    expect(page.locator(".saved-reasons input:focus")).to_have_count(1)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    decided(page, "已拒绝：第4篇待审帖子")
    page.keyboard.press("a")
    decided(page, "已通过：第5篇待审帖子")

    status = dict(Experience.objects.values_list("title", "status"))
    assert status == {
        "第1篇待审帖子": "approved",
        "第2篇待审帖子": "rejected",
        "第3篇待审帖子": "approved",
        "第4篇待审帖子": "rejected",
        "第5篇待审帖子": "approved",
    }
    reasons = dict(Experience.objects.values_list("title", "rejection_reason"))
    # The saved reasons are listed by label: 个人信息 first, then 广告引流.
    assert reasons["第2篇待审帖子"] == "帖子里仍有个人信息。"
    assert reasons["第4篇待审帖子"] == "帖子含有广告或引流。"


def test_the_dashboard_reads_well_and_passes_axe(
    page, shoot, signed_in_moderator, five_posts, make_user
):
    moderation.approve(five_posts[0], moderator=signed_in_moderator)
    moderation.reject(five_posts[1], moderator=signed_in_moderator, reason="帖子含有广告或引流。")
    Report.objects.create(experience=five_posts[0], reporter=make_user(), reason="abuse")
    page.goto(QUEUE)
    page.get_by_role("link", name="看板").click()
    expect(page.locator("svg.chart")).to_have_count(5)
    shoot("moderation-dashboard")
    assert axe_violations(page) == []
    page.get_by_role("link", name="最近 90 天").click()
    expect(page.locator("strong[aria-current=page]")).to_have_text("最近 90 天")
