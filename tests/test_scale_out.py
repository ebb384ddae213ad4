"""Two app servers sharing one database and one Redis behave as one site.

On PostgreSQL (DATABASE_URL=postgres://…) the servers share a fresh PostgreSQL
database; otherwise a SQLite file. Redis is shared in both cases.
"""

import urllib.parse

import pytest

from tests.servers import Browser, manage, migrated_env, servers
from tests.staff import APP_KEY, app_code

pytestmark = pytest.mark.redis
PASSWORD = "Pw-long-12345"


def test_two_servers_share_edits_sessions_and_rate_limits(server_database_url):
    env = migrated_env(server_database_url, RATE_LIMIT_EXPERIENCES_PER_HOUR="2")
    create_user = "from django.contrib.auth.models import User; User.objects.create_user"
    manage(env, "shell", "-c", f"{create_user}('writer', password='{PASSWORD}')")

    def post(base, title):
        return browser.post_form(
            f"{base}/experiences/new/",
            {"title": title, "body": "这是一段足够长的正文，讲述两台服务器之间的经历。"},
        )

    with servers(env) as (first, second):
        browser = Browser()
        status, url, _ = browser.post_form(
            f"{first}/accounts/login/", {"username": "writer", "password": PASSWORD}
        )
        assert (status, urllib.parse.urlsplit(url).path) == (200, "/experiences/mine/")

        # The session made on the first server works on the second.
        status, url, page = browser.get(f"{second}/experiences/mine/")
        assert (status, urllib.parse.urlsplit(url).path) == (200, "/experiences/mine/")

        # A post through the first is on the second at once.
        assert post(first, "第一台服务器上的经历")[0] == 200
        assert "第一台服务器上的经历" in browser.get(f"{second}/experiences/mine/")[2]

        # The hourly limit of 2 counts posts on both servers together.
        assert post(second, "第二台服务器上的经历")[0] == 200
        status, _, _ = post(first, "第三篇，超过限额")
        assert status == 429
        assert "第三篇，超过限额" not in browser.get(f"{second}/experiences/mine/")[2]


CONTENT = f"""
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from django.utils import timezone
from articles.models import Article, Category
editor = User.objects.create_user("editor", password="{PASSWORD}", is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))
TOTPDevice.objects.create(user=editor, name="app", key="{APP_KEY}", confirmed=True)
category = Category.objects.create(name="网贷", slug="wangdai")
articles = [("yuqi", "逾期了怎么办", "published"), ("xieshang", "协商还款的新规定", "draft")]
for slug, title, status in articles:
    Article.objects.create(title=title, slug=slug, category=category, body="正文。",
                           status=status, published_at=timezone.now())
print(Article.objects.get(slug="xieshang").pk)
"""


def test_cached_pages_on_one_server_follow_changes_made_through_the_other(server_database_url):
    env = migrated_env(server_database_url)
    draft_pk = manage(env, "shell", "-c", CONTENT).split()[-1]

    with servers(env) as (first, second):

        def anonymous(url):
            status, _, page = Browser().get(url)
            assert status == 200
            return page

        for _ in range(2):  # the second answer comes from the page cache
            assert "协商还款的新规定" not in anonymous(f"{second}/articles/")
            assert "有用 (0)" in anonymous(f"{second}/articles/yuqi/")

        # An editor publishes through the first server ...
        editor = Browser()
        editor.post_form(
            f"{first}/admin/login/",
            {"username": "editor", "password": PASSWORD, "otp_token": app_code()},
        )
        status, _, _ = editor.post_form(
            f"{first}/admin/articles/article/",
            {"action": "publish_now", "_selected_action": draft_pk},
        )
        assert status == 200
        # ... and a reader votes there, with a token fetched as the page's script does.
        status, _, _ = Browser().post_with_fetched_token(
            f"{first}/articles/yuqi/helpful/", {}, f"{first}/csrf/"
        )
        assert status == 200

        # Anonymous readers of the second server see both on their next request.
        assert "协商还款的新规定" in anonymous(f"{second}/articles/")
        assert "有用 (1)" in anonymous(f"{second}/articles/yuqi/")
