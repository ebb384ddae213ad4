"""Approve and Reject on each row of the queue, without JavaScript."""

import pytest
from django.core import mail
from django.test import Client

from community import moderation
from community.models import Claim, Experience, SavedReason
from tests.staff import sign_in_staff

QUEUE = "/admin/community/experience/"


def approve_url(post):
    return f"{QUEUE}{post.pk}/approve/"


def reject_url(post):
    return f"{QUEUE}{post.pk}/reject/"


@pytest.fixture
def staff(moderator):
    return sign_in_staff(Client(), moderator)


@pytest.mark.django_db
def test_pending_rows_carry_buttons_inside_the_queue_form(staff, make_experience, moderator):
    pending = make_experience("等待审核的帖子")
    approved = make_experience("已经通过的帖子")
    moderation.approve(approved, moderator=moderator)
    page = staff.get(QUEUE, {"signal": "first-post"}).content.decode()
    form = page.split('id="changelist-form"')[1].split("</form>")[0]
    assert f'formaction="{approve_url(pending)}"' in form
    assert f'formaction="{reject_url(pending)}"' in form
    assert approve_url(approved) not in form
    # The buttons come back to the queue as it was filtered.
    assert 'name="next" value="/admin/community/experience/?signal=first-post"' in form


@pytest.mark.django_db
def test_approve_on_a_row_decides_mails_and_goes_back_to_the_filtered_queue(
    staff, make_experience, django_capture_on_commit_callbacks
):
    post = make_experience("等待审核的帖子")
    next_url = f"{QUEUE}?signal=first-post"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(approve_url(post), {"next": next_url, "action": ""})
    assert response.status_code == 302 and response["Location"] == next_url
    post.refresh_from_db()
    assert post.status == Experience.Status.APPROVED
    assert len(mail.outbox) == 1
    page = staff.get(next_url).content.decode()
    assert "已通过：等待审核的帖子" in page


@pytest.mark.django_db
def test_reject_on_a_row_offers_the_saved_reasons_and_records_the_one_picked(
    staff, make_experience
):
    post = make_experience("等待审核的帖子")
    # Pressed on the row: the form, with the saved reasons to pick from.
    page = staff.post(reject_url(post), {"next": QUEUE}).content.decode()
    assert 'type="radio"' in page and "广告引流" in page and "等待审核的帖子" in page
    saved = SavedReason.objects.get(label="广告引流")
    response = staff.post(
        reject_url(post), {"decide": "1", "saved": saved.pk, "reason": "第二段有联系方式。"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Experience.Status.REJECTED
    assert post.rejection_reason == saved.text + "\n第二段有联系方式。"


@pytest.mark.django_db
def test_reject_without_a_reason_comes_back_filled_and_decides_nothing(staff, make_experience):
    post = make_experience("等待审核的帖子")
    response = staff.post(reject_url(post), {"decide": "1", "reason": "  ", "next": QUEUE})
    page = response.content.decode()
    assert response.status_code == 200 and "请选择一条常用理由或自己填写" in page
    assert f'name="next" value="{QUEUE}"' in page
    post.refresh_from_db()
    assert post.status == Experience.Status.PENDING


@pytest.mark.django_db
def test_a_post_decided_meanwhile_is_left_as_it_is(staff, make_experience, make_user):
    post = make_experience("等待审核的帖子")
    other = make_user("other_mod", is_staff=True)
    moderation.reject(post, moderator=other, reason="先拒绝了")
    response = staff.post(approve_url(post), {"next": QUEUE}, follow=True)
    assert "在此期间已由他人处理" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Experience.Status.REJECTED and post.moderated_by == other
    staff.post(reject_url(post), {"decide": "1", "reason": "再拒绝一次"})
    post.refresh_from_db()
    assert post.rejection_reason == "先拒绝了"


@pytest.mark.django_db
def test_deciding_a_post_someone_else_claimed_warns(staff, make_experience, make_user):
    post = make_experience("等待审核的帖子")
    moderation.claim(post, moderator=make_user("laowang", is_staff=True))
    response = staff.post(approve_url(post), {"next": QUEUE}, follow=True)
    assert "另一位审核员正在审核：等待审核的帖子" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Experience.Status.APPROVED
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_the_buttons_need_the_csrf_token_and_a_post(moderator, make_experience):
    post = make_experience("等待审核的帖子")
    client = sign_in_staff(Client(enforce_csrf_checks=True), moderator)
    assert client.post(approve_url(post)).status_code == 403
    assert client.get(approve_url(post)).status_code == 302  # a link cannot approve
    post.refresh_from_db()
    assert post.status == Experience.Status.PENDING


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/accounts/"])
def test_next_only_leads_back_into_the_queue(staff, make_experience, target):
    post = make_experience("等待审核的帖子")
    response = staff.post(approve_url(post), {"next": target})
    assert response["Location"] == QUEUE


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "javascript:alert(1)"])
def test_the_reject_pages_cancel_link_stays_in_the_queue(staff, make_experience, target):
    post = make_experience("等待审核的帖子")
    page = staff.get(reject_url(post), {"next": target}).content.decode()
    assert target not in page
    assert f'href="{QUEUE}" class="button cancel-link"' in page


@pytest.mark.django_db
def test_readers_cannot_use_the_buttons(client, make_user, make_experience):
    post = make_experience("等待审核的帖子")
    client.force_login(make_user("reader"))
    response = client.post(approve_url(post))
    assert response.status_code == 302 and "/login/" in response["Location"]
    post.refresh_from_db()
    assert post.status == Experience.Status.PENDING
