"""Keep derived data in step with articles: search index, related lists, stored pages."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles import background, keys, related, search, versions
from articles.models import Article, Category, PinnedArticle, SearchEntry, Tag
from caching.dependencies import changed

# The fields whose change alters the indexed text;
INDEXED_FIELDS = {"title", "summary", "body"}
# ... the lists the article is in (which articles are public, in which order,
# in which category), and its own related list;
LISTING_FIELDS = {"status", "published_at", "category_id"}
# ... and what a card of it shows in lists and other articles' related lists.
CARD_FIELDS = {"title", "slug", "summary", "body", *LISTING_FIELDS}


@receiver(post_save, sender=Article, dispatch_uid="index_article")
def index_article(sender, instance, created, **kwargs):
    if created or instance.changed_fields(INDEXED_FIELDS):
        search.index_object(SearchEntry.Kind.ARTICLE, instance)


def _listing_changed(instance, created):
    """Whether a save moves the article into, out of or within the public lists."""
    was_listed = not created and instance.saved_value("status") == Article.Status.PUBLISHED
    is_listed = instance.status == Article.Status.PUBLISHED
    return (was_listed or is_listed) and (created or instance.changed_fields(LISTING_FIELDS))


def _retagged(action, pk_set):
    # taggit's set() sends a remove and an add even when nothing changed: only
    # tags that really came or went count.
    return action == "post_clear" or (action in {"post_add", "post_remove"} and pk_set)


@receiver(post_save, sender=Article, dispatch_uid="refresh_own_related_list")
def refresh_own_related_list(sender, instance, created, **kwargs):
    # Its own list at once; the lists of the other articles through the worker
    # (articles/ranking.py, follow), and a scheduled article again when its time comes.
    if created or instance.changed_fields(LISTING_FIELDS):
        related.refresh_for(instance)
    if _listing_changed(instance, created):
        background.follow_later(instance)
        if instance.status == Article.Status.PUBLISHED and not instance.is_public():
            background.follow_later(instance, eta=instance.published_at)


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="refresh_on_retag")
def refresh_on_retag(sender, instance, action, pk_set=None, **kwargs):
    # A version of the new tags, the article's own list (ranking a large site costs
    # about 1 s), and the other lists through the worker.
    if _retagged(action, pk_set):
        versions.record_retag(instance)
        related.refresh_for(instance)
        if instance.is_public():
            background.follow_later(instance)


@receiver(post_delete, sender=Article, dispatch_uid="unindex_article")
def unindex_article(sender, instance, **kwargs):
    search.unindex(SearchEntry.Kind.ARTICLE, instance.pk)


# What a change touches, by dependency key (caching/dependencies.py): the
# object's own key reaches every page that shows it; a list key, the pages
# that list what entered or left.
@receiver(post_save, sender=Article, dispatch_uid="article_saved_pages")
def article_saved(sender, instance, created, **kwargs):
    # Its own page shows when it was last updated; what else a save touches
    # depends on the fields it changed.
    touched = [keys.page(instance.pk)]
    if created or instance.changed_fields(CARD_FIELDS):
        touched.append(instance)
    if _listing_changed(instance, created):
        # Lists it enters or leaves, and the "people also read" lists it was
        # stored in (read through published(), they follow at once).
        touched.append(keys.PUBLIC_ARTICLES)
        touched += map(keys.related, related.lists_with(instance))
    changed(*touched)


@receiver(post_delete, sender=Article, dispatch_uid="article_deleted_pages")
def article_deleted(sender, instance, **kwargs):
    changed(instance, keys.PUBLIC_ARTICLES)


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="article_tags_pages")
def article_tags_changed(sender, instance, action, pk_set=None, **kwargs):
    # taggit's set() sends a remove and an add even when nothing changed.
    if action in {"post_add", "post_remove"} and pk_set:
        changed(instance, keys.page(instance.pk), *map(keys.tagged_articles, pk_set))
    elif action == "post_clear":
        # The removed tags are not named: every tag page follows.
        changed(instance, keys.page(instance.pk), keys.PUBLIC_ARTICLES)


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
    changed(instance, keys.tagged_articles(instance.pk))


@receiver(post_save, sender=PinnedArticle, dispatch_uid="pin_saved_list")
@receiver(post_delete, sender=PinnedArticle, dispatch_uid="pin_deleted_list")
def pins_changed(sender, instance, **kwargs):
    # The article's list takes its picks at once; nothing is ranked again.
    article_id = instance.article_id
    transaction.on_commit(lambda: related.repin(article_id))
