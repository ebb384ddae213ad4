from django.core.management.base import BaseCommand

from caching.dependencies import SITE, changed


class Command(BaseCommand):
    help = (
        "Make every stored page and fragment out of date, here and in the edge caches. Run "
        "it once per release that changes templates or page code (make serve runs it on start)."
    )

    def handle(self, *args, **options):
        changed(SITE)
        self.stdout.write("Stored pages and fragments will be rendered again.")
