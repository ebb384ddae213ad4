import math
import zlib

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import ItemBase, NaturalKeyManager, TagBase

from articles.rendering import excerpt, render_markdown
from caching.canonical import path_to
from caching.models import TracksChanges


class Category(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        allow_unicode=True,
        help_text=_("Part of the category's address, e.g. online-loans."),
    )
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("One sentence shown on the category page and to search engines."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first in the site menu.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return path_to("articles:category", "slug", self.slug)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Return the articles the public may read: published, their time come (by `now`)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def next_publication(self, after=None):
        """Return when the next scheduled article goes public (after `after`, default now)."""
        upcoming = self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=after or timezone.now()
        )
        return upcoming.aggregate(first=models.Min("published_at"))["first"]

    def visible_to(self, user):
        """Return what `user` may open: editors also preview drafts and scheduled articles.

        Only when signed in with their second factor (django-otp's middleware adds
        `is_verified()` to the request's user): a password alone shows nothing unpublished.
        """
        verified = getattr(user, "is_verified", None)
        if user.is_staff and user.has_perm("articles.view_article") and verified and verified():
            return self.all()
        return self.published()

    def cards(self):
        """Load what a short entry shows (title, excerpt, category, date), not the body."""
        return self.select_related("category").defer("body", "body_html")

    def for_listing(self):
        """Load what an article card shows, tags included, in a fixed number of queries."""
        return self.cards().prefetch_related("tags")

    def related_to(self, article, limit=10):
        """Return up to `limit` public articles to read after `article`, best first.

        Each tag shared with `article` scores its rarity among public articles
        (inverse document frequency, ln(1 + N / df)); ties go to the same category,
        then the newest, then the highest id. Articles sharing no tag score 0, so
        the list fills from the same category and then the newest.
        """
        weights = tag_weights(article)
        candidates = self.published().exclude(pk=article.pk)
        if weights:
            shared = (
                TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag_id__in=weights)
                .values("content_object")
                .annotate(
                    score=Sum(
                        Case(
                            *(When(tag_id=tag_id, then=Value(w)) for tag_id, w in weights.items()),
                            default=Value(0),
                            output_field=IntegerField(),
                        )
                    )
                )
                .values("score")
            )
            score = Coalesce(Subquery(shared, output_field=IntegerField()), Value(0))
        else:
            score = Value(0, output_field=IntegerField())
        same_category = Case(
            When(category_id=article.category_id, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return (
            candidates.annotate(related_score=score, same_category=same_category)
            .cards()
            .order_by("-related_score", "-same_category", "-published_at", "-id")[:limit]
        )


# Weights are whole numbers (thousandths) so that equal tag sets give exactly
# equal scores on every database, and the tie-breaks decide the order.
WEIGHT_SCALE = 1000


def rarity_weight(total, frequency):
    """Return the weight of a tag on `frequency` of `total` public articles: 1000·ln(1 + N/df)."""
    return round(WEIGHT_SCALE * math.log(1 + total / frequency))


def tag_weights(article):
    """Return {tag id: rarity weight} for the tags of `article`, counted over public articles."""
    public = Article.objects.published()
    # COUNT as a plain function, not an aggregate, so the subquery has no GROUP BY.
    total = public.order_by().values(n=Func("pk", function="COUNT"))
    frequencies = (
        TaggedArticle.objects.filter(
            tag__in=TaggedArticle.objects.filter(content_object=article).values("tag_id"),
            content_object__in=public,
        )
        .values("tag_id")
        .annotate(df=Count("id"), total=Subquery(total, output_field=IntegerField()))
    )
    return {row["tag_id"]: rarity_weight(row["total"], row["df"]) for row in frequencies}


class TagQuerySet(models.QuerySet):
    def on_public_articles(self):
        """Return tags on at least one public article."""
        return self.filter(
            Exists(
                TaggedArticle.objects.filter(
                    tag=OuterRef("pk"), content_object__in=Article.objects.published()
                )
            )
        )


class Tag(TagBase):
    """A topic shared by articles and experiences (网贷, 爆通讯录 …)."""

    # Which tags get a public page is community.models.public_tags(): it also
    # counts approved experiences, which this app does not know about.
    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def get_absolute_url(self):
        return path_to("tag", "slug", self.slug)

    def slugify(self, tag, i=None):
        # Keep Chinese in the slug; a tag with no letters or digits at all
        # ("？？", an emoji) still needs a non-empty address.
        slug = slugify(tag, allow_unicode=True) or f"tag-{zlib.crc32(tag.encode()):08x}"
        return slug if i is None else f"{slug}_{i}"


class TaggedArticle(ItemBase):
    """An article's tag: real foreign keys, so tag queries use plain indexed joins."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        unique_together = [("content_object", "tag")]
        verbose_name = _("article tag")
        verbose_name_plural = _("article tags")


# What readers read: a change of these after publication is an update (最后更新).
TEXT_FIELDS = {"title", "summary", "body"}


class VersionFields(models.Model):
    """What a version of an article keeps besides the article's own fields."""

    tag_names = models.JSONField(_("tags"), default=list)

    class Meta:
        abstract = True


# Every save of an article, whatever saved it, keeps a version (django-simple-history;
# articles/versions.py compares and reverts them). Derived and counted fields stay out.
VERSIONS = HistoricalRecords(
    bases=[VersionFields],
    excluded_fields=[
        "body_html",
        "excerpt",
        "helpful_count",
        "updated_at",
        "text_updated_at",
        "reviewed_at",
        "reviewed_by",
    ],
    history_change_reason_field=models.CharField(
        _("change note"), max_length=200, null=True, blank=True
    ),
    user_related_name="+",
    verbose_name=_("article version"),
    verbose_name_plural=_("article versions"),
)


class Article(TracksChanges, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=140,
        unique=True,
        allow_unicode=True,
        help_text=_("The article's address. Filled in from the title; keep it short."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=200,
        blank=True,
        help_text=_("Optional. One or two sentences for lists and search engines."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: ## for headings, 1. for numbered lists, - for bullets, **bold**, "
            "[text](https://…) for links."
        ),
    )
    body_html = models.TextField(editable=False, default="")
    excerpt = models.CharField(max_length=100, editable=False, default="")
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("category"),
    )
    tags = TaggableManager(
        verbose_name=_("tags"),
        through=TaggedArticle,
        blank=True,
        help_text=_("Comma-separated, e.g. 网贷, 逾期. Shared tags decide 大家还在看."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published articles whose publication time has come are public."),
    )
    published_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        help_text=_("A future time schedules the article: it goes public at that moment."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0, editable=False)
    text_updated_at = models.DateTimeField(
        _("text updated"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the title, summary or body last changed after publication."),
    )
    reviewed_at = models.DateTimeField(
        _("last reviewed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by the “mark as reviewed” action, not by edits."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    objects = ArticleQuerySet.as_manager()
    history = VERSIONS

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"], name="article_public_idx")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            # Code paths without the admin's prefilled slug; a title of only
            # punctuation or emoji still gets an address.
            self.slug = slugify(self.title, allow_unicode=True)[:140] or (
                f"article-{zlib.crc32(self.title.encode()):08x}"
            )
        self.body_html = render_markdown(self.body)
        self.excerpt = excerpt(self.body_html)
        update_fields = kwargs.get("update_fields")
        text = TEXT_FIELDS.intersection(update_fields or TEXT_FIELDS) - self.get_deferred_fields()
        if self.pk and self._was_public() and self.changed_fields(text):
            self.text_updated_at = timezone.now()
        if update_fields and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "excerpt", "text_updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_to("articles:detail", "slug", self.slug)

    def get_helpful_url(self):
        """Where the page's "helpful" form posts (views.helpful)."""
        return path_to("articles:helpful", "slug", self.slug)

    def _was_public(self):
        """Whether readers could read the article as it was last loaded or saved."""
        published_at = self.saved_value("published_at")
        return (
            self.saved_value("status") == self.Status.PUBLISHED
            and published_at is not None
            and published_at <= timezone.now()
        )

    def is_public(self):
        """Say whether the public may read this article now (mirrors `published()`)."""
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    is_public.boolean = True
    is_public.short_description = _("public")


class SearchEntry(models.Model):
    """The indexed tokens of one article or experience, for the full-text engine.

    Pairs of Chinese characters and whole Latin words (articles/search.py). The
    engine's own structures (an FTS5 table on SQLite, a tsvector column with
    GIN indexes on PostgreSQL) are added by migrations 0003, 0005 and 0006 and
    follow this table.
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        EXPERIENCE = "experience", _("Experience")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField()
    title = models.TextField()
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_entry_per_object")
        ]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class RelatedArticle(models.Model):
    """One precomputed "people also read" entry: `related` at `rank` for `article`.

    Lists are stored longer than shown, and read through `published()`, so an
    article that stops being public drops out of every list at once.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_from")
    rank = models.PositiveSmallIntegerField()
    # An editor's pick (PinnedArticle): pins take the first ranks, labelled 编辑推荐.
    pinned = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "rank"], name="one_article_per_rank")
        ]
        ordering = ["article", "rank"]

    def __str__(self):
        return f"{self.article_id} → {self.related_id} (#{self.rank})"


class ReviewReminder(models.Model):
    """A weekly e-mail that told the Editors which articles are due for review."""

    week = models.CharField(_("week"), max_length=10, unique=True)  # ISO week, 2026-W49
    sent_at = models.DateTimeField(_("sent at"))
    due = models.PositiveIntegerField(_("articles due"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")

    def __str__(self):
        return self.week


MAX_PINS = 5


class PinnedArticle(models.Model):
    """An article an editor put first in another's "people also read" list (编辑推荐)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="pins", verbose_name=_("article")
    )
    pinned = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="pinned_in",
        verbose_name=_("recommended article"),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=1, help_text=_("1 comes first.")
    )

    class Meta:
        ordering = ["article", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "pinned"], name="one_pin_per_pair")
        ]
        verbose_name = _("editors' pick")
        verbose_name_plural = _("editors' picks (shown first in 大家还在看)")

    def __str__(self):
        return f"{self.article_id} → {self.pinned_id}"


class SearchQuery(models.Model):
    """How often readers searched for one query on one day, and what they found.

    Never an address, a user or a cookie: the query (canonical, personal data
    masked), the day, a count and the number of results (articles/searchlog.py).
    """

    day = models.DateField(_("day"))
    query = models.CharField(_("query"), max_length=100)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    results = models.PositiveIntegerField(_("results"), default=0)

    class Meta:
        ordering = ["-day", "-searches"]
        constraints = [
            models.UniqueConstraint(fields=["day", "query"], name="one_row_per_query_and_day")
        ]
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")

    def __str__(self):
        return f"{self.day} {self.query}"
