from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag as TaggitTag

from articles import charts, reviews, searchlog, versions
from articles.models import MAX_PINS, Article, Category, PinnedArticle, SearchQuery, Tag
from caching import canonical

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


class ArticleForm(forms.ModelForm):
    change_note = forms.CharField(
        label=_("Change note"),
        max_length=200,
        required=False,
        help_text=_("Optional: what this edit changes and why, for the article's history."),
    )

    class Meta:
        model = Article
        fields = ["title", "slug", "category", "tags", "summary", "body", "status", "published_at"]


class PinFormSet(forms.BaseInlineFormSet):
    """Refuse a pick that is not public, the article itself, or one too many."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if len(kept) > MAX_PINS:
            raise forms.ValidationError(
                _("Pin at most %(max)d articles.") % {"max": MAX_PINS}, code="too_many"
            )
        # A pick made twice is refused by the formset's own unique check.
        for form in kept:
            pinned = form.cleaned_data.get("pinned")
            if pinned is None:
                continue
            if self.instance.pk and pinned.pk == self.instance.pk:
                form.add_error("pinned", _("An article cannot recommend itself."))
            elif not pinned.is_public():
                form.add_error("pinned", _("Only public articles can be recommended."))


class PinInline(admin.TabularInline):
    model = PinnedArticle
    fk_name = "article"
    formset = PinFormSet
    fields = ["pinned", "position"]
    autocomplete_fields = ["pinned"]
    extra = 1
    max_num = MAX_PINS + 1  # one more row than allowed, so the limit gets a clear message
    verbose_name = _("editors' pick")
    verbose_name_plural = _("Editors' picks: shown first in 大家还在看, up to 5")


class ReviewFilter(admin.SimpleListFilter):
    """Public articles due for review (ARTICLE_REVIEW_DAYS), or reviewed in time."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("due for review")), ("current", _("reviewed in time"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(pk__in=reviews.due_for_review().values("pk"))
        if self.value() == "current":
            return queryset.filter(reviewed_at__gte=reviews.due_since())
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    inlines = [PinInline]
    list_display = [
        "title",
        "status",
        "is_public",
        "category",
        "published_at",
        "reviewed_at",
        "tag_list",
    ]
    list_filter = ["status", ReviewFilter, "category", "published_at", "tags"]
    list_select_related = ["category"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["category"]
    readonly_fields = [
        "helpful_count",
        "updated_at",
        "text_updated_at",
        "reviewed_at",
        "reviewed_by",
    ]
    actions = ["publish_now", "unpublish", "mark_reviewed"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "tags", "summary", "body"]}),
        (_("Publication"), {"fields": ["status", "published_at", "updated_at", "helpful_count"]}),
        (_("Review"), {"fields": ["reviewed_at", "reviewed_by", "text_updated_at"]}),
        (None, {"fields": ["change_note"]}),
    ]

    def save_model(self, request, obj, form, change):
        # The version this save keeps: who, why, and the tags about to be saved.
        obj._history_user = request.user
        obj._change_reason = form.cleaned_data.get("change_note") or ""
        obj.pending_tags = form.cleaned_data.get("tags") or []
        super().save_model(request, obj, form, change)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path(
                "<int:object_id>/history/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:object_id>/history/<int:version_id>/revert/",
                view(self.revert_view),
                name="articles_article_revert",
            ),
            *super().get_urls(),
        ]

    def _article(self, request, object_id, *, change=False):
        pk = canonical.object_id(str(object_id))
        if pk is None:
            raise Http404
        article = get_object_or_404(Article.objects.select_related("category"), pk=pk)
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": title,
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        """Every version of the article: who, when, the note; compare two, or go back."""
        article = self._article(request, object_id)
        history = list(article.history.select_related("history_user").order_by("-history_id"))
        return TemplateResponse(
            request,
            "admin/articles/article/versions.html",
            self._context(
                request,
                article,
                _("History of “%(title)s”") % {"title": article.title},
                versions=history,
                can_revert=self.has_change_permission(request, article),
            ),
        )

    def compare_view(self, request, object_id):
        """Two versions side by side: by paragraph, then by character."""
        article = self._article(request, object_id)
        history = article.history.select_related("history_user")
        older = history.filter(pk=canonical.object_id(request.GET.get("old"))).first()
        newer = history.filter(pk=canonical.object_id(request.GET.get("new"))).first()
        if older is None or newer is None:
            self.message_user(request, _("Pick two versions to compare."), messages.WARNING)
            return redirect("admin:articles_article_history", object_id)
        if older.history_id > newer.history_id:
            older, newer = newer, older
        return TemplateResponse(
            request,
            "admin/articles/article/compare.html",
            self._context(
                request,
                article,
                _("Compare versions of “%(title)s”") % {"title": article.title},
                older=older,
                newer=newer,
                changes=versions.compare(older, newer),
                can_revert=self.has_change_permission(request, article),
            ),
        )

    def revert_view(self, request, object_id, version_id):
        """Confirm, then make the article what one version says (a new version itself)."""
        article = self._article(request, object_id, change=True)
        version = get_object_or_404(article.history.all(), pk=version_id)
        if request.method == "POST":
            result = versions.revert(article, version, user=request.user)
            self.log_change(request, article, _("Reverted to an earlier version."))
            self.message_user(
                request,
                _("The article is back to the version of %(date)s.")
                % {"date": f"{timezone.localtime(version.history_date):%Y-%m-%d %H:%M}"},
                messages.SUCCESS,
            )
            if result.missing:
                self.message_user(
                    request,
                    _("Not restored: %(what)s.") % {"what": "；".join(result.missing)},
                    messages.WARNING,
                )
            return redirect("admin:articles_article_history", object_id)
        current = article.history.order_by("-history_id").first()
        return TemplateResponse(
            request,
            "admin/articles/article/revert.html",
            self._context(
                request,
                article,
                _("Go back to this version?"),
                version=version,
                changes=versions.compare(current, version) if current else [],
            ),
        )

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

    @admin.action(
        description=_("Mark the selected articles as reviewed (checked against today's rules)"),
        permissions=["change"],
    )
    def mark_reviewed(self, request, queryset):
        articles = list(queryset)
        count = reviews.mark_reviewed(articles, user=request.user)
        for article in articles:
            self.log_change(request, article, _("Marked as reviewed."))
        self.message_user(
            request,
            ngettext("%d article marked as reviewed.", "%d articles marked as reviewed.", count)
            % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Move the selected articles back to draft"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, list(queryset), Article.Status.DRAFT)

    def _set_status(self, request, articles, status):
        # A loop of saves, not update(): each change is logged and updated_at moves.
        for article in articles:
            article.status = status
            article._history_user = request.user  # the version this save keeps
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


@admin.register(SearchQuery)
class SearchQueryAdmin(admin.ModelAdmin):
    """The search log, read-only; its report shows the top queries and the content gaps."""

    list_display = ["query", "day", "searches", "results"]
    list_filter = ["day"]
    search_fields = ["query"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [
            path("report/", report, name="articles_searchquery_report"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        """Top queries, queries that found nothing, searches per day: 30 or 90 days."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        days = 90 if request.GET.get("days") == "90" else 30
        figures = searchlog.report(days)
        chart = charts.bar_chart(
            "searches",
            _("Searches per day"),
            _("One bar a day, oldest on the left."),
            [(f"{day:%m-%d}", total) for day, total in figures["daily"]],
            unit=_("searches"),
        )
        return TemplateResponse(
            request,
            "admin/articles/searchquery/report.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("What readers search for"),
                "days": days,
                "periods": (30, 90),
                "chart": chart,
                "daily": [(day, total) for day, total in figures["daily"] if total],
                "top": figures["top"],
                "nothing": figures["nothing"],
            },
        )
