"""Delete my account and download my data: the reader's rights to leave and to a copy."""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import models
from django.test import Client

from community.models import DELETED_AUTHOR, Experience, Report
from community.moderation import approve, reject


@pytest.fixture
def leaver(make_user, make_article, moderator):
    """A reader with a post in every state, a report, a vote and a moderator's decision."""
    user = make_user("leaver")
    article = make_article("文章")
    posts = {
        status: Experience.objects.create(
            author=user, title=f"我的{status}经历", body="这是一段足够长的正文，讲述我的经历。",
            article=article,
        )
        for status in ("approved", "rejected", "pending")
    }  # fmt: skip
    approve(posts["approved"], moderator=moderator)
    reject(posts["rejected"], moderator=moderator, reason="请去掉对方的姓名")
    LogEntry.objects.log_actions(
        moderator.pk, [posts["approved"]], CHANGE, change_message="批准", single_object=True
    )
    other = Experience.objects.create(
        author=make_user(), title="别人的经历", body="这是另一段足够长的正文，讲述经历。"
    )
    approve(other, moderator=moderator)
    Report.objects.create(experience=other, reporter=user, reason=Report.Reason.ABUSE)
    client = Client()
    client.force_login(user)
    client.post(f"{article.get_absolute_url()}helpful/")
    mail.outbox.clear()
    return user, client, posts


def rows_pointing_at(user_pk):
    """Every row of every model with a foreign key or one-to-one link to the user."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey | models.OneToOneField)
                and field.related_model is not None
                and field.related_model._meta.label == settings.AUTH_USER_MODEL
            ):
                rows = model._default_manager.filter(**{field.name: user_pk})
                found += [f"{model._meta.label}.{field.name}={row.pk}" for row in rows]
    return found


def delete(client, choice, password="pw-reader"):  # noqa: S107  (the test password)
    return client.post("/accounts/delete/", {"approved_posts": choice, "password": password})


@pytest.mark.django_db
@pytest.mark.parametrize("choice", ["keep", "delete"])
def test_deleting_leaves_nothing_of_the_reader(leaver, choice):
    user, client, posts = leaver
    assert rows_pointing_at(user.pk)  # the walk finds what there is
    response = delete(client, choice)
    assert response["Location"] == "/"
    assert rows_pointing_at(user.pk) == []
    assert not type(user).objects.filter(pk=user.pk).exists()
    kept = Experience.objects.filter(pk=posts["approved"].pk).first()
    if choice == "keep":
        assert kept.author is None and kept.status == Experience.Status.APPROVED
        page = Client().get(kept.get_absolute_url()).content.decode()
        assert str(DELETED_AUTHOR) in page and "leaver" not in page
    else:
        assert kept is None
    assert not Experience.objects.filter(pk__in=[posts["rejected"].pk, posts["pending"].pk])
    assert not Report.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["leaver@example.com"] and message.alternatives
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")  # signed out


@pytest.mark.django_db
def test_the_admin_history_keeps_the_decisions_on_a_kept_post(leaver, moderator):
    user, client, posts = leaver
    delete(client, "keep")
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Experience),
        object_id=str(posts["approved"].pk),
    )
    assert [entry.change_message for entry in history] == ["批准"]
    assert history.get().user == moderator


@pytest.mark.django_db
def test_deleting_needs_the_password_and_a_post_with_csrf(leaver):
    user, client, _ = leaver
    wrong = delete(client, "delete", password="wrong")
    assert wrong.status_code == 200
    assert 'value="delete" checked' in wrong.content.decode() or "checked" in wrong.content.decode()
    assert client.get("/accounts/delete/").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert delete(strict, "delete").status_code == 403
    assert type(user).objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_the_export_holds_everything_and_reads_back(leaver):
    user, client, posts = leaver
    response = client.get("/accounts/export/")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert "我的approved经历" in text and "\\u" not in text
    data = json.loads(text)
    assert data["format"] == "portal-account-export/1"
    assert data["account"]["username"] == "leaver"
    assert data["account"]["email"] == "leaver@example.com"
    exported = {post["id"]: post for post in data["posts"]}
    assert set(exported) == {post.pk for post in posts.values()}
    for post in posts.values():
        post.refresh_from_db()
        assert exported[post.pk]["title"] == post.title
        assert exported[post.pk]["body"] == post.body
        assert exported[post.pk]["status"] == post.status
        assert exported[post.pk]["history"][0] == {
            "event": "submitted",
            "at": post.created_at.isoformat(),
        }
    rejected = exported[posts["rejected"].pk]["history"][-1]
    assert rejected["event"] == "rejected" and rejected["reason"] == "请去掉对方的姓名"
    assert [report["reason"] for report in data["reports"]] == ["abuse"]
    assert [vote["title"] for vote in data["helpful_votes_this_session"]] == ["文章"]


@pytest.mark.django_db
def test_export_and_delete_are_only_for_the_signed_in_owner():
    for url in ("/accounts/export/", "/accounts/delete/"):
        assert Client().get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_kept_post_of_a_reader_who_left_can_still_be_moderated(leaver, moderator):
    user, client, posts = leaver
    delete(client, "keep")
    kept = Experience.objects.get(pk=posts["approved"].pk)
    reject(kept, moderator=moderator, reason="已过时")
    kept.refresh_from_db()
    assert kept.status == Experience.Status.REJECTED and kept.author_name == DELETED_AUTHOR
    assert len(mail.outbox) == 1  # the deletion notice only: nobody to tell


@pytest.mark.django_db
def test_staff_accounts_are_closed_by_an_administrator_not_by_themselves(moderator):
    from tests.staff import sign_in_staff

    staff = sign_in_staff(Client(), moderator)
    assert staff.get("/accounts/delete/").status_code == 403
    assert delete(staff, "delete", password="pw-moderator").status_code == 403
    assert type(moderator).objects.filter(pk=moderator.pk).exists()


@pytest.mark.django_db
def test_a_mail_server_that_is_down_stops_nothing(settings, make_user):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    user = make_user("leaving")
    client = Client()
    client.force_login(user)
    assert delete(client, "delete")["Location"] == "/"
    assert not type(user).objects.filter(pk=user.pk).exists()
    reset = Client().post("/accounts/password/reset/", {"email": "someone@example.com"})
    assert reset["Location"] == "/accounts/password/reset/sent/"
