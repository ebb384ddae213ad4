"""Pages are stored only under their canonical address; pages for one reader are private."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix

from caching import pages
from caching.canonical import fixed_path, path_to
from community.models import Experience


def is_stored(url):
    """Tell whether the page cache holds an entry for exactly `url`."""
    return cache.get(pages._page_key(RequestFactory().get(url))) is not None


@pytest.fixture
def listing(make_article):
    for number in range(25):  # two pages of articles
        make_article(f"网贷问答{number}", tags=["逾期"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/articles/?page=1", "/articles/"),
        ("/articles/?page=01", "/articles/"),
        ("/articles/?page=0000000001", "/articles/"),
        ("/articles/?page=%2B1", "/articles/"),
        ("/articles/?page=1&page=1", "/articles/"),
        ("/articles/?page=" + "0" * 3000 + "1", "/articles/"),
        ("/articles/?page=02", "/articles/?page=2"),
        ("/articles/?page=2&page=002", "/articles/?page=2"),
        ("/articles/?ordering=newest", "/articles/"),
        ("/articles/?q=&category=&tag=%E9%80%BE%E6%9C%9F", "/articles/?tag=%E9%80%BE%E6%9C%9F"),
        ("/experiences/?page=1", "/experiences/"),
    ],
)
def test_another_spelling_of_the_same_page_redirects_and_stores_nothing(listing, url, canonical):
    response = Client().get(url)
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert response["Cache-Control"] == "private, no-store"
    assert not is_stored(url)
    assert Client().get(canonical).status_code == 200
    assert is_stored(canonical)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/articles/?page=0",
        "/articles/?page=-1",
        "/articles/?page=1e3",
        "/articles/?page=abc",
        "/articles/?page=１",  # a full-width digit
        "/articles/?page=1&page=2",
        "/articles/?ordering=oldest",
        "/articles/?tag=a%20b",
        "/articles/?q=网贷",
        "/articles/?made=up",
    ],
)
def test_a_query_with_no_canonical_spelling_is_rendered_and_not_stored(listing, url):
    for _ in range(2):
        response = Client().get(url)
        assert response.status_code in {200, 404}
        assert "ETag" not in response
        assert "xkey" not in response
        assert response["Cache-Control"] == "private, no-store"
    assert not is_stored(url)


@pytest.mark.django_db
def test_the_canonical_link_names_the_stored_address(listing):
    html = Client().get("/articles/?page=2").content.decode()
    assert '<link rel="canonical" href="http://testserver/articles/?page=2">' in html


@pytest.mark.django_db
def test_pages_for_one_reader_are_private_and_never_stored(make_user, make_experience):
    author = make_user("xiaoyu")
    pending = make_experience("还在等审核的经历", author=author)
    rejected = make_experience("被退回的经历标题", author=author, status=Experience.Status.REJECTED)
    reader = Client()
    reader.force_login(author)
    for url in [
        "/experiences/mine/",
        pending.get_absolute_url(),
        f"/experiences/{pending.pk}/submitted/",
        f"/experiences/{rejected.pk}/edit/",
        "/experiences/new/",
    ]:
        response = reader.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
        assert "xkey" not in response
    for url in ["/accounts/login/", "/accounts/signup/", "/search/?q=网贷"]:
        response = Client().get(url)
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/categories/online-loans/?category=x", "/tags/逾期/?tag=x"])
def test_a_filter_the_address_already_decides_is_not_a_page_of_its_own(listing, url):
    for _ in range(2):
        assert "xkey" not in Client().get(url)
    assert not is_stored(url)


@pytest.mark.parametrize(
    ("name", "keyword", "value"),
    [
        ("articles:detail", "slug", "debt-collection_2"),
        ("articles:detail", "slug", "网贷逾期-怎么办"),
        ("articles:category", "slug", "信用"),
        ("tag", "slug", "征信"),
        ("community:detail", "pk", 42),
    ],
)
def test_path_to_gives_what_reverse_gives(name, keyword, value):
    assert path_to(name, keyword, value) == reverse(name, kwargs={keyword: value})


def test_path_to_follows_the_script_prefix():
    set_script_prefix("/portal/")
    try:
        assert path_to("articles:detail", "slug", "征信") == reverse(
            "articles:detail", kwargs={"slug": "征信"}
        )
        assert path_to("articles:detail", "slug", "征信").startswith("/portal/articles/")
    finally:
        set_script_prefix("/")
    assert path_to("articles:detail", "slug", "征信").startswith("/articles/")


def test_path_to_leaves_what_is_not_a_slug_to_reverse():
    with pytest.raises(NoReverseMatch):
        path_to("articles:detail", "slug", "a/b")
    with pytest.raises(NoReverseMatch):
        path_to("tag", "slug", "征信 修复")
    with pytest.raises(NoReverseMatch):
        path_to("community:detail", "pk", -3)
    # Whatever reverse() makes of the rest, path_to() makes the same.
    assert path_to("articles:detail", "slug", None) == reverse("articles:detail", args=[None])


def test_fixed_path_gives_what_reverse_gives_and_follows_the_script_prefix():
    assert fixed_path("reader-state") == reverse("reader-state")
    set_script_prefix("/portal/")
    try:
        assert fixed_path("reader-state") == reverse("reader-state")
        assert fixed_path("reader-state").startswith("/portal/")
    finally:
        set_script_prefix("/")
    assert fixed_path("reader-state") == reverse("reader-state")
    with pytest.raises(NoReverseMatch):
        fixed_path("articles:detail")  # it has a parameter
