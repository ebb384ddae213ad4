"""Keep derived data in step with articles: the search index."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import search
from articles.models import Article, SearchEntry

# Saves that touch none of these leave the indexed text as it was.
INDEXED_FIELDS = {"title", "summary", "body"}


@receiver(post_save, sender=Article, dispatch_uid="index_article")
def index_article(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or INDEXED_FIELDS & set(update_fields):
        search.index_article(instance)


@receiver(post_delete, sender=Article, dispatch_uid="unindex_article")
def unindex_article(sender, instance, **kwargs):
    search.unindex(SearchEntry.Kind.ARTICLE, instance.pk)
