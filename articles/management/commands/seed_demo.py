import zlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import related
from articles.importing import read_article_file, store_article
from articles.models import Article, Category
from community.demo import CONTRIBUTOR_PASSWORD, CONTRIBUTORS, create_demo_experiences
from community.models import Experience

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"

CATEGORIES = [
    ("debt", "债务", "理清欠款、安排还款顺序、和家人沟通，一步步走出债务困境。"),
    ("online-loans", "网贷", "识别正规平台、算清真实利率、应对网贷逾期。"),
    ("credit-report", "征信", "查询和读懂个人信用报告，处理错误记录与征信异议。"),
    ("credit-cards", "信用卡", "最低还款、分期手续费、停息挂账与个性化分期。"),
    ("collection", "催收", "催收的边界在哪里，遇到暴力催收如何保留证据和投诉。"),
    ("law", "法律常识", "借条、诉讼时效、被起诉和被执行时需要知道的法律常识。"),
]

# (username, password, group); the demo accounts are staff but not superusers.
DEMO_USERS = [
    ("editor", "editor-demo-2026", "Editors"),
    ("moderator", "moderator-demo-2026", "Moderators"),
]


class Command(BaseCommand):
    help = "Fill the database with the demo content and demo accounts. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DJANGO_DEBUG off (the demo accounts have public passwords).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to create demo accounts with public passwords while DJANGO_DEBUG is "
                "off. Use --force on a throwaway database."
            )
        # Only what is missing is created: a second run leaves edits, votes and
        # changed passwords alone.
        for position, (slug, name, description) in enumerate(CATEGORIES):
            Category.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "description": description, "position": position},
            )
        existing = set(Article.objects.values_list("slug", flat=True))
        created_count = 0
        for path in sorted(DEMO_DIR.glob("*.md")):
            data = read_article_file(path)
            if data.slug in existing:
                continue
            article, _ = store_article(data)
            # Plausible, stable vote counts for the "most helpful" list.
            article.helpful_count = zlib.crc32(article.slug.encode()) % 140
            article.save(update_fields=["helpful_count"])
            created_count += 1
        self._create_users()
        experiences_added = create_demo_experiences()
        related.refresh_all()
        total = Article.objects.count()
        public = Article.objects.published().count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {total} articles ({public} public, {created_count} new), "
                f"{Category.objects.count()} categories, "
                f"{Experience.objects.count()} reader experiences ({experiences_added} new)."
            )
        )
        self.stdout.write("Demo logins (admin at http://127.0.0.1:8000/admin/):")
        for username, password, group in DEMO_USERS:
            self.stdout.write(f"  {username:<10} password {password:<22} ({group})")
        self.stdout.write(
            f"  Readers {', '.join(CONTRIBUTORS)}: password {CONTRIBUTOR_PASSWORD} (the site)"
        )

    def _create_users(self):
        User = get_user_model()
        for username, password, group_name in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com", "is_staff": True}
            )
            if created:
                user.set_password(password)
                user.save()
                user.groups.add(Group.objects.get(name=group_name))
