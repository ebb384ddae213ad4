"""Trusted authors: a proven author's new posts are approved at once, until trust is lost."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from community import moderation
from community.models import Experience, Member, Report
from tests.staff import sign_in_staff

BODY = "这是一段足够长的正文，讲述我被催收打扰以后怎么应对的经历。"


@pytest.fixture
def author(make_user, make_experience, moderator):
    """An author with three approved posts."""
    user = make_user("laoshou")
    for n in range(3):
        moderation.approve(make_experience(f"第{n}篇经历", author=user), moderator=moderator)
    return user


def post(user, title="新的一篇经历"):
    client = Client()
    client.force_login(user)
    response = client.post("/experiences/new/", {"title": title, "body": BODY})
    assert response.status_code == 302
    return Experience.objects.get(title=title), client.get(response["Location"])


@pytest.mark.django_db
def test_a_trusted_authors_post_is_approved_at_once_and_says_why(author):
    experience, page = post(author)
    assert experience.status == Experience.Status.APPROVED
    assert experience.moderated_by is None and experience.moderated_at
    assert "trusted" in experience.approval_note or "可信" in experience.approval_note
    assert "已发布" in page.content.decode()
    assert Client().get(experience.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_new_author_waits_for_a_moderator(make_user):
    experience, page = post(make_user())
    assert experience.status == Experience.Status.PENDING
    assert "已进入审核" in page.content.decode()


@pytest.mark.django_db
def test_a_recent_rejection_or_a_reported_post_in_the_queue_ends_trust(
    author, make_experience, moderator, make_user
):
    rejected = make_experience("被拒的经历", author=author)
    moderation.reject(rejected, moderator=moderator, reason="违反规则")
    assert post(author, "拒绝之后的经历")[0].status == Experience.Status.PENDING
    Experience.objects.filter(pk=rejected.pk).update(
        moderated_at=timezone.now() - datetime.timedelta(days=91)
    )
    assert post(author, "三个月之后的经历")[0].status == Experience.Status.APPROVED
    reported = Experience.objects.get(title="三个月之后的经历")
    Report.objects.create(experience=reported, reporter=make_user(), reason="abuse")
    moderation.hide(reported, moderator=moderator)
    assert post(author, "被举报之后的经历")[0].status == Experience.Status.PENDING


@pytest.mark.django_db
def test_moderators_revoke_and_restore_trust_from_the_queue(author, moderator):
    first, _ = post(author, "撤销前的经历")
    staff = sign_in_staff(Client(), moderator)
    staff.post(
        "/admin/community/experience/",
        {"action": "revoke_trust", "_selected_action": [first.pk]},
    )
    assert Member.objects.get(user=author).trust_revoked
    assert post(author, "撤销后的经历")[0].status == Experience.Status.PENDING
    staff.post(
        "/admin/community/experience/",
        {"action": "restore_trust", "_selected_action": [first.pk]},
    )
    assert post(author, "恢复后的经历")[0].status == Experience.Status.APPROVED


@pytest.mark.django_db
def test_trusted_authors_are_off_when_the_setting_is_zero(settings, author):
    settings.TRUSTED_AUTHOR_APPROVALS = 0
    assert post(author)[0].status == Experience.Status.PENDING


@pytest.mark.django_db
def test_a_rejected_post_sent_again_always_waits_for_a_moderator(
    author, make_experience, moderator
):
    rejected = make_experience("被拒后修改的经历", author=author)
    moderation.reject(rejected, moderator=moderator, reason="请删去单位名称")
    client = Client()
    client.force_login(author)
    client.post(f"/experiences/{rejected.pk}/edit/", {"title": "被拒后修改的经历", "body": BODY})
    rejected.refresh_from_db()
    assert rejected.status == Experience.Status.PENDING and rejected.approval_note == ""
