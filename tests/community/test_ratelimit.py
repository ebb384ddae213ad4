"""Rate limits: counted in the shared cache, a clear refusal over the limit, nothing stored."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from community.models import Experience

GOOD = {"title": "一段正常的经历标题", "body": "这是一段足够长的正文，超过二十个字，讲述我的经历。"}


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "experience": 2, "report": 2, "signup": 2}
    return settings.RATE_LIMITS


@pytest.mark.django_db
def test_posts_over_the_hourly_limit_get_429_and_store_nothing(limits, client, make_user):
    client.force_login(make_user())
    for _ in range(2):
        assert client.post("/experiences/new/", GOOD).status_code == 302
    response = client.post("/experiences/new/", GOOD)
    assert response.status_code == 429
    assert "过去一小时内提交次数过多" in response.content.decode()
    assert Experience.objects.count() == 2


@pytest.mark.django_db
def test_invalid_posts_do_not_use_up_the_allowance(limits, client, make_user):
    client.force_login(make_user())
    for _ in range(5):
        client.post("/experiences/new/", {**GOOD, "body": "太短"})
    assert client.post("/experiences/new/", GOOD).status_code == 302


@pytest.mark.django_db
def test_limit_is_per_user(limits, make_user):
    for _ in range(2):
        client = Client()
        client.force_login(make_user())
        for _ in range(2):
            assert client.post("/experiences/new/", GOOD).status_code == 302
    assert Experience.objects.count() == 4


@pytest.mark.django_db
def test_sign_ups_over_the_limit_from_one_address_get_429(limits):
    codes = []
    for n in range(3):
        data = {"username": f"user{n}", "email": f"u{n}@example.com"}
        data.update(password1="Pw-long-12345", password2="Pw-long-12345")
        codes.append(Client().post("/accounts/signup/", data).status_code)
    assert codes == [302, 302, 429]
    assert get_user_model().objects.count() == 2


@pytest.mark.django_db
def test_reports_over_the_limit_get_429(limits, client, make_user, make_experience):
    client.force_login(make_user())
    posts = [make_experience(status=Experience.Status.APPROVED) for _ in range(3)]
    codes = [
        client.post(f"/experiences/{p.pk}/report/", {"reason": "abuse"}).status_code for p in posts
    ]
    assert codes == [302, 302, 429]
    assert sum(p.reports.count() for p in posts) == 2
