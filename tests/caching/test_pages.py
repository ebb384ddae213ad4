"""Anonymous readers get cached pages, and every change reaches them on the next request.

These run on the cached configuration (PAGE_CACHE_SECONDS > 0, the default).
Changes go through the admin, as editors and moderators make them.
"""

import datetime
import gzip
import io

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import keys
from articles.models import Article
from caching import fragments, pages
from caching.dependencies import key_of
from community.models import Experience
from tests.pages import anonymous_html, article_form
from tests.staff import sign_in_staff

QUEUE = "/admin/community/experience/"


def edit_in_admin(editor_client, article, **changes):
    url = f"/admin/articles/article/{article.pk}/change/"
    response = editor_client.post(url, article_form(article, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def public_pages(make_article, make_experience):
    """An article with a tag and an approved post about it; the URLs that show them."""
    article = make_article("网贷逾期怎么办", tags=["逾期"])
    make_experience("和催收协商成功", article=article, status=Experience.Status.APPROVED)
    return article, [
        "/",
        "/articles/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        "/tags/逾期/",
        "/experiences/",
        "/feed/",
        "/sitemap-articles.xml",
    ]


@pytest.mark.django_db
def test_second_anonymous_request_is_served_without_queries(
    public_pages, django_assert_num_queries
):
    _, urls = public_pages
    for url in urls:
        first = Client().get(url)
        assert first.status_code == 200, url
        with django_assert_num_queries(0):
            second = Client().get(url)
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        # Browsers ask each time (ETag); shared caches keep it, purged by key.
        assert second["Cache-Control"].startswith("public, max-age=0, s-maxage=")
        assert second["X-Cache"] == "HIT"
        assert "site" in second["xkey"].split()
        # Rendered without cookies: the same page whatever cookies a reader sends.
        assert "Cookie" not in second.get("Vary", "")


@pytest.mark.django_db
def test_cached_page_keeps_the_security_headers(public_pages):
    article, _ = public_pages
    Client().get(article.get_absolute_url())
    cached = Client().get(article.get_absolute_url())
    assert "script-src 'self'" in cached["Content-Security-Policy"]
    assert cached["X-Frame-Options"] == "DENY"
    assert cached["X-Content-Type-Options"] == "nosniff"
    assert not cached.cookies


@pytest.mark.django_db
def test_conditional_get_answers_304_until_the_article_changes(public_pages, editor_client):
    article, _ = public_pages
    url = article.get_absolute_url()
    etag = Client().get(url)["ETag"]
    assert Client().get(url, headers={"if-none-match": etag}).status_code == 304
    edit_in_admin(editor_client, article, title="网贷逾期了，先做这三件事")
    changed = Client().get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "先做这三件事" in changed.content.decode()


@pytest.mark.django_db
def test_publishing_in_the_admin_shows_at_once(public_pages, make_article, editor_client):
    _, urls = public_pages
    draft = make_article("协商还款的新规定", tags=["逾期"], status=Article.Status.DRAFT)
    for url in urls:
        assert "协商还款的新规定" not in anonymous_html(url)
    response = editor_client.post(
        "/admin/articles/article/", {"action": "publish_now", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    for url in ["/", "/articles/", draft.category.get_absolute_url(), "/tags/逾期/", "/feed/"]:
        assert "协商还款的新规定" in anonymous_html(url), url
    assert Client().get(draft.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_editing_and_retagging_in_the_admin_show_at_once(public_pages, editor_client):
    article, urls = public_pages
    for url in urls:
        anonymous_html(url)
    edit_in_admin(editor_client, article, title="逾期以后的正确做法", tags="上征信")
    for url in ["/", "/articles/", article.get_absolute_url(), "/feed/"]:
        html = anonymous_html(url)
        assert "逾期以后的正确做法" in html, url
        assert "网贷逾期怎么办" not in html, url
    assert "/tags/%E4%B8%8A%E5%BE%81%E4%BF%A1/" in anonymous_html(article.get_absolute_url())
    assert "逾期以后的正确做法" in anonymous_html("/tags/上征信/")
    assert Client().get("/tags/逾期/").status_code == 404  # no public article has it now


@pytest.mark.django_db
def test_unpublishing_in_the_admin_hides_at_once(public_pages, editor_client):
    article, urls = public_pages
    for url in urls:
        anonymous_html(url)
    edit_in_admin(editor_client, article, status=Article.Status.DRAFT)
    assert Client().get(article.get_absolute_url()).status_code == 404
    for url in ["/", "/articles/", article.category.get_absolute_url(), "/feed/"]:
        assert "网贷逾期怎么办" not in anonymous_html(url), url


@pytest.mark.django_db
def test_scheduled_article_appears_when_its_time_comes(make_article):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        make_article(
            "一小时后上线的文章", published_at=timezone.now() + datetime.timedelta(hours=1)
        )
        assert "一小时后上线的文章" not in anonymous_html("/articles/")
        assert Client().get("/articles/")["X-Cache"] == "HIT"
        clock.shift(datetime.timedelta(minutes=59))
        assert Client().get("/articles/")["X-Cache"] == "HIT"
        clock.shift(datetime.timedelta(minutes=1, seconds=1))
        assert "一小时后上线的文章" in anonymous_html("/articles/")


@pytest.mark.django_db
def test_moderator_approval_and_hiding_show_at_once(public_pages, make_experience, moderator):
    article, _ = public_pages
    post = make_experience("刚通过审核的经历", article=article)
    pages = ["/experiences/", article.get_absolute_url(), "/"]
    for url in pages:
        assert "刚通过审核的经历" not in anonymous_html(url)
    staff = Client()
    sign_in_staff(staff, moderator)
    response = staff.post(QUEUE, {"action": "approve_selected", "_selected_action": [post.pk]})
    assert response.status_code == 302
    for url in pages:
        assert "刚通过审核的经历" in anonymous_html(url), url
    assert Client().get(post.get_absolute_url()).status_code == 200

    response = staff.post(f"{QUEUE}{post.pk}/hide/", {"reason": "含有联系方式"})
    assert response.status_code == 302
    for url in pages:
        assert "刚通过审核的经历" not in anonymous_html(url), url
    assert Client().get(post.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_helpful_vote_shows_on_the_article_page_at_once(public_pages):
    article, _ = public_pages
    assert "有用 (0)" in anonymous_html(article.get_absolute_url())
    voter = Client()
    assert voter.post(f"{article.get_absolute_url()}helpful/").status_code == 302
    assert "有用 (1)" in anonymous_html(article.get_absolute_url())


@pytest.mark.django_db
def test_new_pending_post_and_sign_up_keep_the_cache(
    public_pages, make_experience, make_user, django_assert_num_queries
):
    article, _ = public_pages
    Client().get(article.get_absolute_url())
    make_user("newcomer")
    make_experience("待审核的帖子", article=article, tags=["逾期", "催收"])
    with django_assert_num_queries(0):
        cached = Client().get(article.get_absolute_url())
    assert "待审核的帖子" not in cached.content.decode()


@pytest.mark.django_db
def test_zero_seconds_turns_the_page_cache_off(public_pages, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article, _ = public_pages
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(article.get_absolute_url())
        counts.append(len(queries))
        assert "ETag" not in response
    assert counts[0] == counts[1] > 0


@pytest.mark.django_db
def test_signed_in_reader_sees_edits_at_once_through_cached_fragments(
    public_pages, make_user, editor_client
):
    article, _ = public_pages
    reader = Client()
    reader.force_login(make_user("li"))
    url = article.get_absolute_url()
    assert "网贷逾期怎么办" in reader.get(url).content.decode()
    edit_in_admin(editor_client, article, title="逾期以后的正确做法", tags="上征信")
    html = reader.get(url).content.decode()
    assert "逾期以后的正确做法" in html
    assert 'content="上征信"' in html  # the cached head fragment followed too
    assert "网贷逾期怎么办" not in html


@pytest.mark.django_db
def test_signed_in_reader_sees_other_readers_votes_at_once(public_pages, make_user):
    article, _ = public_pages
    reader = Client()
    reader.force_login(make_user("li"))
    assert "有用 (0)" in reader.get(article.get_absolute_url()).content.decode()
    assert Client().post(f"{article.get_absolute_url()}helpful/").status_code == 302
    assert "有用 (1)" in reader.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_expire_pages_makes_every_cached_page_render_again(public_pages):
    article, _ = public_pages
    Client().get(article.get_absolute_url())
    call_command("expire_pages", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as queries:
        Client().get(article.get_absolute_url())
    assert len(queries) > 0


@pytest.mark.django_db
def test_helpful_vote_shows_at_once_on_a_page_with_a_chinese_slug(make_article):
    article = make_article("逾期以后怎么办", slug="逾期以后怎么办")
    url = article.get_absolute_url()
    assert "有用 (0)" in anonymous_html(url)
    assert Client().post(f"{url}helpful/").status_code == 302
    assert "有用 (1)" in anonymous_html(url)


def queries_for(url):
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_made_up_query_strings_are_rendered_but_never_stored(public_pages):
    article, _ = public_pages
    # Only stored pages carry an ETag; a page rendered for one request has none.
    for _ in range(2):
        assert "ETag" not in Client().get(f"{article.get_absolute_url()}?made=up")
    Client().get(article.get_absolute_url())
    assert "ETag" in Client().get(article.get_absolute_url())


@pytest.mark.django_db
def test_the_article_kept_whole_for_pages_rendered_for_one_request_follows_every_change(
    public_pages, make_experience, editor_client
):
    article, _ = public_pages
    url = f"{article.get_absolute_url()}?made=up"
    for _ in range(2):  # a process keeps a page's fragments from its second rendering on
        anonymous_html(url)
    kept = fragments.fragment_key("page_main", [key_of(article)], True)
    assert caches["fragments"].get(kept) is not None
    assert queries_for(url) == 0
    assert Client().post(f"{article.get_absolute_url()}helpful/").status_code == 302
    assert "有用 (1)" in anonymous_html(url)
    make_experience("第二段经历：分期还清", article=article, status=Experience.Status.APPROVED)
    assert "第二段经历：分期还清" in anonymous_html(url)
    edit_in_admin(editor_client, article, title="逾期以后的正确做法", tags="上征信")
    html = anonymous_html(url)
    assert "<h1>逾期以后的正确做法</h1>" in html and '<a class="tag" href="/tags/' in html
    assert "上征信" in html and "有用 (1)" in html and "第二段经历：分期还清" in html
    # The header every reader shares, kept whole too, follows the menu.
    category = article.category
    category.name = "网贷与借款"
    category.save()
    menu = anonymous_html(url).split('<nav class="category-nav"')[1].split("</nav>")[0]
    assert "网贷与借款" in menu


@pytest.mark.django_db
def test_a_share_from_wechat_gets_the_stored_page_and_stores_none_of_its_own(public_pages):
    article, _ = public_pages
    shared = "from=singlemessage&isappinstalled=0&utm_source=wechat"
    Client().get(article.get_absolute_url())
    assert queries_for(f"{article.get_absolute_url()}?{shared}") == 0
    # First rendered for a shared link: the page is the one without the parameters.
    listing = "/articles/?tag=逾期"
    html = anonymous_html(f"{listing}&{shared}")
    assert "singlemessage" not in html and "utm_source" not in html
    assert queries_for(listing) == 0
    # With a parameter that is neither read nor tracking, it is rendered and not stored.
    for _ in range(2):
        assert "ETag" not in Client().get(f"{article.get_absolute_url()}?{shared}&made=up")


@pytest.mark.django_db
def test_the_parameters_a_list_reads_are_one_page_in_any_order(public_pages):
    assert queries_for("/articles/?tag=逾期&ordering=helpful") > 0
    assert queries_for("/articles/?ordering=helpful&tag=逾期") == 0


@pytest.mark.django_db
def test_a_list_with_a_filter_error_is_not_stored(public_pages):
    for _ in range(2):
        response = Client().get("/articles/?tag=no-such-tag")
        assert "没有这个标签。" in response.content.decode()
        assert "ETag" not in response


def home_with_queries():
    with CaptureQueriesContext(connection) as queries:
        html = anonymous_html("/")
    return html, len(queries)


@pytest.mark.django_db
def test_a_page_out_of_date_by_age_renders_again_once_while_others_get_the_stored_copy(
    public_pages,
):
    article, _ = public_pages
    with time_machine.travel(timezone.now(), tick=False) as clock:
        html, _ = home_with_queries()
        assert "0 人觉得有用" in html
        # A vote refreshes its article's page at once, the "most helpful" list
        # on the home page once the stored page is out of date by age.
        assert Client().post(f"{article.get_absolute_url()}helpful/").status_code == 302
        assert "0 人觉得有用" in home_with_queries()[0]
        clock.shift(keys.HELPFUL_RANKING_SECONDS + 1)
        # Another request is rendering the home page again: this one gets the stored copy.
        rendering = pages._rendering_key(pages._page_key(RequestFactory().get("/")))
        cache.set(rendering, "another request", 5)
        try:
            html, queries = home_with_queries()
        finally:
            cache.delete(rendering)
        assert "0 人觉得有用" in html and queries == 0
        # The next request renders it, and leaves no mark behind for the next time.
        html, queries = home_with_queries()
        assert "1 人觉得有用" in html and queries > 0
        assert cache.get(rendering) is None
        assert home_with_queries()[1] == 0


@pytest.mark.django_db
def test_a_page_is_never_served_past_its_scheduled_change(make_article):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        make_article(
            "一分钟后上线的文章", published_at=timezone.now() + datetime.timedelta(minutes=1)
        )
        assert "一分钟后上线的文章" not in anonymous_html("/articles/")
        clock.shift(61)
        # Even while another request renders the list again, the stored copy has ended.
        rendering = pages._rendering_key(pages._page_key(RequestFactory().get("/articles/")))
        cache.set(rendering, "another request", 5)
        try:
            assert "一分钟后上线的文章" in anonymous_html("/articles/")
        finally:
            cache.delete(rendering)


@pytest.mark.django_db
def test_a_stored_page_is_kept_compressed_and_sent_as_each_reader_accepts(public_pages):
    article, _ = public_pages
    url = article.get_absolute_url()
    plain = Client().get(url).content  # rendered and stored
    zipped = [Client().get(url, headers={"accept-encoding": "gzip, br"}) for _ in range(2)]
    assert [r["X-Cache"] for r in zipped] == ["HIT", "HIT"]
    assert zipped[0]["Content-Encoding"] == "gzip"
    assert zipped[0].content == zipped[1].content  # compressed once, when stored
    assert gzip.decompress(zipped[0].content) == plain
    assert int(zipped[0]["Content-Length"]) == len(zipped[0].content)
    assert "Accept-Encoding" in zipped[0]["Vary"]
    again = Client().get(url)
    assert again.content == plain and not again.has_header("Content-Encoding")
    assert zipped[0]["ETag"] == f"W/{again['ETag']}"
    for etag in (zipped[0]["ETag"], again["ETag"]):
        revalidated = Client().get(url, headers={"if-none-match": etag, "accept-encoding": "gzip"})
        assert revalidated.status_code == 304
