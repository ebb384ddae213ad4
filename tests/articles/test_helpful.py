"""The 有用 button: a plain POST form, CSRF-protected, once per session, exact under load."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Article


def helpful_url(article):
    return f"{article.get_absolute_url()}helpful/"


def helpful_form(html):
    return re.search(
        r'<form class="helpful" method="post" action="([^"]+)">(.*?)</form>', html, re.S
    )


@pytest.mark.django_db
def test_button_is_a_plain_post_form_with_an_empty_token_on_the_shared_page(client, make_article):
    article = make_article()
    form = helpful_form(client.get(article.get_absolute_url()).content.decode())
    assert form.group(1) == helpful_url(article)
    # Cached for every anonymous reader: the token is filled in on submit.
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-fill="/csrf/">' in (
        form.group(2)
    )
    assert "有用 (0)" in form.group(2)


@pytest.mark.django_db
def test_the_form_posts_to_the_vote_address_of_an_article_with_a_chinese_slug(client, make_article):
    article = make_article(slug="网贷逾期-怎么办")
    form = helpful_form(client.get(article.get_absolute_url()).content.decode())
    assert form.group(1) == reverse("articles:helpful", args=[article.slug])
    assert (
        form.group(1)
        == "/articles/%E7%BD%91%E8%B4%B7%E9%80%BE%E6%9C%9F-%E6%80%8E%E4%B9%88%E5%8A%9E/helpful/"
    )
    client.post(form.group(1))
    article.refresh_from_db()
    assert article.helpful_count == 1


@pytest.mark.django_db
def test_reader_with_a_session_gets_the_token_in_the_form(client, make_article):
    article, other = make_article(), make_article()
    client.post(helpful_url(other))  # now this browser has a session
    form = helpful_form(client.get(article.get_absolute_url()).content.decode())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)
    assert len(token) == 64


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
def test_token_fetched_for_the_cached_page_counts_and_redirects_back(make_article):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    page = client.get(article.get_absolute_url())
    assert "csrftoken" not in page.cookies  # one page for every reader: no cookie
    # What static/js/csrf.js does on submit.
    fetched = client.get("/csrf/", headers={"accept": "application/json"})
    assert fetched["Cache-Control"].startswith("max-age=0")
    response = client.post(
        helpful_url(article), {"csrfmiddlewaretoken": fetched.json()["token"]}, follow=True
    )
    assert response.redirect_chain == [(article.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "有用 (1)" in html
    assert "谢谢" in html


@pytest.mark.django_db
def test_without_script_the_refusal_page_offers_a_fresh_form_that_counts(make_article):
    article = make_article(title="逾期后怎么协商")
    client = Client(enforce_csrf_checks=True)
    client.get(article.get_absolute_url())
    refused = client.post(
        helpful_url(article), {"csrfmiddlewaretoken": ""}, headers={"origin": "http://testserver"}
    )
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "“逾期后怎么协商”" in html
    form = helpful_form(html)
    assert form.group(1) == helpful_url(article)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)
    article.refresh_from_db()
    assert article.helpful_count == 0
    response = client.post(helpful_url(article), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.helpful_count == 1


@pytest.mark.django_db
def test_a_vote_forged_by_another_site_gets_no_ready_button(make_article):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    refused = client.post(helpful_url(article), headers={"origin": "https://evil.example"})
    assert refused.status_code == 403
    assert helpful_form(refused.content.decode()) is None
    article.refresh_from_db()
    assert article.helpful_count == 0


@pytest.mark.django_db
def test_refusal_elsewhere_offers_no_vote_form(make_article):
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/experiences/new/", {"title": "x"})
    assert refused.status_code == 403
    assert helpful_form(refused.content.decode()) is None
    assert "<h1>请重试</h1>" in refused.content.decode()


@pytest.mark.django_db
def test_counted_once_per_browser_session(client, make_article):
    article = make_article()
    client.post(helpful_url(article))
    response = client.post(helpful_url(article), follow=True)
    article.refresh_from_db()
    assert article.helpful_count == 1
    html = response.content.decode()
    assert "已经标记过" in html
    assert re.search(
        r"<button type=\"submit\" data-reader-disable=\"helpful\" disabled>有用 \(1\)</button>",
        html,
    )
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

    def vote(number):
        try:
            client = Client(REMOTE_ADDR=f"10.0.0.{number + 1}")
            start.wait()
            return client.post(helpful_url(article)).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(voters) as pool:
        codes = list(pool.map(vote, range(voters)))
    assert codes == [302] * voters
    article.refresh_from_db()
    assert article.helpful_count == voters


@pytest.mark.django_db
def test_reader_without_a_session_gets_the_shared_form_on_a_page_rendered_for_them(make_article):
    # A parameter the page does not read: rendered for this request and not stored.
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"{article.get_absolute_url()}?made=up")
    assert 'value="" data-csrf-fill="/csrf/"' in helpful_form(page.content.decode()).group(2)
    assert "csrftoken" not in page.cookies
    token = client.get("/csrf/", headers={"accept": "application/json"}).json()["token"]
    response = client.post(helpful_url(article), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.helpful_count == 1


@pytest.mark.django_db
def test_a_client_that_drops_its_cookies_cannot_vote_without_limit(settings, make_article):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "helpful": 3}
    article, other = make_article(), make_article()
    for _ in range(5):
        Client(REMOTE_ADDR="203.0.113.5").post(helpful_url(article))  # a new session each time
    Client(REMOTE_ADDR="198.51.100.1").post(helpful_url(article))  # someone else
    Client(REMOTE_ADDR="203.0.113.5").post(helpful_url(other))  # another article
    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.helpful_count, other.helpful_count) == (4, 1)
