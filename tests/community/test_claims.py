"""Claims: opening a pending post tells the other moderators someone is on it."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from community import moderation
from community.models import Claim, Experience
from tests.staff import sign_in_staff

QUEUE = "/admin/community/experience/"


@pytest.fixture
def second_moderator(django_user_model):
    user = django_user_model.objects.create_user("xiaozhou", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.mark.django_db
def test_opening_a_pending_post_claims_it_for_fifteen_minutes(
    make_experience, moderator, second_moderator
):
    post = make_experience("待审的经历")
    first, second = sign_in_staff(Client(), moderator), sign_in_staff(Client(), second_moderator)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first.get(f"{QUEUE}{post.pk}/change/")
        assert Claim.objects.get().moderator == moderator
        page = second.get(f"{QUEUE}{post.pk}/change/").content.decode()
        assert "Moderator 正在审核这篇经历" in page  # the admin capitalises messages
        assert Claim.objects.get().moderator == moderator  # not taken over
        assert "moderator" in second.get(QUEUE).content.decode().split("待审的经历")[-1]
        clock.shift(datetime.timedelta(minutes=16))  # claims end by themselves
        page = second.get(f"{QUEUE}{post.pk}/change/").content.decode()
        assert "正在审核这篇经历" not in page
        assert Claim.objects.get().moderator == second_moderator


@pytest.mark.django_db
def test_deciding_on_a_post_someone_else_claimed_warns_and_ends_the_claim(
    make_experience, moderator, second_moderator
):
    post = make_experience("待审的经历")
    sign_in_staff(Client(), moderator).get(f"{QUEUE}{post.pk}/change/")
    response = sign_in_staff(Client(), second_moderator).post(
        QUEUE, {"action": "approve_selected", "_selected_action": [post.pk]}, follow=True
    )
    assert "另一位审核员正在审核" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Experience.Status.APPROVED and post.moderated_by == second_moderator
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_two_decisions_at_once_record_one(make_experience, moderator, second_moderator):
    post = make_experience("待审的经历")
    seen_by_first = Experience.objects.get(pk=post.pk)
    seen_by_second = Experience.objects.get(pk=post.pk)
    moderation.approve(seen_by_first, moderator=moderator)
    with pytest.raises(moderation.AlreadyDecided):
        moderation.reject(seen_by_second, moderator=second_moderator, reason="晚了一步")
    post.refresh_from_db()
    assert post.status == Experience.Status.APPROVED and post.moderated_by == moderator
