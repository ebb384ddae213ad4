from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.demo import create_demo_articles
from articles.models import Article, Category
from community.demo import CONTRIBUTOR_PASSWORD, CONTRIBUTORS, create_demo_experiences
from community.models import Experience

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
        created_count = create_demo_articles()
        self._create_users()
        experiences_added = create_demo_experiences()
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
        self.stdout.write(
            "  Staff set up an authenticator app (TOTP) at their first admin sign-in."
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
