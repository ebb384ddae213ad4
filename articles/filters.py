import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from articles import search
from articles.models import Category, Tag

ORDERINGS = {
    "newest": ["-published_at", "-id"],
    "helpful": ["-helpful_count", "-published_at", "-id"],
}


class ArticleFilter(django_filters.FilterSet):
    """The filters of the article lists: keyword, category, tag and order."""

    q = django_filters.CharFilter(
        label=_("Keyword"),
        method="filter_text",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 征信")}),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    # Hidden: a site can have hundreds of tags, too many for a drop-down. Only
    # tags on public articles: one only on a post in moderation must not be
    # told apart from a made-up one.
    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        queryset=Tag.objects.on_public_articles(),
        to_field_name="slug",
        widget=forms.HiddenInput,
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[("newest", _("Newest")), ("helpful", _("Most helpful"))],
        empty_label=None,
        method="filter_ordering",
    )

    def filter_text(self, queryset, name, value):
        # The same full-text search as /search/, narrowed to articles.
        return queryset.filter(pk__in=search.article_ids(value))

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])
