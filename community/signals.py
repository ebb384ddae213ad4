"""Keep the search index, stored pages and members in step with experiences and accounts."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles import keys as article_keys
from articles import search
from articles.models import SearchEntry
from caching.dependencies import changed
from community import keys, members
from community.models import Experience, Member

INDEXED_FIELDS = {"title", "body"}


@receiver(post_save, sender=Experience, dispatch_uid="index_experience")
def index_experience(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or INDEXED_FIELDS & set(update_fields):
        search.index_object(SearchEntry.Kind.EXPERIENCE, instance)


@receiver(post_delete, sender=Experience, dispatch_uid="unindex_experience")
def unindex_experience(sender, instance, **kwargs):
    search.unindex(SearchEntry.Kind.EXPERIENCE, instance.pk)


# What a change touches, by dependency key (caching/dependencies.py).
def _lists_of(experience, article_id):
    """The keys of the lists an approved post about `article_id` is in."""
    tags = experience.tags.values_list("pk", flat=True)
    return [
        keys.PUBLIC_EXPERIENCES,
        *([article_keys.experiences(article_id)] if article_id else []),
        *map(keys.tagged_experiences, tags),
    ]


@receiver(post_save, sender=Experience, dispatch_uid="experience_saved_pages")
def experience_saved(sender, instance, created, **kwargs):
    approved = Experience.Status.APPROVED
    was_public = not created and instance.saved_value("status", approved) == approved
    if not (was_public or instance.is_public()):
        return  # a post in moderation shows on no public page
    touched = [instance]
    if created or instance.changed_fields({"status", "article_id"}):
        if was_public:
            touched += _lists_of(instance, instance.saved_value("article_id"))
        if instance.is_public():
            touched += _lists_of(instance, instance.article_id)
    changed(*touched)


@receiver(post_delete, sender=Experience, dispatch_uid="experience_deleted_pages")
def experience_deleted(sender, instance, **kwargs):
    if instance.is_public():
        article = [article_keys.experiences(instance.article_id)] if instance.article_id else []
        changed(instance, keys.PUBLIC_EXPERIENCES, *article)


@receiver(m2m_changed, sender=Experience.tags.through, dispatch_uid="experience_tags_pages")
def experience_tags_changed(sender, instance, action, pk_set=None, **kwargs):
    # The tags of a post waiting for a moderator show nowhere yet; taggit's
    # set() sends a remove and an add even when nothing changed.
    if action in {"post_add", "post_remove"} and pk_set and instance.is_public():
        changed(instance, *map(keys.tagged_experiences, pk_set))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="author_saved_pages")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="author_deleted_pages")
def author_changed(sender, instance, created=False, update_fields=None, **kwargs):
    # Pages show an author's name; no page shows last_login, and a new
    # account has no public post yet.
    if not created and (update_fields is None or set(update_fields) != {"last_login"}):
        changed(instance)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="member_name_key")
def keep_name_key(sender, instance, created, update_fields=None, **kwargs):
    """Every account has a Member whose name key follows its username."""
    if update_fields is not None and "username" not in update_fields:
        return
    key = members.name_key(instance.get_username())
    Member.objects.update_or_create(user=instance, defaults={"name_key": key})
