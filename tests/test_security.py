"""Security headers on every page, and logins throttled against password guessing."""

import pytest
from django.test import Client

PAGES = ["/", "/articles/", "/experiences/", "/search/?q=征信", "/accounts/login/",
         "/accounts/signup/", "/admin/login/", "/no-such-page/"]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_the_security_headers(client, url, make_article):
    make_article()
    response = client.get(url)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"  # no inline or eval'd scripts
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_pages_have_no_inline_scripts(client, make_article):
    import re

    article = make_article(tags=["网贷"])
    for url in ["/", article.get_absolute_url(), "/accounts/login/"]:
        html = client.get(url).content.decode()
        for attributes in re.findall(r"<script([^>]*)>", html):
            assert "src=" in attributes or "application/ld+json" in attributes, (url, attributes)


@pytest.fixture
def few_logins(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": 3, "login-user": 5}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_password_guessing_is_throttled(few_logins, django_user_model, url):
    django_user_model.objects.create_user("victim", password="right-Passw0rd", is_staff=True)
    client = Client()
    codes = [client.post(url, {"username": "victim", "password": f"guess{n}"}).status_code
             for n in range(3)]  # fmt: skip
    assert codes == [200, 200, 200]  # the form again, with an error
    blocked = client.post(url, {"username": "victim", "password": "right-Passw0rd"})
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_throttle_counts_per_username_too(few_logins, django_user_model):
    django_user_model.objects.create_user("victim", password="right-Passw0rd")
    for n in range(5):
        Client(REMOTE_ADDR=f"10.0.0.{n}").post(
            "/accounts/login/", {"username": "victim", "password": "wrong"}
        )
    response = Client(REMOTE_ADDR="10.0.0.99").post(
        "/accounts/login/", {"username": "victim", "password": "right-Passw0rd"}
    )
    assert response.status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("spelling", ["victim ", "\tvictim", "ｖictim", "victim\u3000", "VICTIM"])
def test_the_throttle_counts_the_name_as_authentication_reads_it(
    few_logins, django_user_model, url, spelling
):
    django_user_model.objects.create_user("victim", password="right-Passw0rd", is_staff=True)
    client = Client()
    for n in range(3):
        client.post(url, {"username": "victim", "password": f"guess{n}"})
    blocked = client.post(url, {"username": spelling, "password": "right-Passw0rd"})
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_normal_login_still_works(few_logins, django_user_model):
    django_user_model.objects.create_user("reader", password="right-Passw0rd")
    client = Client()
    response = client.post("/accounts/login/", {"username": "reader", "password": "right-Passw0rd"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_csrf_failure_is_a_403_in_the_site_style(make_article):
    article = make_article()
    response = Client(enforce_csrf_checks=True).post(f"{article.get_absolute_url()}helpful/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>请重试</h1>" in html
    assert 'lang="zh-Hans"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["/accounts/login/", "/accounts/login/?next=/"])
def test_a_signed_in_reader_sent_back_to_the_login_page_lands_on_their_posts(
    django_user_model, next_url
):
    client = Client()
    client.force_login(django_user_model.objects.create_user("reader"))
    response = client.get("/accounts/login/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/experiences/mine/"


@pytest.mark.django_db
def test_invalid_sign_up_forms_count_too(settings):
    """A form's errors say whether a name is taken: asking many times is limited."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-attempt": 3}
    client = Client()
    mismatched = {"username": "chen_mama", "email": "a@example.com"}
    mismatched.update(password1="a-Long-passw0rd", password2="another-Passw0rd")
    answers = [client.post("/accounts/signup/", mismatched) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert "输入的两个密码不一致" in answers[0].content.decode()
    blocked = client.post("/accounts/signup/", mismatched).content.decode()
    assert 'value="chen_mama"' in blocked  # filled again, but not checked:
    assert "输入的两个密码不一致" not in blocked and "已存在" not in blocked


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("chen_mam\u0430", True),  # Cyrillic а
        ("CHEN_MAMA", True),
        ("ｃhen_mama", True),  # full-width ｃ
        ("chen_marna", False),  # a different name, if close
        ("chen_mama", True),
        ("chen_mama2", False),
        ("陈mama", False),
        ("BOB", True),
        ("bob", True),
    ],
)
def test_names_that_look_like_an_existing_one_are_refused(make_user, name, refused):
    make_user("chen_mama")
    make_user("B0B")  # a zero: "BOB" below would pass for it
    response = Client().post(
        "/accounts/signup/",
        {
            "username": name,
            "email": "new@example.com",
            "password1": "a-Long-passw0rd",
            "password2": "a-Long-passw0rd",
        },
    )
    assert (response.status_code == 200) is refused
    page = response.content.decode()
    assert ("太像" in page or "已存在" in page) is refused
