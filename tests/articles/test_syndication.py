"""Feeds, sitemap, robots.txt and the metadata search engines read."""

import json
import re
from urllib.parse import urlsplit

import feedparser
import pytest

from articles.models import Article
from community.models import Experience


@pytest.fixture
def site(make_article, make_experience, make_category):
    law = make_category(name="法律常识", slug="law")
    articles = [
        make_article(f"文章<{n}>&", tags=["借条", "起诉"], days_ago=n + 1) for n in range(23)
    ]
    articles.append(make_article("法律文章", category=law, tags=["诉讼时效"], days_ago=40))
    make_article("草稿", status=Article.Status.DRAFT, tags=["草稿标签"])
    make_experience("通过的经历", status=Experience.Status.APPROVED)
    make_experience("待审核的经历")
    return articles


@pytest.mark.django_db
def test_feed_parses_cleanly_with_the_20_newest_public_articles(client, site):
    response = client.get("/feed/")
    feed = feedparser.parse(response.content)
    assert response.status_code == 200
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 20
    assert feed.entries[0].title == "文章<0>&"
    assert all(entry.link.startswith("http://testserver/articles/") for entry in feed.entries)
    assert "草稿" not in response.content.decode()


@pytest.mark.django_db
def test_category_feed_holds_only_that_category(client, site):
    feed = feedparser.parse(client.get("/categories/law/feed/").content)
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == ["法律文章"]
    assert client.get("/categories/nope/feed/").status_code == 404


def locs(xml):
    return [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]


@pytest.mark.django_db
def test_every_sitemap_location_answers_200(client, site):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = locs(index.content.decode())
    assert len(sections) == 5
    pages = []
    for section in sections:
        response = client.get(section)
        assert response.status_code == 200, section
        xml = response.content.decode()
        pages += locs(xml)
        if "articles" in section or "experiences" in section:
            assert "<lastmod>" in xml
    assert len(pages) == len(set(pages))
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert "/tags/%E8%8D%89%E7%A8%BF%E6%A0%87%E7%AD%BE/" not in pages  # a draft-only tag
    assert sum(p.startswith("/experiences/") and p != "/experiences/" for p in pages) == 1
    assert sum(p.startswith("/articles/") and p != "/articles/" for p in pages) == 24


@pytest.mark.django_db
def test_robots_txt_names_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.django_db
def test_article_page_carries_article_and_breadcrumb_json_ld(client, site):
    article = site[-1]
    html = client.get(article.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    article_ld, breadcrumbs = json.loads(blocks[0])
    assert article_ld["@type"] == "Article"
    assert article_ld["headline"] == "法律文章"
    assert article_ld["datePublished"].startswith(article.published_at.isoformat()[:10])
    assert article_ld["dateModified"]
    assert article_ld["publisher"]["name"] and article_ld["author"]["name"]
    assert article_ld["keywords"] == "诉讼时效"
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [item["name"] for item in breadcrumbs["itemListElement"]][1:] == ["法律常识", "法律文章"]


@pytest.mark.django_db
def test_json_ld_cannot_break_out_of_its_script(client, make_article):
    article = make_article("</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(block)[0]["headline"] == "</script><script>alert(1)</script>"


@pytest.mark.django_db
def test_every_page_has_title_description_canonical_and_open_graph(client, site):
    for url in ["/", "/articles/", "/articles/?page=2", site[0].get_absolute_url(),
                "/categories/law/", "/tags/借条/", "/experiences/", "/search/?q=借条"]:  # fmt: skip
        html = client.get(url).content.decode()
        assert re.search(r"<title>[^<]+</title>", html), url
        assert re.search(r'<meta name="description" content="[^"]+">', html), url
        assert re.search(r'<link rel="canonical" href="http://testserver/[^"]*">', html), url
        for prop in ["og:title", "og:description", "og:url", "og:type", "og:site_name"]:
            assert f'<meta property="{prop}" content="' in html, (url, prop)
    assert '<link rel="canonical" href="http://testserver/articles/?page=2">' in (
        client.get("/articles/?page=2&utm_source=x").content.decode()
    )
