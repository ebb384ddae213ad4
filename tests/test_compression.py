"""Shared pages leave gzipped for clients that accept it; pages for one reader never do."""

import gzip
import http.client
import urllib.parse

import pytest
from django.test import Client
from isal import igzip

from tests.servers import edge_cache, migrated_env, query, servers

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def vary(response):
    return {header.strip().lower() for header in response.get("Vary", "").split(",")}


@pytest.mark.django_db
def test_a_stored_page_is_gzipped_for_a_client_that_accepts_it(make_article):
    make_article(tags=["网贷"])
    client = Client()
    rendered = client.get("/", **GZIP)
    stored = client.get("/", **GZIP)
    plain = client.get("/")
    assert [rendered["X-Cache"], stored["X-Cache"], plain["X-Cache"]] == ["MISS", "HIT", "HIT"]
    for response in (rendered, stored):
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == plain.content
        assert int(response["Content-Length"]) == len(response.content) < len(plain.content)
    assert not plain.has_header("Content-Encoding")
    assert b"<!DOCTYPE html>" in plain.content
    # Caches keep one copy per encoding.
    assert all("accept-encoding" in vary(r) for r in (rendered, stored, plain))


@pytest.mark.django_db
def test_a_gzipped_page_still_answers_not_modified(make_article):
    make_article()
    client = Client()
    etag = client.get("/", **GZIP)["ETag"]
    assert etag.startswith('W/"')  # not byte-for-byte the stored page: a weak validator
    assert client.get("/", HTTP_IF_NONE_MATCH=etag, **GZIP).status_code == 304


@pytest.mark.django_db
def test_a_page_rendered_for_a_signed_in_reader_is_not_compressed(make_user, make_experience):
    author = make_user()
    for n in range(5):
        make_experience(f"我自己的第{n}篇经历", author=author)
    client = Client()
    client.force_login(author)
    response = client.get("/experiences/mine/", **GZIP)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert not response.has_header("Content-Encoding")
    assert "我自己的第4篇经历" in response.content.decode()


@pytest.mark.django_db
def test_the_shared_page_a_signed_in_reader_gets_is_compressed(make_article, make_user):
    article = make_article(tags=["网贷"])
    client = Client()
    client.force_login(make_user())
    for _ in range(2):  # rendered and stored, then from the store
        response = client.get(article.get_absolute_url(), **GZIP)
        assert response["Cache-Control"].startswith("public")
        assert response["Content-Encoding"] == "gzip"


@pytest.mark.django_db
def test_a_search_for_a_reader_without_a_session_is_compressed(make_article):
    make_article("网贷逾期怎么办", tags=["网贷"])
    response = Client().get("/search/?q=网贷", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).startswith(b"<!DOCTYPE html>")


@pytest.mark.django_db
def test_a_page_compressed_for_one_request_goes_fast_a_stored_one_goes_small(make_article):
    article = make_article("网贷逾期怎么办", tags=["网贷"])
    for_the_request = Client().get(article.get_absolute_url() + "?from_a_link=1", **GZIP)
    stored = Client().get(article.get_absolute_url(), **GZIP)
    assert for_the_request.get("X-Cache") is None and stored["X-Cache"] == "MISS"
    plain = gzip.decompress(for_the_request.content)
    assert gzip.decompress(stored.content) == plain  # the same page
    # ISA-L's level 1 for the request (after the random file name and its NUL);
    # the stored one's XFL byte says zlib's level 6, as Django compresses.
    name_ends = for_the_request.content.index(b"\x00", 10)
    fast = igzip.compress(plain, compresslevel=1, mtime=0)
    assert for_the_request.content[name_ends + 1 :] == fast[10:]
    assert stored.content[8] == 0 and len(stored.content) < len(for_the_request.content)


SETUP = """
import json
from articles.models import Article, Category
loans = Category.objects.create(name="网贷", slug="online-loans")
for n in range(3):
    article = Article.objects.create(title=f"网贷逾期怎么办{n}", slug=f"loans-{n}",
        category=loans, body="## 要点\\n\\n正文内容，讲逾期以后怎么办。" * 20, status="published")
    article.tags.set(["逾期"])
print(json.dumps(True))
"""


def edge_get(base, path, **headers):
    """GET `path` from Varnish; return (status, headers, body as sent)."""
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        # No Accept-Encoding unless the test gives one (http.client adds "identity").
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name.replace("_", "-"), value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.mark.edge
@pytest.mark.redis
def test_varnish_stores_the_gzipped_page_and_gunzips_it_for_a_plain_client(server_database_url):
    env = migrated_env(server_database_url)
    query(env, SETUP)
    with servers(env, count=1) as [app], edge_cache(app) as edge:
        path = "/articles/loans-0/"
        status, first, zipped = edge_get(edge, path, Accept_Encoding="gzip, deflate")
        assert (status, first["X-Cache"], first["Content-Encoding"]) == (200, "MISS", "gzip")
        status, hit, zipped_again = edge_get(edge, path, Accept_Encoding="gzip")
        assert (status, hit["X-Cache"], hit["Content-Encoding"]) == (200, "HIT", "gzip")
        status, plain_headers, plain = edge_get(edge, path)
        assert status == 200
        assert plain_headers["Content-Encoding"] is None
        assert plain_headers["X-Cache"] == "HIT"  # the same stored copy, unzipped
        assert gzip.decompress(zipped) == gzip.decompress(zipped_again) == plain
        assert "网贷逾期怎么办0" in plain.decode()
        assert len(zipped) < len(plain) / 2
