from django.core.management.base import BaseCommand

from portal import pagecache


class Command(BaseCommand):
    help = (
        "Make every cached page and fragment out of date. Run it once per release that "
        "changes templates or page code (make serve runs it on start)."
    )

    def handle(self, *args, **options):
        pagecache.content_changed()
        self.stdout.write("Cached pages and fragments will be rendered again.")
