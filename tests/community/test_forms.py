"""Every community form: CSRF enforced, hostile input escaped, bad input refused cleanly."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from community.models import Experience
from tests.staff import sign_in_staff

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
    sign_in_staff(staff, moderator)
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


@pytest.mark.django_db
def test_text_that_masking_makes_too_long_is_a_form_error(author_client):
    title = "联系" + "长" * 60 + "a@b.cn"  # 68 characters; masked, a***@b.cn makes it 71
    assert len(title) <= 80
    long_title = "联系" + "长" * 72 + "a@b.cn"  # 80 characters; masked, 83
    response = author_client.post("/experiences/new/", {**GOOD, "title": long_title})
    assert response.status_code == 200
    assert "遮盖" in str(response.context["form"].errors["title"])
    assert not Experience.objects.exists()
    assert author_client.post("/experiences/new/", {**GOOD, "title": title}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("tags", ["13812345678", "网贷, 加我 zhang@example.com"])
def test_tags_with_personal_data_are_refused(author_client, tags):
    response = author_client.post("/experiences/new/", {**GOOD, "tags": tags})
    assert "tags" in response.context["form"].errors
    assert not Experience.objects.exists()


@pytest.mark.django_db
def test_tag_only_on_a_pending_post_has_no_public_page(client, make_experience):
    make_experience(tags=["加微信借钱"])
    assert client.get("/tags/加微信借钱/").status_code == 404
    assert client.get("/experiences/", {"tag": "加微信借钱"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/experiences/?tag=%00", "/experiences/?tag=a%00b", "/experiences/?page=%00"]
)
def test_null_bytes_in_query_strings_are_a_clean_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_null_bytes_in_the_article_field_are_a_form_error(author_client):
    assert author_client.get("/experiences/new/?article=%00").status_code == 200
    response = author_client.post("/experiences/new/", {**GOOD, "article": "a\x00b"})
    assert response.status_code == 200
    assert "article" in response.context["form"].errors
