"""The production configuration (`make serve`) under load while its Redis is stopped for 10 s.

wrk keeps a few public pages busy; once the app has stored them all, Redis
stops, an editor changes an article and a moderator approves a post through
the admin, and Redis starts again with the data it held; the load goes on
while the workers reconnect. No request may fail, both changes must be
stored, and once Redis is back readers must see them (no page stored before
the outage may be served).

gunicorn, Redis and wrk are processes of their own and keep real time, which
time-machine cannot move: the outage lasts real seconds, ten of the intervals
after which the cache client tries Redis again (RETRY_SECONDS in settings).
"""

import html.parser
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from tests.servers import ROOT, Browser, manage, own_redis, production_server, query
from tests.staff import APP_KEY, app_code

pytestmark = pytest.mark.soak
OUTAGE_SECONDS = 10
# Load after Redis is back, while every worker finds it again (each tries every second).
RECOVERY_SECONDS = 5
# wrk's own limit; it is stopped (SIGINT: it prints its summary) RECOVERY_SECONDS after.
LOAD_LIMIT_SECONDS = 300
PASSWORD = "Pw-long-12345"
NEW_TITLE = "停机期间改过的标题"
POST_TITLE = "停机期间通过审核的经历"

SETUP = f"""
import json
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from articles.models import Article, Category
from community.models import Experience
editor = User.objects.create_user("night-editor", password="{PASSWORD}", is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))
moderator = User.objects.create_user("night-moderator", password="{PASSWORD}", is_staff=True)
moderator.groups.add(Group.objects.get(name="Moderators"))
for staff in (editor, moderator):
    TOTPDevice.objects.create(user=staff, name="app", key="{APP_KEY}", confirmed=True)
author = User.objects.create_user("night-author", password="{PASSWORD}")
post = Experience.objects.create(author=author, title="{POST_TITLE}",
    body="这是一段足够长的经历正文，讲述我和催收打交道的过程。")
article = Article.objects.published().order_by("pk").first()
paths = ["/", "/articles/", "/experiences/", article.get_absolute_url(),
         article.category.get_absolute_url()]
paths += [e.get_absolute_url() for e in Experience.objects.approved()[:3]]
print(json.dumps({{"article": article.pk, "article_url": article.get_absolute_url(),
                  "post": post.pk, "paths": paths}}))
"""

STORED = """
import json
from articles.models import Article
from community.models import Experience
print(json.dumps({"title": Article.objects.get(pk=%d).title,
                  "status": Experience.objects.get(pk=%d).status}))
"""


class FormFields(html.parser.HTMLParser):
    """The fields a browser sends from a page's forms: inputs, text areas, chosen options."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data.removeprefix("\n")


def staff_browser(base, username):
    """A browser signed in to the admin through its login form."""
    browser = Browser()
    status, url, _ = browser.post_form(
        f"{base}/admin/login/?next=/admin/",
        {"username": username, "password": PASSWORD, "otp_token": app_code()},
    )
    assert (status, urllib.parse.urlsplit(url).path) == (200, "/admin/"), (status, url)
    return browser


def edit_article(base, pk):
    browser = staff_browser(base, "night-editor")
    url = f"{base}/admin/articles/article/{pk}/change/"
    status, _, page = browser.get(url)
    assert status == 200
    form = FormFields()
    form.feed(page)
    status, landed, page = browser.post(url, {**form.fields, "title": NEW_TITLE, "_save": "1"})
    assert status == 200 and landed.endswith("/admin/articles/article/"), page[:3000]


def approve_post(base, pk):
    browser = staff_browser(base, "night-moderator")
    queue = f"{base}/admin/community/experience/"
    status, _, page = browser.post_form(
        queue, {"action": "approve_selected", "_selected_action": str(pk)}
    )
    assert status == 200, page[:3000]


def served_from_the_cache(url):
    """Tell whether the app answered `url` with the page it had stored."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.headers.get("X-Cache") == "HIT"
    except OSError:
        return False


def wait_until_stored(base, paths, seconds=60):
    """Wait until the app serves every one of `paths` from its cache, at most `seconds`."""
    deadline = time.monotonic() + seconds
    waiting = list(paths)
    while waiting and time.monotonic() < deadline:
        waiting = [path for path in waiting if not served_from_the_cache(base + path)]
        if waiting:
            time.sleep(0.1)
    assert not waiting, f"not stored under load within {seconds} s: {waiting}"


def test_ten_seconds_without_redis_fail_no_request_and_lose_no_change(
    server_database_url, tmp_path
):
    wrk = shutil.which("wrk")
    if not wrk:
        pytest.skip("wrk is not installed (apt-get install wrk)")
    with own_redis() as redis_server:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DATABASE_URL": server_database_url,
            "REDIS_URL": redis_server.url,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
        manage(env, "migrate", "-v0")
        manage(env, "seed_demo")
        site = query(env, SETUP)
        (tmp_path / "paths").write_text("".join(f"{path}\n" for path in site["paths"]))

        with production_server(env) as (base, _):
            started = time.monotonic()
            load = subprocess.Popen(
                [wrk, "-t2", "-c16", f"-d{LOAD_LIMIT_SECONDS}s",
                 "-s", str(ROOT / "bench" / "wrk.lua"), base],
                env={**os.environ, "PATHS_FILE": str(tmp_path / "paths")},
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            try:
                # Every page stored before the outage: none of them may show after it.
                wait_until_stored(base, site["paths"])
                redis_server.stop(keep_data=True)
                outage = time.monotonic()
                health = Browser().get(f"{base}/healthz")
                edit_article(base, site["article"])
                approve_post(base, site["post"])
                writes_done = time.monotonic() - outage
                time.sleep(max(0.0, outage + OUTAGE_SECONDS - time.monotonic()))
                redis_server.start()
                time.sleep(RECOVERY_SECONDS)
                load.send_signal(signal.SIGINT)
                output, errors = load.communicate(timeout=60)
                loaded = time.monotonic() - started
            finally:
                if load.poll() is None:
                    load.kill()
            browser = Browser()
            article_page = browser.get(f"{base}{site['article_url']}")
            experiences_page = browser.get(f"{base}/experiences/")
            health_after = browser.get(f"{base}/healthz")
        stored = query(env, STORED % (site["article"], site["post"]))

    assert load.returncode == 0, errors
    result = json.loads(output.strip().splitlines()[-1])
    assert result["requests"] > 10 * loaded, result
    assert result["non_2xx_3xx"] == 0, result  # no 5xx (nor 4xx) over the whole run
    assert result["socket_errors"] == 0, result
    assert writes_done < OUTAGE_SECONDS, writes_done  # both made while Redis was down
    assert health[0] == 200 and "cache unreachable" in health[2], health
    assert stored == {"title": NEW_TITLE, "status": "approved"}
    assert health_after[0] == 200 and health_after[2] == "ok\n"
    # Redis came back with the pages it stored before the outage: none may show.
    assert article_page[0] == 200 and NEW_TITLE in article_page[2]
    assert experiences_page[0] == 200 and POST_TITLE in experiences_page[2]
