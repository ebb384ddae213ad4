"""A first version of every article that exists, so an editor can go back to it."""

from django.db import migrations
from django.utils import timezone

FIELDS = ["id", "title", "slug", "summary", "body", "status", "published_at", "created_at"]


def add(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    HistoricalArticle = apps.get_model("articles", "HistoricalArticle")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    tags = {}
    for article_id, name in TaggedArticle.objects.values_list("content_object_id", "tag__name"):
        tags.setdefault(article_id, []).append(name)
    now = timezone.now()
    batch = []
    for article in Article.objects.values(*FIELDS, "category_id").iterator(chunk_size=2000):
        batch.append(
            HistoricalArticle(
                **article,
                tag_names=sorted(tags.get(article["id"], [])),
                history_date=now,
                history_type="+",
                history_change_reason="",
            )
        )
        if len(batch) == 2000:
            HistoricalArticle.objects.bulk_create(batch)
            batch = []
    HistoricalArticle.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_versions")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
