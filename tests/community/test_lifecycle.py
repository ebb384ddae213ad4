"""The whole life of a post, through real HTTP and the real admin."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client

from community.models import Experience
from tests.staff import sign_in_staff

QUEUE = "/admin/community/experience/"


def sign_up(username):
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return client


@pytest.mark.django_db
def test_life_of_a_post_from_sign_up_to_rejection(
    moderator, make_article, make_established_reader, django_capture_on_commit_callbacks
):
    make_article("相关文章", slug="xiangguan")
    author = sign_up("xiaowang")
    (confirmation,) = mail.outbox  # the link that confirms the address
    mail.outbox.clear()

    # Post: stored pending, phone masked, the author told what happens next.
    response = author.post(
        "/experiences/new/",
        {
            "title": "网贷逾期后被爆通讯录",
            "body": "催收打给我的同事，还留下号码 13812345678 让我回电，我整理了录音去投诉。",
            "tags": "爆通讯录, 网贷",
            "article": "xiangguan",
        },
        follow=True,
    )
    experience = Experience.objects.get()
    assert experience.status == Experience.Status.PENDING
    assert experience.article.slug == "xiangguan"
    assert "138****5678" in experience.body and "13812345678" not in experience.body
    html = response.content.decode()
    assert "已进入审核" in html
    assert "已遮盖 1 处个人信息" in html
    url = experience.get_absolute_url()

    # Invisible to others, visible to its author with its status.
    assert Client().get(url).status_code == 404
    assert sign_up("passerby").get(url).status_code == 404
    own = author.get(url).content.decode()
    assert "待审核" in own and "网贷逾期后被爆通讯录" in own

    # A moderator (staff in Moderators, not a superuser) approves it from the queue.
    assert not moderator.is_superuser
    staff = Client()
    sign_in_staff(staff, moderator)
    # E-mails leave once the decision is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            QUEUE, {"action": "approve_selected", "_selected_action": [experience.pk]}, follow=True
        )
    assert response.status_code == 200
    experience.refresh_from_db()
    assert experience.status == Experience.Status.APPROVED
    assert experience.moderated_by == moderator and experience.moderated_at
    assert LogEntry.objects.filter(object_id=str(experience.pk), user=moderator).count() == 1

    # Public now.
    assert Client().get(url).status_code == 200
    assert "网贷逾期后被爆通讯录" in Client().get("/experiences/").content.decode()

    # Three readers with established accounts report it: back to pending and gone
    # from the public site (tests/community/test_reports.py: how reports are weighed).
    for n in range(3):
        reader = Client()
        reader.force_login(make_established_reader(f"reader{n}"))
        response = reader.post(f"{url}report/", {"reason": "personal_data"})
        assert response.status_code == 302
    experience.refresh_from_db()
    assert experience.status == Experience.Status.PENDING
    assert experience.reports.count() == 3
    assert Client().get(url).status_code == 404
    assert "网贷逾期后被爆通讯录" not in Client().get("/experiences/").content.decode()

    # Rejected with a reason, asked for on an intermediate page.
    form = staff.post(QUEUE, {"action": "reject_selected", "_selected_action": [experience.pk]})
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            QUEUE,
            {
                "action": "reject_selected",
                "_selected_action": [experience.pk],
                "reason": "请删去同事的工作单位信息后再提交。",
            },
        )
    experience.refresh_from_db()
    assert experience.status == Experience.Status.REJECTED
    assert LogEntry.objects.filter(object_id=str(experience.pk), user=moderator).count() == 2

    # The author sees the reason and has two e-mails, one per decision.
    mine = author.get("/experiences/mine/").content.decode()
    assert "请删去同事的工作单位信息后再提交。" in mine
    assert "未通过" in mine
    to_author = [m for m in mail.outbox if m.to == ["xiaowang@example.com"]]
    assert len(to_author) == 2
    assert "已通过" in to_author[0].subject
    assert "请删去同事的工作单位信息后再提交。" in to_author[1].body
    html, kind = to_author[1].alternatives[0]
    assert kind == "text/html" and "请删去同事的工作单位信息后再提交。" in html


@pytest.mark.django_db
def test_rejected_post_is_edited_and_resubmitted_as_the_same_pending_row(
    client, make_experience, make_user, moderator
):
    author = make_user()
    experience = make_experience(
        author=author, status=Experience.Status.REJECTED, rejection_reason="请去掉电话"
    )
    client.force_login(author)
    edit_url = f"{experience.get_absolute_url()}edit/"
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url,
        {
            "title": "修改后的标题",
            "body": "已经去掉了电话，改成联系 zhang.san@example.com 也不行。",
        },
    )
    assert response.status_code == 302
    assert Experience.objects.count() == 1
    experience.refresh_from_db()
    assert experience.status == Experience.Status.PENDING
    assert "z***@example.com" in experience.body

    # Nobody else can open the edit page, and a pending post is not editable.
    other = Client()
    other.force_login(make_user())
    assert other.get(edit_url).status_code == 404
    assert client.get(edit_url).status_code == 404


@pytest.mark.django_db
def test_reject_without_a_reason_asks_again_and_changes_nothing(moderator, make_experience):
    experience = make_experience()
    staff = Client()
    sign_in_staff(staff, moderator)
    response = staff.post(
        QUEUE,
        {"action": "reject_selected", "_selected_action": [experience.pk], "reason": ""},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    experience.refresh_from_db()
    assert experience.status == Experience.Status.PENDING
    assert mail.outbox == []


@pytest.mark.django_db
def test_moderator_hides_an_approved_post_from_its_page(moderator, make_experience):
    experience = make_experience(status=Experience.Status.APPROVED)
    staff = Client()
    sign_in_staff(staff, moderator)
    change = staff.get(f"{QUEUE}{experience.pk}/change/").content.decode()
    hide_url = f"{QUEUE}{experience.pk}/hide/"
    assert hide_url in change
    assert staff.get(hide_url).status_code == 200
    assert staff.post(hide_url).status_code == 302
    experience.refresh_from_db()
    assert experience.status == Experience.Status.PENDING
    assert Client().get(experience.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_reader_reports_a_post_only_once(client, make_experience, make_user):
    experience = make_experience(status=Experience.Status.APPROVED)
    client.force_login(make_user())
    url = f"{experience.get_absolute_url()}report/"
    client.post(url, {"reason": "abuse"})
    response = client.post(url, {"reason": "fraud"}, follow=True)
    assert experience.reports.count() == 1
    assert "已经举报过" in response.content.decode()


@pytest.mark.django_db
def test_report_needs_a_reason_from_the_list_and_a_login(client, make_experience, make_user):
    experience = make_experience(status=Experience.Status.APPROVED)
    url = f"{experience.get_absolute_url()}report/"
    assert client.post(url, {"reason": "abuse"}).status_code == 302  # to the login page
    client.force_login(make_user())
    client.post(url, {"reason": "<script>"})
    assert experience.reports.count() == 0


@pytest.mark.django_db
def test_reports_before_the_last_decision_do_not_count_again(
    make_experience, make_established_reader, moderator
):
    from community import moderation

    experience = make_experience(status=Experience.Status.APPROVED)
    for _ in range(3):
        moderation.report(experience, reporter=make_established_reader(), reason="abuse")
    experience.refresh_from_db()
    assert experience.status == Experience.Status.PENDING
    moderation.approve(experience, moderator=moderator)
    moderation.report(experience, reporter=make_established_reader(), reason="abuse")
    experience.refresh_from_db()
    assert experience.status == Experience.Status.APPROVED


@pytest.mark.django_db
def test_queue_lists_pending_first_oldest_first_with_report_counts(
    client, moderator, make_experience, make_user
):
    from community.models import Report

    approved = make_experience("已通过", status=Experience.Status.APPROVED)
    old_pending = make_experience("早的待审核")
    make_experience("晚的待审核")
    Experience.objects.filter(pk=old_pending.pk).update(
        created_at=old_pending.created_at.replace(year=2025)
    )
    Report.objects.create(experience=approved, reporter=make_user(), reason="abuse")
    sign_in_staff(client, moderator)
    response = client.get(QUEUE)
    rows = list(response.context["cl"].result_list)
    assert [r.title for r in rows] == ["早的待审核", "晚的待审核", "已通过"]
    assert rows[2].report_total == 1
    html = response.content.decode()
    for column in [
        "column-title",
        "column-author",
        "column-age",
        "column-report_count",
        "column-status",
    ]:
        assert column in html


@pytest.mark.django_db
def test_a_rejected_post_about_an_article_can_be_resubmitted(
    client, make_experience, make_user, make_article
):
    article = make_article(slug="about")
    author = make_user()
    experience = make_experience(
        author=author, article=article, status=Experience.Status.REJECTED, rejection_reason="改"
    )
    client.force_login(author)
    form = client.get(f"/experiences/{experience.pk}/edit/").content.decode()
    assert 'name="article" value="about"' in form
    response = client.post(
        f"/experiences/{experience.pk}/edit/",
        {
            "title": "改过的标题",
            "body": "这是一段足够长的正文，已经超过了二十个字的下限。",
            "article": "about",
        },
    )
    assert response.status_code == 302
    experience.refresh_from_db()
    assert (experience.status, experience.article) == (Experience.Status.PENDING, article)


@pytest.mark.django_db
def test_a_mail_server_that_is_down_never_undoes_or_stops_decisions(
    settings, moderator, make_experience, django_capture_on_commit_callbacks
):
    # The real SMTP backend against a closed local port: sending fails.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    posts = [make_experience(f"帖子标题{n}") for n in range(2)]
    staff = Client()
    sign_in_staff(staff, moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            QUEUE, {"action": "approve_selected", "_selected_action": [p.pk for p in posts]}
        )
    assert response.status_code == 302
    assert Experience.objects.approved().count() == 2
    assert LogEntry.objects.filter(user=moderator).count() == 2
