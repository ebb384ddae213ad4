import zlib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.importing import read_article_file, store_article
from articles.models import Article, Category

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

    @transaction.atomic
    def handle(self, *args, **options):
        for position, (slug, name, description) in enumerate(CATEGORIES):
            Category.objects.update_or_create(
                slug=slug,
                defaults={"name": name, "description": description, "position": position},
            )
        created_count = 0
        for path in sorted(DEMO_DIR.glob("*.md")):
            article, created = store_article(read_article_file(path))
            if created:
                # Plausible, stable vote counts; later runs keep the real ones.
                article.helpful_count = zlib.crc32(article.slug.encode()) % 140
                article.save(update_fields=["helpful_count"])
                created_count += 1
        self._create_users()
        total = Article.objects.count()
        public = Article.objects.published().count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {total} articles ({public} public, {created_count} new), "
                f"{Category.objects.count()} categories."
            )
        )
        self.stdout.write("Demo logins (admin at http://127.0.0.1:8000/admin/):")
        for username, password, group in DEMO_USERS:
            self.stdout.write(f"  {username:<10} password {password:<22} ({group})")

    def _create_users(self):
        User = get_user_model()
        for username, password, group_name in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=group_name))
