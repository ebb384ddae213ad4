"""Every kind of change reaches a reader through Varnish on the next request.

The app runs in its own process behind Varnish (deploy/varnish/portal.vcl),
with FRONTEND_CACHE_URLS naming it; changes are made as editors and
moderators make them, in other processes, and purge Varnish by key.
"""

import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.servers import Browser, edge_cache, free_port, migrated_env, query, servers

pytestmark = [pytest.mark.edge, pytest.mark.redis]

SETUP = """
import json
from django.contrib.auth import get_user_model
from articles.models import Article, Category
from community.models import Experience
loans = Category.objects.create(name="网贷", slug="online-loans")
credit = Category.objects.create(name="征信", slug="credit")
def article(title, slug, category, tags, **fields):
    item = Article.objects.create(title=title, slug=slug, category=category,
        body="## 要点\\n\\n正文内容，讲逾期以后怎么办。", status="published", **fields)
    item.tags.set(tags)
    return item
a = article("网贷逾期怎么办", "loans-a", loans, ["逾期"])
b = article("协商还款的步骤", "loans-b", loans, ["协商"])
u = article("征信报告怎么看", "credit-u", credit, ["征信"])
draft = Article.objects.create(title="新规定的解读", slug="draft-c", category=loans,
    body="正文", status="draft")
author = get_user_model().objects.create_user("xiaoyu", password="pw-reader-1")
post = Experience.objects.create(author=author, title="和催收协商成功的经过", article=b,
    body="这是一段足够长的经历正文，讲述我和催收打交道的过程。")
get_user_model().objects.create_user("mod", password="pw-mod-1", is_staff=True)
print(json.dumps(post.pk))
"""


def fetch(url):
    """Return (status, X-Cache, body) of an anonymous GET."""
    url = urllib.parse.quote(url, safe=":/?&=")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("X-Cache"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache"), error.read().decode()


def change(env, code):
    """Make a change in another process, as the admin or a command would."""
    query(env, f"{code}\nimport json\nprint(json.dumps(True))")


def save_article(env, slug, **fields):
    """Change `fields` of an article and save it, as an editor's save does."""
    assignments = "".join(f"article.{name} = {value!r}\n" for name, value in fields.items())
    change(
        env,
        "from articles.models import Article\n"
        f"article = Article.objects.get(slug={slug!r})\n{assignments}article.save()",
    )


@pytest.fixture
def site(server_database_url):
    env = migrated_env(server_database_url)
    edge_port = free_port()
    env["FRONTEND_CACHE_URLS"] = f"http://127.0.0.1:{edge_port}"
    post_id = query(env, SETUP)
    with servers(env, count=1) as [app], edge_cache(app, port=edge_port) as edge:
        yield env, edge, post_id


def warm(edge, *paths):
    for path in paths:
        fetch(edge + path)
        status, cached, _ = fetch(edge + path)
        assert (status, cached) == (200, "HIT"), path


def test_every_kind_of_change_reaches_a_reader_through_varnish(site):
    env, edge, post_id = site
    a, b, u = "/articles/loans-a/", "/articles/loans-b/", "/articles/credit-u/"

    # Publish.
    warm(edge, "/", "/articles/", u)
    save_article(env, "draft-c", status="published")
    for path in ["/", "/articles/"]:
        assert "新规定的解读" in fetch(edge + path)[2], path
    assert fetch(edge + "/articles/draft-c/")[0] == 200

    # Edit.
    warm(edge, a, "/articles/", "/categories/online-loans/")
    save_article(env, "loans-a", title="逾期以后先做三件事")
    for path in [a, "/articles/", "/categories/online-loans/"]:
        assert "逾期以后先做三件事" in fetch(edge + path)[2], path

    # Retag.
    warm(edge, "/tags/逾期/", a)
    change(env, "from articles.models import Article\n"
                "Article.objects.get(slug='loans-a').tags.set(['上征信'])")  # fmt: skip
    assert fetch(edge + "/tags/逾期/")[0] == 404
    assert "逾期以后先做三件事" in fetch(edge + "/tags/上征信/")[2]
    assert "上征信" in fetch(edge + a)[2]

    # Approve: the article it is about and the list follow; an unrelated article stays stored.
    warm(edge, b, u, "/experiences/")
    change(env, "from django.contrib.auth import get_user_model\n"
                "from community import moderation\nfrom community.models import Experience\n"
                f"moderation.approve(Experience.objects.get(pk={post_id}),"
                " moderator=get_user_model().objects.get(username='mod'))")  # fmt: skip
    for path in [b, "/experiences/"]:
        assert "和催收协商成功的经过" in fetch(edge + path)[2], path
    assert fetch(edge + u)[1] == "HIT"

    # Hide.
    warm(edge, b, "/experiences/", f"/experiences/{post_id}/")
    change(env, "from django.contrib.auth import get_user_model\n"
                "from community import moderation\nfrom community.models import Experience\n"
                f"moderation.hide(Experience.objects.get(pk={post_id}),"
                " moderator=get_user_model().objects.get(username='mod'))")  # fmt: skip
    for path in [b, "/experiences/"]:
        assert "和催收协商成功的经过" not in fetch(edge + path)[2], path
    assert fetch(edge + f"/experiences/{post_id}/")[0] == 404

    # A vote, through Varnish (a POST passes), with the token a cached page's script fetches.
    warm(edge, b)
    assert "有用 (0)" in fetch(edge + b)[2]
    status, _, _ = Browser().post_with_fetched_token(f"{edge}{b}helpful/", {}, f"{edge}/csrf/")
    assert status == 200  # the redirect back to the article, followed
    assert "有用 (1)" in fetch(edge + b)[2]

    # Unpublish.
    warm(edge, a, "/articles/")
    save_article(env, "loans-a", status="draft")
    assert fetch(edge + a)[0] == 404
    assert "逾期以后先做三件事" not in fetch(edge + "/articles/")[2]


# Two seconds ahead of the save: the list rendered just after it is stored in Varnish
# for one whole second (s-maxage counts whole seconds, and 0 is not stored).
SCHEDULE_SOON = """
import datetime, json
from django.utils import timezone
from articles.models import Article
article = Article.objects.get(slug="draft-c")
article.status = "published"
# Far enough ahead that the list is stored meanwhile: s-maxage counts whole seconds.
article.published_at = timezone.now() + datetime.timedelta(seconds=4)
article.save()
print(json.dumps(article.published_at.timestamp()))
"""


def edge_ttl(url):
    """Return the seconds Varnish still keeps its copy of `url` (asked as a purger may)."""
    request = urllib.request.Request(url, headers={"X-Edge-Debug": "1"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return float(response.headers["X-Edge-TTL"])


def test_a_scheduled_article_reaches_readers_through_varnish_when_its_time_comes(site):
    env, edge, _ = site
    warm(edge, "/articles/")  # the app has rendered the list once: the next rendering is quick
    moment = query(env, SCHEDULE_SOON)
    warm(edge, "/articles/")
    assert "新规定的解读" not in fetch(edge + "/articles/")[2]
    # The app told Varnish to keep the list no later than the moment.
    assert time.time() + edge_ttl(edge + "/articles/") <= moment + 0.05
    # Varnish and the app are processes of their own and keep real time (time-machine
    # moves only this one's clock): wait for the moment itself, under four seconds.
    time.sleep(max(0.0, moment - time.time()) + 0.05)
    assert "新规定的解读" in fetch(edge + "/articles/")[2]
    assert fetch(edge + "/articles/draft-c/")[0] == 200
