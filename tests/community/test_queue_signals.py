"""The queue shows what a decision needs: the beginning of each post and its warning signs."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from community import moderation
from community.models import Experience
from tests.staff import sign_in_staff

QUEUE = "/admin/community/experience/"


@pytest.mark.django_db
def test_each_row_shows_the_beginning_and_the_signals(make_experience, make_user, moderator):
    veteran = make_user("laoshou", date_joined=timezone.now() - datetime.timedelta(days=90))
    for n in range(2):
        moderation.approve(make_experience(f"通过的{n}", author=veteran), moderator=moderator)
    moderation.reject(make_experience("被拒的", author=veteran), moderator=moderator, reason="否")
    make_experience("老作者的新帖", author=veteran, body="正文" * 150)
    make_experience("新人的帖子", author=make_user("xinren"), body="加我 http://spam.example 了解")
    page = sign_in_staff(Client(), moderator).get(QUEUE).content.decode()
    new_row = page.split("新人的帖子")[-1].split("</tr>")[0]
    old_row = page.split("老作者的新帖")[-1].split("</tr>")[0]
    assert "新账号" in new_row and "首次发帖" in new_row and "含链接" in new_row
    assert "新账号" not in old_row and "首次发帖" not in old_row
    assert "记录：2 篇通过，1 篇未通过" in old_row
    assert "正文" * 100 + "…" in old_row and "正文" * 101 not in old_row


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("signal", "shown"),
    [("new-account", {"新人的帖子"}), ("first-post", {"新人的帖子"}), ("links", {"新人的帖子"})],
)
def test_the_queue_filters_by_signal(make_experience, make_user, moderator, signal, shown):
    veteran = make_user("laoshou", date_joined=timezone.now() - datetime.timedelta(days=90))
    moderation.approve(make_experience("通过的", author=veteran), moderator=moderator)
    make_experience("老作者的新帖", author=veteran)
    make_experience("新人的帖子", author=make_user("xinren"), body="看 www.spam.example 这里")
    page = sign_in_staff(Client(), moderator).get(QUEUE, {"signal": signal}).content.decode()
    titles = {t for t in ("新人的帖子", "老作者的新帖", "通过的") if f">{t}</a>" in page}
    assert titles == shown
    assert Experience.objects.count() == 3
