"""Keep the search index in step with experiences (visibility is filtered at query time)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import search
from articles.models import SearchEntry
from community.models import Experience

INDEXED_FIELDS = {"title", "body"}


@receiver(post_save, sender=Experience, dispatch_uid="index_experience")
def index_experience(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or INDEXED_FIELDS & set(update_fields):
        search.index_experience(instance)


@receiver(post_delete, sender=Experience, dispatch_uid="unindex_experience")
def unindex_experience(sender, instance, **kwargs):
    search.unindex(SearchEntry.Kind.EXPERIENCE, instance.pk)
