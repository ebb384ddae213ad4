"""The 有用 button: a plain POST form, CSRF-protected, once per session, exact under load."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from articles.models import Article


def helpful_url(article):
    return f"{article.get_absolute_url()}helpful/"


@pytest.mark.django_db
def test_button_is_a_plain_post_form_with_a_csrf_token(client, make_article):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    form = re.search(
        r'<form class="helpful" method="post" action="([^"]+)">(.*?)</form>', html, re.S
    )
    assert form.group(1) == helpful_url(article)
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    assert "有用 (0)" in form.group(2)


@pytest.mark.django_db
def test_get_is_not_allowed(client, make_article):
    article = make_article()
    assert client.get(helpful_url(article)).status_code == 405
    article.refresh_from_db()
    assert article.helpful_count == 0


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused(make_article):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    assert client.post(helpful_url(article)).status_code == 403
    article.refresh_from_db()
    assert article.helpful_count == 0


@pytest.mark.django_db
def test_post_with_csrf_token_counts_and_redirects_back(make_article):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    client.get(article.get_absolute_url())
    token = client.cookies["csrftoken"].value
    response = client.post(helpful_url(article), {"csrfmiddlewaretoken": token}, follow=True)
    assert response.redirect_chain == [(article.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "有用 (1)" in html
    assert "谢谢" in html


@pytest.mark.django_db
def test_counted_once_per_browser_session(client, make_article):
    article = make_article()
    client.post(helpful_url(article))
    response = client.post(helpful_url(article), follow=True)
    article.refresh_from_db()
    assert article.helpful_count == 1
    html = response.content.decode()
    assert "已经标记过" in html
    assert re.search(r"<button type=\"submit\" disabled>有用 \(1\)</button>", html)
    Client().post(helpful_url(article))
    article.refresh_from_db()
    assert article.helpful_count == 2


@pytest.mark.django_db
def test_unpublished_article_cannot_be_voted(client, make_article):
    article = make_article(status=Article.Status.DRAFT)
    assert client.post(helpful_url(article)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_from_many_sessions_are_counted_exactly(make_article):
    article = make_article()
    voters = 24
    start = threading.Barrier(voters)

    def vote(_):
        try:
            client = Client()
            start.wait()
            return client.post(helpful_url(article)).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(voters) as pool:
        codes = list(pool.map(vote, range(voters)))
    assert codes == [302] * voters
    article.refresh_from_db()
    assert article.helpful_count == voters
