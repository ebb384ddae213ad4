"""Keep derived data in step with articles: search index, related lists, stored pages."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles import keys, related, search
from articles.models import Article, Category, SearchEntry, Tag
from caching.dependencies import changed, key_for

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


# What a change touches, by dependency key (caching/dependencies.py): the
# object's own key reaches every page that shows it; a list key, the pages
# that list what entered or left.
@receiver(post_save, sender=Article, dispatch_uid="article_saved_pages")
def article_saved(sender, instance, created, **kwargs):
    before = None if created else getattr(instance, "loaded_listing", None)
    now = instance.listing()
    # Loaded without those fields (a partial query): assume the lists changed.
    unknown = not created and before is None
    listed = unknown or Article.Status.PUBLISHED in {before and before[0], now[0]}
    changed(instance, *([keys.PUBLIC_ARTICLES] if before != now and listed else []))
    instance.loaded_listing = now


@receiver(post_delete, sender=Article, dispatch_uid="article_deleted_pages")
def article_deleted(sender, instance, **kwargs):
    changed(instance, keys.PUBLIC_ARTICLES)


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="article_tags_pages")
def article_tags_changed(sender, instance, action, pk_set=None, **kwargs):
    if action in {"post_add", "post_remove"} and pk_set:
        if isinstance(instance, Article):
            changed(instance, *map(keys.tagged, pk_set))
        else:  # tag.article_set.add(…): pk_set holds articles
            changed(keys.tagged(instance.pk), *(key_for(Article, pk) for pk in pk_set))
    elif action == "post_clear":
        # The removed tags are not named: every tag page follows.
        changed(instance, keys.PUBLIC_ARTICLES)


@receiver(post_save, sender=Category, dispatch_uid="category_saved_pages")
@receiver(post_delete, sender=Category, dispatch_uid="category_deleted_pages")
def category_changed(sender, instance, **kwargs):
    # The menu of categories is on every page.
    changed(instance, keys.CATEGORIES)


@receiver(post_save, sender=Tag, dispatch_uid="tag_saved_pages")
def tag_saved(sender, instance, created, **kwargs):
    # A new tag shows nowhere until something public carries it.
    if not created:
        changed(instance)


@receiver(post_delete, sender=Tag, dispatch_uid="tag_deleted_pages")
def tag_deleted(sender, instance, **kwargs):
    changed(instance, keys.tagged(instance.pk))
