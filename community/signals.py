"""Keep the search index and cached pages in step with experiences and their authors."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles import search
from articles.models import SearchEntry
from community.models import Experience
from portal import pagecache

INDEXED_FIELDS = {"title", "body"}


@receiver(post_save, sender=Experience, dispatch_uid="index_experience")
def index_experience(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or INDEXED_FIELDS & set(update_fields):
        search.index_object(SearchEntry.Kind.EXPERIENCE, instance)


@receiver(post_delete, sender=Experience, dispatch_uid="unindex_experience")
def unindex_experience(sender, instance, **kwargs):
    search.unindex(SearchEntry.Kind.EXPERIENCE, instance.pk)


# Approved posts show on lists, articles and tag pages, with their author's name.
@receiver(post_delete, sender=Experience, dispatch_uid="experience_pages_deleted")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="author_pages_deleted")
def pages_changed(sender, **kwargs):
    pagecache.content_changed()


@receiver(m2m_changed, sender=Experience.tags.through, dispatch_uid="experience_tags_changed")
def experience_tags_changed(sender, instance, action, **kwargs):
    # The tags of a post waiting for a moderator show nowhere yet.
    pending = isinstance(instance, Experience) and instance.status != Experience.Status.APPROVED
    if action.startswith("post_") and not pending:
        pagecache.content_changed()


@receiver(post_save, sender=Experience, dispatch_uid="experience_pages_changed")
def experience_pages_changed(sender, instance, created, **kwargs):
    # A new post waits for a moderator: no public page shows it yet.
    if not (created and instance.status == Experience.Status.PENDING):
        pagecache.content_changed()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="author_pages_changed")
def author_pages_changed(sender, created, update_fields=None, **kwargs):
    # A new account has no public post yet, and no page shows last_login.
    if not created and (update_fields is None or set(update_fields) != {"last_login"}):
        pagecache.content_changed()
