"""The moderators' tools at scale: the queue with 10,000 posts waiting, and the watched words.

    .venv/bin/python bench/moderation.py            # builds bench/.data/moderation.sqlite3 once
    .venv/bin/python bench/moderation.py --rounds 5

Two measures, in one process, on SQLite without Redis (the local-memory cache):

- queue: the moderation queue's first page (100 rows) as a signed-in moderator gets it
  through the whole middleware stack with the test client, with 10,000 posts waiting
  (a tenth flagged, some reported, some claimed), 2,000 decided over the last 90 days;
  also the queue filtered by a signal and the dashboard over 90 days. Each timing also
  counts the page's queries.
- rules: checking a 5,000-character post against 500 rules (the shipped list, then
  words and bounded expressions up to 500), a post that matches nothing and one that
  matches a few flag rules.

One warm-up round, then --rounds rounds in which each measure takes its turn. Printed: the
median of every timing of a measure, the lowest and highest of the rounds' medians, and the
query count.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "bench" / ".data" / "moderation.sqlite3"
PENDING, DECIDED, AUTHORS = 10_000, 2_000, 2_000
CHARS = (
    "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可"
    "下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面"
    "最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间知世什两次使身者被高已"
)


def setup():
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-moderation-only")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build():
    """Migrate a new database and fill it: posts waiting and decided, reports, claims."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from community.models import Claim, Experience, Report

    DATABASE.parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    random.seed(7)
    user_model = get_user_model()
    now = timezone.now()
    authors = user_model.objects.bulk_create(
        user_model(
            username=f"author{n}",
            email=f"author{n}@example.com",
            date_joined=now - datetime.timedelta(days=random.randint(0, 400)),
        )
        for n in range(AUTHORS)
    )
    moderators = []
    for name in ("moderator", "laowang"):
        user = user_model.objects.create_user(name, is_staff=True)  # no password: never signs in
        user.groups.add(Group.objects.get(name="Moderators"))
        moderators.append(user)
    body = "这是一段足够长的经历正文，讲述我和催收打交道的过程，" * 8
    posts = []
    for n in range(PENDING + DECIDED):
        created = now - datetime.timedelta(minutes=random.randint(1, 90 * 24 * 60))
        decided = n >= PENDING
        flagged = n % 10 == 0
        posts.append(
            Experience(
                author=authors[n % AUTHORS],
                title=f"第{n}篇经历",
                body=body,
                status=random.choice(["approved", "rejected"]) if decided else "pending",
                moderated_by=random.choice(moderators) if decided else None,
                moderated_at=created + datetime.timedelta(hours=random.randint(1, 48))
                if decided
                else None,
                rejection_reason="帖子含有广告、代办或联系方式引流。" if decided else "",
                watched_categories="scam" if flagged else "",
                watched_spans={"body": [[4, 8, "scam"]]} if flagged else {},
            )
        )
    posts = Experience.objects.bulk_create(posts)
    # auto_now_add ignores the values given: spread the submissions over 90 days.
    for post in posts:
        post.created_at = now - datetime.timedelta(minutes=random.randint(1, 90 * 24 * 60))
    Experience.objects.bulk_update(posts, ["created_at"], batch_size=1000)
    Report.objects.bulk_create(
        Report(experience=posts[n], reporter=authors[(n + 1) % AUTHORS], reason="advertising")
        for n in range(0, PENDING, 20)
    )
    Claim.objects.bulk_create(
        Claim(experience=posts[n], moderator=moderators[1], expires_at=now)
        for n in range(0, 500, 10)
    )


def signed_in_client():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    moderator = get_user_model().objects.get(username="moderator")
    device, _ = TOTPDevice.objects.get_or_create(user=moderator, name="app")
    client = Client()
    client.force_login(moderator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def page_timer(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(queries)

    return measure


def rules_timer(matching):
    from community import watching
    from community.models import WatchedWord

    rng = random.Random(11)
    rules = list(WatchedWord.objects.ruleset().rules)
    while len(rules) < 500:
        if len(rules) % 10:
            word = "".join(rng.choice(CHARS) for _ in range(rng.randint(3, 5)))
            rule = watching.Rule("other", "flag", watching.compile_rule(word, False))
        else:
            pattern = f"{rng.choice(CHARS)}.{{0,4}}{rng.choice(CHARS)}[0-9]{{3,6}}"
            rule = watching.Rule("other", "flag", watching.compile_rule(pattern, True))
        rules.append(rule)
    ruleset = watching.Ruleset(rules)
    text = "".join(rng.choice(CHARS + "，。 ") for _ in range(5000))
    if matching:  # three flag rules of the shipped list, spread through the post
        text = text[:1000] + "征 信 修 复" + text[1000:3000] + "私聊我" + text[3000:4980] + "扫码"
    text = text[:5000]
    found = ruleset.screen(["一个标题", text]).flagged
    assert bool(found) == matching, found

    def measure():
        start = time.perf_counter()
        ruleset.screen(["一个标题", text])
        return time.perf_counter() - start, None

    return measure, len(rules)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=10, help="page timings a round")
    args = parser.parse_args()
    fresh = not DATABASE.exists()
    setup()
    from django.core.management import call_command

    if fresh:
        print(f"building {DATABASE} …", flush=True)
        build()
    call_command("collectstatic", "--noinput", verbosity=0)  # the admin's manifest
    client = signed_in_client()
    check_clean, rule_count = rules_timer(matching=False)
    check_matching, _ = rules_timer(matching=True)
    measures = {
        "queue, first page": (page_timer(client, "/admin/community/experience/"), args.repeat),
        "queue, ?signal=watched": (
            page_timer(client, "/admin/community/experience/?signal=watched"),
            args.repeat,
        ),
        "dashboard, 90 days": (
            page_timer(client, "/admin/community/experience/dashboard/?days=90"),
            args.repeat,
        ),
        f"rules: {rule_count} on 5,000 chars, no match": (check_clean, 200),
        f"rules: {rule_count} on 5,000 chars, 3 matches": (check_matching, 200),
    }
    for measure, repeat in measures.values():  # warm-up
        for _ in range(min(repeat, 3)):
            measure()
    timings = {name: [] for name in measures}
    medians = {name: [] for name in measures}
    queries = {}
    for _ in range(args.rounds):
        for name, (measure, repeat) in measures.items():
            round_timings = []
            for _ in range(repeat):
                elapsed, count = measure()
                round_timings.append(elapsed * 1000)
                queries[name] = count
            timings[name] += round_timings
            medians[name].append(statistics.median(round_timings))
    print(f"{'measure':<42} {'median ms':>10} {'rounds ms':>16} {'queries':>8}")
    for name in measures:
        spread = f"{min(medians[name]):.2f}–{max(medians[name]):.2f}"
        count = "" if queries[name] is None else str(queries[name])
        print(f"{name:<42} {statistics.median(timings[name]):>10.2f} {spread:>16} {count:>8}")


if __name__ == "__main__":
    main()
