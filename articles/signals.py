"""Keep derived data in step with articles: search index, related lists, cached pages."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles import related, search
from articles.models import Article, Category, SearchEntry, Tag
from portal import pagecache

# Saves that touch none of these leave the indexed text as it was.
INDEXED_FIELDS = {"title", "summary", "body"}
# ... and none of these leave the article's own related list as it was.
RANKING_FIELDS = {"status", "published_at", "category"}


@receiver(post_save, sender=Article, dispatch_uid="index_article")
def index_article(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or INDEXED_FIELDS & set(update_fields):
        search.index_object(SearchEntry.Kind.ARTICLE, instance)


@receiver(post_save, sender=Article, dispatch_uid="refresh_own_related_list")
def refresh_own_related_list(sender, instance, update_fields=None, **kwargs):
    # Its neighbours' lists pick it up at the next `refresh_related` run.
    if update_fields is None or RANKING_FIELDS & set(update_fields):
        related.refresh_for(instance)


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="refresh_on_retag")
def refresh_on_retag(sender, instance, action, pk_set=None, **kwargs):
    # taggit's set() sends a remove and an add even when nothing changed: rank
    # only when tags really came or went (ranking a large site costs about 1 s).
    changed = action == "post_clear" or (action in {"post_add", "post_remove"} and pk_set)
    if changed and isinstance(instance, Article):
        related.refresh_for(instance)


@receiver(post_delete, sender=Article, dispatch_uid="unindex_article")
def unindex_article(sender, instance, **kwargs):
    search.unindex(SearchEntry.Kind.ARTICLE, instance.pk)


# Articles, their categories and tags show on most pages (menus, cards,
# "people also read"), so any change to them makes every cached page stale.
@receiver(post_save, sender=Article, dispatch_uid="article_pages_changed")
@receiver(post_delete, sender=Article, dispatch_uid="article_pages_deleted")
@receiver(post_save, sender=Category, dispatch_uid="category_pages_changed")
@receiver(post_delete, sender=Category, dispatch_uid="category_pages_deleted")
@receiver(post_delete, sender=Tag, dispatch_uid="tag_pages_deleted")
@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="article_tags_pages_changed")
def pages_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        pagecache.content_changed()


@receiver(post_save, sender=Tag, dispatch_uid="tag_pages_changed")
def tag_pages_changed(sender, created, **kwargs):
    # A new tag shows nowhere until a public article or post carries it, which
    # renews the generation itself; a renamed one shows wherever it is used.
    if not created:
        pagecache.content_changed()
