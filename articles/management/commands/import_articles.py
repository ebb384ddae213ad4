from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles import ranking
from articles.importing import ArticleFileError, read_article_file, store_article


class Command(BaseCommand):
    help = (
        "Import articles from Markdown files with YAML front matter (title, slug, category, "
        "tags, status, published_at). Existing slugs are updated, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .md file or a folder searched for .md files.")

    def handle(self, *args, path, **options):
        root = Path(path)
        if not root.exists():
            raise CommandError(f"{root} does not exist.")
        files = [root] if root.is_file() else sorted(root.rglob("*.md"))
        created = updated = failed = 0
        for file in files:
            try:
                _, was_created = store_article(read_article_file(file))
            except ArticleFileError as error:
                failed += 1
                self.stderr.write(self.style.ERROR(str(error)))
                continue
            except DatabaseError as error:
                # store_article is atomic: this file left nothing behind.
                failed += 1
                self.stderr.write(self.style.ERROR(f"{file.name}: not stored ({error})"))
                continue
            created += was_created
            updated += not was_created
        if created or updated:
            ranking.refresh_all()  # new articles reach their neighbours' lists now
        summary = f"{len(files)} files: {created} created, {updated} updated, {failed} failed."
        self.stdout.write(self.style.WARNING(summary) if failed else self.style.SUCCESS(summary))
