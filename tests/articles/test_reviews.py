"""Review dates: editors mark articles as reviewed; readers see it; due ones come back weekly."""

import datetime
import json
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from articles import reviews
from articles.models import Article, ReviewReminder
from tests.staff import sign_in_staff

ADMIN = "/admin/articles/article/"


def json_ld(page):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))[0]


@pytest.mark.django_db
def test_the_text_update_date_moves_only_when_published_text_changes(make_article):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    draft.body = "改过的草稿正文"
    draft.save()
    assert draft.text_updated_at is None  # not public yet: not an update
    article = make_article("已发布的文章")
    article.status = Article.Status.DRAFT
    article.save()
    article.status = Article.Status.PUBLISHED
    article.save()
    article.tags.set(["网贷"])
    assert article.text_updated_at is None  # status and tags are not the text
    article.body = "补充了新规定的正文"
    article.save()
    assert article.text_updated_at is not None


@pytest.mark.django_db
def test_an_editor_marks_articles_reviewed_and_the_page_shows_it(
    client, editor, make_article, django_user_model
):
    article = make_article("催收新规解读")
    page = client.get(article.get_absolute_url()).content.decode()  # stored before the review
    assert "最后审核" not in page and "reviewedBy" not in page
    staff = sign_in_staff(client.__class__(), editor)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)):
        staff.post(ADMIN, {"action": "mark_reviewed", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.reviewed_by == editor
    page = client.get(article.get_absolute_url()).content.decode()
    assert '最后审核 <time datetime="2026-11-20T10:00:00Z">2026-11-20</time>' in page
    data = json_ld(page)
    assert data["mainEntityOfPage"]["lastReviewed"].startswith("2026-11-20T10:00:00")
    # No full name: the site's editors, never the admin login.
    assert data["mainEntityOfPage"]["reviewedBy"] == {"@type": "Person", "name": "明白还款编辑部"}
    assert (
        "editor" not in page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    )
    editor.first_name = "李明"
    editor.save()
    article.body += "\n\n补充一段。"
    article.save()  # an edit: a text update, not a review
    page = client.get(article.get_absolute_url()).content.decode()
    data = json_ld(page)
    assert data["mainEntityOfPage"]["reviewedBy"]["name"] == "李明"
    assert "最后更新" in page and data["dateModified"] != data["datePublished"]
    article.refresh_from_db()
    assert article.reviewed_at.date() == datetime.date(2026, 11, 20)


@pytest.mark.django_db
def test_the_due_list_holds_never_and_long_ago_reviewed_public_articles(
    editor_client, editor, make_article, settings
):
    settings.ARTICLE_REVIEW_DAYS = 30
    never = make_article("从未审核")
    stale = make_article("审核已久")
    fresh = make_article("刚审核过")
    make_article("未发布的文章", status=Article.Status.DRAFT)
    Article.objects.filter(pk=stale.pk).update(
        reviewed_at=timezone.now() - datetime.timedelta(days=31)
    )
    reviews.mark_reviewed([fresh], user=editor)
    assert list(reviews.due_for_review()) == [never, stale]
    page = editor_client.get(ADMIN, {"review": "due"}).content.decode()
    titles = {
        t for t in ("从未审核", "审核已久", "刚审核过", "未发布的文章") if f">{t}</a>" in page
    }
    assert titles == {"从未审核", "审核已久"}


@pytest.mark.django_db
def test_editors_get_the_due_list_once_a_week(editor, make_article, make_user):
    editor.email = "editor@example.com"
    editor.save()
    make_user("reader")
    make_article("从未审核的文章")
    monday = datetime.datetime(2026, 12, 7, 1, tzinfo=datetime.UTC)
    with time_machine.travel(monday, tick=False) as clock:
        assert reviews.send_weekly_reminder() == 1
        clock.shift(datetime.timedelta(hours=3))
        assert reviews.send_weekly_reminder() == 0  # this week's went out
        clock.shift(datetime.timedelta(days=7))
        assert reviews.send_weekly_reminder() == 1
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.to == [editor.email]
    assert message.subject == "[明白还款] 1 篇文章需要审核"
    assert "从未审核的文章" in message.body and "?review=due" in message.body
    assert "从未审核的文章" in message.alternatives[0][0]


@pytest.mark.django_db
def test_nothing_due_sends_nothing(editor, make_article):
    reviews.mark_reviewed([make_article("刚审核过")], user=editor)
    assert reviews.send_weekly_reminder() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_mail_server_that_is_down_leaves_the_weeks_list_to_send_later(
    editor, make_article, settings
):
    editor.email = "editor@example.com"
    editor.save()
    make_article("从未审核的文章")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with pytest.raises(OSError):
        reviews.send_weekly_reminder()
    assert not ReviewReminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reviews.send_weekly_reminder() == 1 and len(mail.outbox) == 1
