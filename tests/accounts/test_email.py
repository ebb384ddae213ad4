"""E-mail confirmation at sign-up and e-mail change, and what moderators see of it."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from community.models import Experience, Member
from tests.staff import sign_in_staff

PASSWORD = "a-Long-passw0rd"


def confirmation_link(message):
    return re.search(r"https?://[^/\s]+(/accounts/email/confirm/\S+/)", message.body).group(1)


def sign_up(client, username="newreader", email="new@example.com"):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.django_db
def test_sign_up_sends_a_confirmation_link_that_confirms_the_address(django_user_model):
    client = Client()
    assert sign_up(client).status_code == 302
    user = django_user_model.objects.get(username="newreader")
    assert not Member.objects.get(user=user).email_confirmed
    (message,) = mail.outbox
    assert message.to == ["new@example.com"] and message.alternatives
    response = client.get(confirmation_link(message))
    assert response["Location"] == "/accounts/"
    assert Member.objects.get(user=user).email_confirmed
    again = client.get(confirmation_link(message))
    assert again.status_code == 400


@pytest.mark.django_db
def test_an_unconfirmed_author_may_post_and_the_queue_says_so(moderator):
    client = Client()
    sign_up(client)
    response = client.post(
        "/experiences/new/",
        {
            "title": "我的第一次经历",
            "body": "这是一段足够长的正文，讲述我被催收打扰以后怎么应对的经历。",
        },
    )
    assert response.status_code == 302
    assert Experience.objects.get().status == Experience.Status.PENDING
    queue = sign_in_staff(Client(), moderator).get("/admin/community/experience/")
    assert "newreader" in queue.content.decode()
    assert "邮箱未验证" in queue.content.decode()
    client.get(confirmation_link(mail.outbox[0]))
    queue = sign_in_staff(Client(), moderator).get("/admin/community/experience/")
    assert "邮箱未验证" not in queue.content.decode()


@pytest.mark.django_db
def test_a_new_address_replaces_the_old_one_only_once_confirmed(make_user):
    user = make_user("reader", email="old@example.com")
    client = Client()
    client.force_login(user)
    wrong = client.post("/accounts/", {"email": "new@example.com", "password": "nope"})
    assert wrong.status_code == 200
    assert 'value="new@example.com"' in wrong.content.decode()
    assert not mail.outbox
    sent = client.post("/accounts/", {"email": "new@example.com", "password": "pw-reader"})
    assert sent["Location"] == "/accounts/"
    user.refresh_from_db()
    assert user.email == "old@example.com"
    (message,) = mail.outbox
    assert message.to == ["new@example.com"]
    client.get(confirmation_link(message))
    user.refresh_from_db()
    assert user.email == "new@example.com" and user.member.email_confirmed


@pytest.mark.django_db
def test_an_altered_or_expired_link_gets_a_clear_page_and_changes_nothing(make_user):
    user = make_user("reader", email="old@example.com")
    client = Client()
    client.force_login(user)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post("/accounts/", {"email": "new@example.com", "password": "pw-reader"})
        link = confirmation_link(mail.outbox[0])
        altered = client.get(link[:-3] + "xx/")
        assert altered.status_code == 400 and "无效" in altered.content.decode()
        clock.shift(datetime.timedelta(days=1, seconds=1))
        expired = client.get(link)
        assert expired.status_code == 400 and "过期" in expired.content.decode()
    user.refresh_from_db()
    assert user.email == "old@example.com"


@pytest.mark.django_db
def test_the_account_page_is_only_for_the_signed_in_reader(make_user):
    assert Client().get("/accounts/")["Location"].startswith("/accounts/login/")
    client = Client()
    client.force_login(make_user("reader"))
    page = client.get("/accounts/")
    assert page.status_code == 200
    assert "private" in page["Cache-Control"]
    assert 'href="/experiences/mine/"' in page.content.decode()
