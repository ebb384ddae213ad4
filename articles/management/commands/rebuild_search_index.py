import time

from django.core.management.base import BaseCommand

from articles import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index from all articles and experiences."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = search.rebuild()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} items in {elapsed:.1f} s."))
