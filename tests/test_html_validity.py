"""The pages are valid HTML: the Nu HTML checker finds no error in them.

The checker is vnu.jar from npm (package.json, `npm ci`), run with java; the
test is skipped, with the reason, when either is missing. The checks that
need neither (time values, form actions, the favicon) always run.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from articles import ranking
from community.models import Experience

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A valid global date and time string (HTML): seconds, no fraction, in UTC.
DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(make_article, make_category, make_experience, make_user):
    """Articles with tags and Markdown, experiences with times to the microsecond."""
    credit = make_category("征信", "credit")
    articles = [
        make_article(
            f"网贷逾期以后第{n}步怎么做",
            tags=["网贷", "逾期", "爆通讯录"][: 1 + n % 3],
            body=(
                "## 先做什么\n\n1. 保存**证据**\n2. 向[平台](https://example.com/)投诉\n\n"
                "- 记下时间\n- 记下号码\n\n遇到*爆通讯录*，先别慌。"
            ),
            **({"category": credit} if n % 2 else {}),
        )
        for n in range(12)
    ]
    author = make_user("xiaoyu")
    experiences = [
        make_experience(
            f"和催收协商成功的经过{n}",
            tags=["网贷", "协商"],
            article=articles[0],
            author=author,
            status=Experience.Status.APPROVED,
        )
        for n in range(3)
    ]
    make_experience("还在等待审核的经历", author=author)
    ranking.refresh_all()
    return articles, experiences, author


def pages(site):
    """Return {name: HTML} for the main pages, as readers with and without a session get them."""
    articles, experiences, author = site
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(author)
    article, experience = articles[0], experiences[0]
    urls = {
        "home": (anonymous, "/"),
        "list": (anonymous, "/articles/"),
        "list-filtered": (anonymous, "/articles/?q=网贷&ordering=helpful"),
        "category": (anonymous, article.category.get_absolute_url()),
        "tag": (anonymous, reverse("tag", args=["网贷"])),
        "article": (anonymous, article.get_absolute_url()),
        "experiences": (anonymous, "/experiences/"),
        "experience": (anonymous, experience.get_absolute_url()),
        "search": (anonymous, "/search/?q=通讯录"),
        "login": (anonymous, "/accounts/login/"),
        "signup": (anonymous, "/accounts/signup/"),
        "not-found": (anonymous, "/no-such-page/"),
        "article-signed-in": (signed_in, article.get_absolute_url()),
        "experience-signed-in": (signed_in, experience.get_absolute_url()),
        "new-experience": (signed_in, "/experiences/new/"),
        "my-experiences": (signed_in, "/experiences/mine/"),
    }
    html = {}
    for name, (client, url) in urls.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not-found" else 200), url
        html[name] = response.content.decode()
    return html


def test_main_pages_have_no_html_errors(site, tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.skip("no java for the Nu HTML checker: apt-get install default-jre-headless")
    if not VNU.exists():
        pytest.skip(f"no Nu HTML checker at {VNU}: npm ci")
    files = {}
    for name, html in pages(site).items():
        files[name] = tmp_path / f"{name}.html"
        files[name].write_text(html)
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files.values())],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine', '?')}: {m['message']}"
        f" ({m.get('extract', '').strip()})"
        for m in messages
    ]
    assert errors == []


def test_time_values_are_whole_seconds_in_utc(site):
    html = pages(site)
    values = {value for page in html.values() for value in re.findall(r'datetime="([^"]*)"', page)}
    assert values
    assert {value for value in values if not DATETIME.fullmatch(value)} == set()


def test_no_form_has_an_empty_action(site):
    for name, page in pages(site).items():
        assert not re.search(r'<form\b[^>]*\baction=""', page), name


def test_the_article_filters_submit_to_the_list_they_narrow(site):
    articles, _, _ = site
    for url in ["/articles/", articles[0].category.get_absolute_url()]:
        page = Client().get(url).content.decode()
        assert f'<form class="filters" method="get" action="{url}">' in page


def test_icons_are_linked_and_the_favicon_answered_at_the_root(site):
    page = Client().get("/").content.decode()
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page)
    static = [href.split(settings.STATIC_URL, 1)[1] for href in icons if href != "/favicon.ico"]
    assert len(static) == 2
    assert all(finders.find(path) for path in static)
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
