"""Content changes at a steady pace, as moderators and editors make them, for bench/longtail.sh.

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/changes.py --pending 2000
    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/changes.py --every 2 --seconds 120

--pending N makes sure at least N experiences by the benchmark's author wait
for a moderator, each linked to a random public article, creating the ones
missing (through the model, so they are masked and indexed as the site does).

--every S makes one change every S seconds, alternating: a moderator approves
one of those pending experiences (community.moderation.approve), then an
editor saves a random public article (Article.save() in a transaction, as the
admin's save does), so the app's own signal receivers do what they do for a
real change. It prints "ready" once Django is loaded, changes until --seconds
have passed or it is stopped (SIGTERM, SIGINT), and prints one JSON line: how
many changes of each kind it made and how long they took.
"""

import argparse
import json
import random
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUTHOR = "load-bench-author"  # no e-mail address, so approvals send no mail
MODERATOR = "load-bench-moderator"
PHRASES = [
    "网贷逾期", "催收电话", "通讯录", "协商还款", "个性化分期", "征信报告", "律师函", "违约金",
    "停息挂账", "银行客服", "投诉渠道", "还款计划", "利息", "本金", "最低还款", "信用卡",
    "家里人", "同事", "工资", "房租", "这个月", "后来", "终于", "我先", "然后", "但是",
]  # fmt: skip


def text(rng, low, high):
    """Chinese-looking text of `low` to `high` characters, punctuated now and then."""
    length = rng.randint(low, high)
    parts, written = [], 0
    while written < length:
        parts.append(rng.choice(PHRASES) + ("，" if rng.random() < 0.2 else ""))
        written += len(parts[-1])
    return "".join(parts)[:length]


def accounts():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    author, _ = users.get_or_create(username=AUTHOR)
    moderator, _ = users.get_or_create(username=MODERATOR, defaults={"is_staff": True})
    return author, moderator


def ensure_pending(count, seed):
    """Create pending experiences by the benchmark's author until there are `count`."""
    from django.db import transaction

    from articles.models import Article
    from community.models import Experience

    author, _ = accounts()
    pending = Experience.objects.filter(author=author, status=Experience.Status.PENDING)
    missing = count - pending.count()
    if missing <= 0:
        return {"pending": pending.count(), "created": 0}
    rng = random.Random(seed + Experience.objects.filter(author=author).count())
    articles = list(Article.objects.published().values_list("pk", flat=True))
    with transaction.atomic():  # one commit, not one per post
        for _ in range(missing):
            Experience.objects.create(
                author=author,
                article_id=rng.choice(articles),
                title=text(rng, 5, 80),
                body=text(rng, 20, 2000),
            )
    return {"pending": pending.count(), "created": missing}


class Changes:
    def __init__(self, seed):
        from articles.models import Article
        from community.models import Experience

        self.rng = random.Random(seed)
        self.author, self.moderator = accounts()
        self.articles = list(Article.objects.published().values_list("pk", flat=True))
        self.pending = list(
            Experience.objects.filter(
                author=self.author, status=Experience.Status.PENDING
            ).values_list("pk", flat=True)
        )
        self.rng.shuffle(self.pending)
        self.durations = {"approve": [], "save": []}

    def approve(self):
        from community import moderation
        from community.models import Experience

        if not self.pending:
            raise SystemExit("No pending experience left: run with --pending first.")
        experience = Experience.objects.select_related("author").get(pk=self.pending.pop())
        moderation.approve(experience, moderator=self.moderator)

    def save(self):
        from django.db import transaction

        from articles.models import Article

        with transaction.atomic():
            Article.objects.get(pk=self.rng.choice(self.articles)).save()

    def run(self, every, seconds, stopped):
        started = time.monotonic()
        late = 0
        for number in range(1, sys.maxsize):
            due = started + number * every
            if due - started > seconds:
                break
            while not stopped() and time.monotonic() < due:
                time.sleep(min(0.1, max(0.0, due - time.monotonic())))
            if stopped():
                break
            late += time.monotonic() - due > 0.5  # the previous change overran its slot
            kind = "approve" if number % 2 else "save"
            began = time.perf_counter()
            getattr(self, kind)()
            self.durations[kind].append((time.perf_counter() - began) * 1000)
        every_duration = self.durations["approve"] + self.durations["save"]

        def mean(values):
            return round(statistics.fmean(values), 1) if values else None

        return {
            "changes": len(every_duration),
            "approvals": len(self.durations["approve"]),
            "saves": len(self.durations["save"]),
            "mean_ms": mean(every_duration),
            "approve_mean_ms": mean(self.durations["approve"]),
            "save_mean_ms": mean(self.durations["save"]),
            "max_ms": round(max(every_duration), 1) if every_duration else None,
            "late": late,
            "seconds": round(time.monotonic() - started, 1),
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, help="experiences that must wait for a moderator")
    parser.add_argument("--every", type=float, help="seconds between two changes")
    parser.add_argument("--seconds", type=float, default=3600, help="stop after this long")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not args.pending and not args.every:
        parser.error("give --pending, --every or both")

    # The shell that starts this in the background stops it with SIGTERM; the
    # changes made until then are counted, the one under way is finished.
    stop = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.append(True))

    import django

    django.setup()
    if args.pending:
        print(json.dumps(ensure_pending(args.pending, args.seed)), flush=True)
    if args.every:
        changes = Changes(args.seed)
        print("ready", flush=True)
        print(json.dumps(changes.run(args.every, args.seconds, lambda: bool(stop))), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
