"""Redis stopped: the site answers, takes edits and counts limits; Redis back: the cache is used.

Each test runs a Redis of its own (tests/servers.py: own_redis) as the default
cache, with sessions in the cache and the database as in production, and
stops it for real. The breaker's intervals pass on time-machine's clock.
"""

import logging
import time

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from caching.backends import RedisCache
from caching.models import Counter
from caching.signals import cache_reconnected
from community.models import Experience
from tests.pages import anonymous_html, article_form
from tests.servers import own_redis
from tests.staff import sign_in_staff

RETRY_SECONDS = 1
LOG_SECONDS = 60
PASSWORD = "pw-reader"
QUEUE = "/admin/community/experience/"
GOOD_POST = {
    "title": "一段正常的经历标题",
    "body": "这是一段足够长的正文，超过二十个字，讲述我的经历。",
}


@pytest.fixture
def redis_server(settings):
    """A Redis of the test's own as the default cache, sessions cached in it as in production."""
    with own_redis() as server:
        settings.CACHES = server.cache_setting(
            settings.CACHES, RETRY_SECONDS=RETRY_SECONDS, LOG_SECONDS=LOG_SECONDS
        )
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        yield server


@pytest.fixture
def clock():
    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def site(make_article, make_experience):
    """An article with a tag and an approved post about it."""
    article = make_article("网贷逾期怎么办", tags=["逾期"])
    post = make_experience("和催收协商成功", article=article, status=Experience.Status.APPROVED)
    return article, post


def public_urls(article, post):
    return ["/", "/articles/", article.get_absolute_url(), "/experiences/", post.get_absolute_url()]


def signed_in(user):
    """A client signed in through the login form, as a reader signs in."""
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def warnings_in(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.django_db
def test_public_pages_answer_while_redis_is_stopped(redis_server, site):
    article, post = site
    redis_server.stop()
    for url in public_urls(article, post):
        html = anonymous_html(url)
        assert article.title in html or post.title in html, url
    assert post.title in anonymous_html("/experiences/")


@pytest.mark.django_db
def test_editor_edits_an_article_in_the_admin_while_redis_is_stopped(redis_server, site, editor):
    article, _ = site
    client = Client()
    sign_in_staff(client, editor)
    anonymous_html(article.get_absolute_url())  # stored while Redis answered
    redis_server.stop()
    url = f"/admin/articles/article/{article.pk}/change/"
    response = client.post(url, article_form(article, title="停机时改过的标题"))
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "停机时改过的标题"
    assert "停机时改过的标题" in anonymous_html(article.get_absolute_url())


@pytest.mark.django_db
def test_moderator_approves_a_post_in_the_admin_while_redis_is_stopped(
    redis_server, site, make_experience, moderator
):
    pending = make_experience("停机时通过审核的经历")
    client = Client()
    sign_in_staff(client, moderator)
    redis_server.stop()
    response = client.post(QUEUE, {"action": "approve_selected", "_selected_action": [pending.pk]})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Experience.Status.APPROVED
    assert "停机时通过审核的经历" in anonymous_html("/experiences/")


@pytest.mark.django_db
def test_sign_in_works_and_the_session_lasts_while_redis_is_stopped(redis_server, make_user):
    reader = make_user()
    before = signed_in(reader)  # a session that began while Redis answered
    redis_server.stop()
    during = signed_in(reader)
    for client in (before, during, during):
        response = client.get("/experiences/mine/")
        assert response.status_code == 200
        assert response.wsgi_request.user == reader
    assert Session.objects.count() == 2


@pytest.mark.django_db
def test_sign_up_limit_refuses_past_its_value_while_redis_is_stopped(redis_server, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": 2}
    redis_server.stop()
    codes = []
    for n in range(3):
        data = {"username": f"user{n}", "email": f"u{n}@example.com"}
        data.update(password1="Pw-long-12345", password2="Pw-long-12345")
        codes.append(Client().post("/accounts/signup/", data).status_code)
    assert codes == [302, 302, 429]
    assert get_user_model().objects.count() == 2
    assert Counter.objects.filter(key__startswith="ratelimit:signup:").get().count == 3


@pytest.mark.django_db
def test_post_limit_refuses_past_its_value_while_redis_is_stopped(
    redis_server, settings, make_user
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "experience": 2}
    client = signed_in(make_user())
    redis_server.stop()
    codes = [client.post("/experiences/new/", GOOD_POST).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Experience.objects.count() == 2


@pytest.mark.django_db
def test_the_outage_is_logged_once_per_interval_not_once_per_request(
    redis_server, site, clock, caplog
):
    caplog.set_level(logging.INFO, logger="caching.backends")
    article, post = site
    redis_server.stop()
    for _ in range(3):  # each round tries Redis again, and fails again
        for url in public_urls(article, post):
            anonymous_html(url)
        clock.shift(RETRY_SECONDS + 0.1)
    assert len(warnings_in(caplog)) == 1
    assert warnings_in(caplog)[0].startswith(f"cache unreachable: {redis_server.url}")

    clock.shift(LOG_SECONDS)
    anonymous_html("/")
    assert len(warnings_in(caplog)) == 2


@pytest.mark.django_db
def test_healthz_answers_200_and_names_the_cache_while_redis_is_stopped(redis_server):
    assert Client().get("/healthz").content == b"ok\n"
    redis_server.stop()
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["ok", "cache unreachable"]


@pytest.mark.django_db
def test_the_cache_is_used_again_once_redis_is_back_without_a_restart(
    redis_server, site, clock, django_assert_num_queries
):
    senders = []

    def receiver(sender, **kwargs):
        senders.append(sender)

    cache_reconnected.connect(receiver)
    try:
        redis_server.stop()
        anonymous_html("/articles/")
        redis_server.start()
        clock.shift(RETRY_SECONDS + 0.1)
        first = anonymous_html("/articles/")
        anonymous_html("/articles/")
        with django_assert_num_queries(0):
            served = anonymous_html("/articles/")
    finally:
        cache_reconnected.disconnect(receiver)
    assert served == first
    assert len(senders) == 1 and isinstance(senders[0], RedisCache)
