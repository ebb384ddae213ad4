"""Signed-in readers get the page every reader gets; their own state comes from /reader/."""

import json

import pytest
from django.test import Client

from community.models import Experience, Report
from tests.pages import anonymous_html


@pytest.fixture
def article_with_post(make_article, make_experience):
    """A public article and an approved post about it, by another reader."""
    article = make_article("网贷逾期怎么办", tags=["逾期"])
    post = make_experience("和催收协商成功", article=article, status=Experience.Status.APPROVED)
    return article, post


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def state(client, **query):
    response = client.get("/reader/", query)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return json.loads(response.content)


@pytest.mark.django_db
def test_a_signed_in_reader_gets_the_stored_page_without_a_query(
    article_with_post, make_user, django_assert_num_queries
):
    article, post = article_with_post
    reader = signed_in(make_user("wang"))
    for url in ["/", article.get_absolute_url(), post.get_absolute_url(), "/experiences/"]:
        html = anonymous_html(url)  # stored
        with django_assert_num_queries(0):
            response = reader.get(url)
        assert response["X-Cache"] == "HIT", url
        assert response.content.decode() == html, url
        assert not response.cookies, url


@pytest.mark.django_db
def test_the_page_stored_from_a_signed_in_request_holds_nothing_of_the_reader(
    article_with_post, make_user
):
    article, post = article_with_post
    reader = signed_in(make_user("reader-zhao", email="zhao@example.com"))
    for url in [article.get_absolute_url(), post.get_absolute_url()]:
        response = reader.get(url)
        assert response["X-Cache"] == "MISS", url
        assert response["Cache-Control"].startswith("public"), url
        html = response.content.decode()
        assert "reader-zhao" not in html and "zhao@example.com" not in html
        # Forms wait for reader.js to fetch a token: none is in the page.
        assert 'name="csrfmiddlewaretoken" value=""' in html
        assert "Cookie" not in response.get("Vary", "")
        assert anonymous_html(url) == html


@pytest.mark.django_db
def test_the_shared_page_carries_the_signed_in_menu_hidden_for_the_script(
    article_with_post, make_user
):
    article, _ = article_with_post
    html = signed_in(make_user()).get(article.get_absolute_url()).content.decode()
    assert 'data-reader-hide="signed_in"' in html  # log in, sign up
    assert 'data-reader-show="signed_in" hidden' in html  # my posts, log out
    assert f'data-article="{article.pk}"' in html
    assert 'data-reader="/reader/"' in html


@pytest.mark.django_db
def test_an_author_still_sees_their_own_pending_post(make_experience, make_user):
    author = make_user("xiaoyu")
    pending = make_experience("还在等审核的经历", author=author)
    response = signed_in(author).get(pending.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "待审核" in response.content.decode()
    assert Client().get(pending.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_an_editor_still_previews_a_draft(make_article, editor_client):
    draft = make_article("还没发布的文章", status="draft")
    response = editor_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert Client().get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_reader_with_a_message_waiting_gets_their_own_page(article_with_post, make_user):
    _, post = article_with_post
    reader = signed_in(make_user())
    anonymous_html(post.get_absolute_url())  # stored
    sent = reader.post(f"/experiences/{post.pk}/report/", {"reason": "abuse"}, follow=True)
    assert sent.redirect_chain[-1][0] == post.get_absolute_url()
    assert sent["Cache-Control"] == "private, no-store"
    assert "审核员会查看这篇帖子" in sent.content.decode()


@pytest.mark.django_db
def test_the_state_of_a_reader_without_a_session(article_with_post):
    article, post = article_with_post
    assert state(Client(), article=article.pk) == {"signed_in": False, "helpful": False}
    assert state(Client(), experience=post.pk) == {"signed_in": False}
    assert state(Client(), article="x", experience="1" * 40) == {"signed_in": False}


@pytest.mark.django_db
def test_the_state_names_a_vote_from_this_browser(article_with_post):
    article, _ = article_with_post
    browser = Client()
    browser.post(f"/articles/{article.slug}/helpful/")
    assert state(browser, article=article.pk)["helpful"] is True
    assert state(Client(), article=article.pk)["helpful"] is False


@pytest.mark.django_db
def test_the_state_names_the_readers_own_post_waiting_on_this_article(
    article_with_post, make_experience, make_user, django_assert_max_num_queries
):
    article, _ = article_with_post
    author = make_user("chen")
    mine = make_experience("我的经历还在审核", author=author, article=article)
    client = signed_in(author)
    with django_assert_max_num_queries(3):  # the session, the reader, their post
        answer = state(client, article=article.pk)
    assert answer == {
        "signed_in": True,
        "helpful": False,
        "pending": {"title": "我的经历还在审核", "url": mine.get_absolute_url()},
    }
    assert "pending" not in state(signed_in(make_user()), article=article.pk)


@pytest.mark.django_db
def test_the_state_says_who_may_report_an_experience(article_with_post, make_user):
    _, post = article_with_post
    reader = make_user()
    assert state(signed_in(reader), experience=post.pk)["can_report"] is True
    assert state(signed_in(post.author), experience=post.pk)["can_report"] is False
    Report.objects.create(experience=post, reporter=reader, reason="abuse")
    assert state(signed_in(reader), experience=post.pk)["can_report"] is False


@pytest.mark.django_db
def test_the_reader_cookie_follows_the_session(make_user):
    make_user("li")
    browser = Client()
    logged_in = browser.post("/accounts/login/", {"username": "li", "password": "pw-reader"})
    assert logged_in.cookies["reader"].value == "1"
    assert not logged_in.cookies["reader"]["httponly"]  # the page's script reads it
    logged_out = browser.post("/accounts/logout/")
    assert logged_out.cookies["reader"].value == ""
    assert logged_out.cookies["reader"]["max-age"] == 0


@pytest.mark.django_db
def test_a_session_from_before_gets_its_reader_cookie_on_a_page_of_its_own(make_user):
    browser = signed_in(make_user())
    assert browser.get("/experiences/mine/").cookies["reader"].value == "1"
    assert "reader" not in browser.get("/experiences/mine/").cookies  # set once


@pytest.mark.django_db
def test_the_report_form_has_a_page_of_its_own_without_javascript(article_with_post, make_user):
    _, post = article_with_post
    url = f"/experiences/{post.pk}/report/"
    assert Client().get(url)["Location"].startswith("/accounts/login/?next=")
    form = signed_in(make_user()).get(url)
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    own = signed_in(post.author).get(url).content.decode()
    assert 'name="reason"' not in own
