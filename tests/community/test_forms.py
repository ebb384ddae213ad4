"""Every community form: CSRF enforced, hostile input escaped, bad input refused cleanly."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from community.models import Experience

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
GOOD = {"title": "一段正常的经历标题", "body": "这是一段足够长的正文，超过二十个字，讲述我的经历。"}


@pytest.fixture
def author_client(make_user):
    client = Client()
    client.force_login(make_user("author"))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, data",
    [
        ("/accounts/signup/", {"username": "u1", "email": "u1@example.com"}),
        ("/accounts/login/", {"username": "author", "password": "pw-reader"}),
        ("/accounts/logout/", {}),
        ("/experiences/new/", GOOD),
    ],
)
def test_every_post_needs_a_csrf_token(make_user, url, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("author"))
    assert client.post(url, data).status_code == 403
    assert not Experience.objects.exists()


@pytest.mark.django_db
def test_report_needs_a_csrf_token(make_user, make_experience):
    experience = make_experience(status=Experience.Status.APPROVED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    assert (
        client.post(f"/experiences/{experience.pk}/report/", {"reason": "abuse"}).status_code == 403
    )
    assert not experience.reports.exists()


@pytest.mark.django_db
def test_xss_in_title_body_tags_and_username_is_escaped_everywhere(
    client, make_experience, make_user, moderator
):
    author = make_user("<b>evil</b>")
    experience = make_experience(
        title="标题" + XSS,
        body="正文正文正文正文正文正文" + XSS,
        author=author,
        status=Experience.Status.APPROVED,
        tags=["<i>tag</i>"],
    )
    staff = Client()
    staff.force_login(moderator)
    pages = [
        client.get(experience.get_absolute_url()),
        client.get("/experiences/"),
        client.get("/"),
        staff.get("/admin/community/experience/"),
        staff.get(f"/admin/community/experience/{experience.pk}/change/"),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b>evil</b>" not in html
        assert "<i>tag</i>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field",
    [
        ({**GOOD, "title": ""}, "title"),
        ({**GOOD, "title": "短"}, "title"),
        ({**GOOD, "title": "长" * 81}, "title"),
        ({**GOOD, "title": "null\x00byte title"}, "title"),
        ({**GOOD, "body": ""}, "body"),
        ({**GOOD, "body": "太短了"}, "body"),
        ({**GOOD, "body": "长" * 5001}, "body"),
        ({**GOOD, "body": "正文里有空字符\x00" * 5}, "body"),
        ({**GOOD, "tags": "一,二,三,四,五,六"}, "tags"),
        ({**GOOD, "tags": "这个标签实在是太长太长太长了超过二十个字了吧"}, "tags"),
        ({**GOOD, "tags": "a\x00b"}, "tags"),
        ({**GOOD, "article": "no-such-article"}, "article"),
    ],
)
def test_bad_experience_input_gives_a_form_error_and_stores_nothing(author_client, data, field):
    response = author_client.post("/experiences/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Experience.objects.exists()


def sign_up_data(**changes):
    data = {"username": "okname", "email": "a@example.com"}
    data.update(password1="Pw-12345678", password2="Pw-12345678")
    return {**data, **changes}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        sign_up_data(username="", password1="", password2=""),
        sign_up_data(username="x\x00y"),
        sign_up_data(username="u" * 200),
        sign_up_data(email="not-an-email"),
        sign_up_data(password2="other"),
        sign_up_data(email=""),
    ],
)
def test_bad_sign_up_input_gives_a_form_error_and_creates_no_user(client, data):
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_owner_is_set_by_the_view_never_by_the_form(author_client, make_user):
    victim = make_user("victim")
    author_client.post("/experiences/new/", {**GOOD, "author": victim.pk, "status": "approved"})
    experience = Experience.objects.get()
    assert experience.author.username == "author"
    assert experience.status == Experience.Status.PENDING
