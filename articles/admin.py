from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag as TaggitTag

from articles.models import Article, Category, Tag

# The site uses its own Tag model (shared by articles and experiences);
# taggit's stock model stays empty, so keep it out of the editors' way.
admin.site.unregister(TaggitTag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("tagged_articles"))

    @admin.display(description=_("article count"), ordering="article_total")
    def article_count(self, obj):
        return obj.article_total


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "article_count"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("article count"), ordering="article_total")
    def article_count(self, obj):
        return obj.article_total


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "is_public", "category", "published_at", "tag_list"]
    list_filter = ["status", "category", "published_at", "tags"]
    list_select_related = ["category"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["category"]
    readonly_fields = ["helpful_count", "updated_at"]
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "tags", "summary", "body"]}),
        (_("Publication"), {"fields": ["status", "published_at", "updated_at", "helpful_count"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("tags"))
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.action(description=_("Publish the selected articles now"), permissions=["change"])
    def publish_now(self, request, queryset):
        articles = list(queryset)
        now = timezone.now()
        for article in articles:
            article.published_at = min(article.published_at, now)
        self._set_status(request, articles, Article.Status.PUBLISHED)

    @admin.action(description=_("Move the selected articles back to draft"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, list(queryset), Article.Status.DRAFT)

    def _set_status(self, request, articles, status):
        # A loop of saves, not update(): each change is logged and updated_at moves.
        for article in articles:
            article.status = status
            article.save(update_fields=["status", "published_at", "updated_at"])
            self.log_change(request, article, [{"changed": {"fields": ["status"]}}])
        count = len(articles)
        self.message_user(
            request,
            ngettext(
                "%(count)d article is now %(status)s.",
                "%(count)d articles are now %(status)s.",
                count,
            )
            % {"count": count, "status": Article.Status(status).label},
            messages.SUCCESS,
        )
