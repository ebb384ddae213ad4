import time

from django.core.management.base import BaseCommand

from articles import ranking


class Command(BaseCommand):
    help = (
        'Recompute every public article\'s "people also read" list. Run it every few '
        "minutes (cron or a scheduler) so newly published articles reach their neighbours."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = ranking.refresh_all()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Refreshed {count} lists in {elapsed:.1f} s."))
