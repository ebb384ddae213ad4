from django.contrib import messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView
from django_filters.views import FilterView

from articles import keys
from articles.filters import ArticleFilter
from articles.models import Article, Category, Tag
from caching import fragments, ratelimit
from caching.dependencies import Shown, changed, depends_on, keep_out, max_age, recorded
from caching.pages import shared_with_every_reader
from caching.queries import Prepared

HELPFUL_SESSION_KEY = "helpful_articles"


class ArticleListView(FilterView):
    """All public articles, filtered by django-filter, 20 a page."""

    filterset_class = ArticleFilter
    paginate_by = 20
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        if self.filterset.errors:  # made-up filter values must not fill the page cache
            keep_out()
        context = super().get_context_data(**kwargs)
        # What the page shows: which articles are public, the categories (menu
        # and filter), each card with its tags, and the list of a tag filter.
        depends_on(keys.PUBLIC_ARTICLES, keys.CATEGORIES)
        for article in context["page_obj"]:
            depends_on(article, *article.tags.all())
        tag = self.filterset.form.cleaned_data.get("tag") if self.filterset.is_valid() else None
        if tag:
            depends_on(tag, keys.tagged_articles(tag.pk))
        if self.request.GET.get("ordering") == "helpful":
            max_age(keys.HELPFUL_RANKING_SECONDS)
        return context


class PrefilteredListMixin:
    """Narrow the article list to the category or tag named in the URL (404 if unknown)."""

    model_filtered_by = None
    lookup = None

    def get(self, request, *args, **kwargs):
        self.filtered_by = get_object_or_404(self.get_choices(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_choices(self):
        return self.model_filtered_by.objects.all()

    def get_queryset(self):
        return super().get_queryset().filter(**{self.lookup: self.filtered_by})

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        # The URL already decides this filter: don't offer it twice.
        del filterset.filters[self.filter_name]
        return filterset

    def get_context_data(self, **kwargs):
        depends_on(self.filtered_by)
        return super().get_context_data(filtered_by=self.filtered_by, **kwargs)


class CategoryArticleListView(PrefilteredListMixin, ArticleListView):
    model_filtered_by = Category
    lookup = filter_name = "category"


def marked_helpful(request):
    """Return the ids of the articles this browser has marked helpful."""
    return set(request.session.get(HELPFUL_SESSION_KEY, []))


# What an article page asks the database when nothing of it is cached: four
# queries of fixed shape, their SQL built once (caching/queries.py).
_public_article = Prepared(
    lambda slug, now: (
        Article.objects.published(now)
        .select_related("category", "reviewed_by")
        .filter(slug=slug)
        # Kept in the cache with the page: the page shows the text as HTML, not its source.
        .defer("body")
    ),
    slug=Article._meta.get_field("slug"),
    now=Article._meta.get_field("published_at"),
)
_tags_of = Prepared(
    lambda article: Tag.objects.filter(tagged_articles__content_object=article).order_by("name"),
    article=Article._meta.pk,
)
# Through the article's reverse relation: articles does not import the posts' app.
_experiences_of = Prepared(
    lambda article: Article(pk=article).experiences.approved().select_related("author")[:5],
    article=Article._meta.pk,
)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).select_related(
            "category", "reviewed_by"
        )

    def get_object(self, queryset=None):
        # Editors may preview: their lookup is their own. The page every reader
        # shares is nobody's preview, and need not look the reader up.
        if not shared_with_every_reader(self.request) and self.request.user.is_staff:
            return super().get_object(queryset)
        # Every reader gets the same article: keep it until it changes.
        return fragments.cached(
            "article", [self.kwargs["slug"]], self._load_article, of_one_page=True
        )

    def _load_article(self):
        found = _public_article(slug=self.kwargs["slug"], now=timezone.now())
        if not found:
            raise Http404
        depends_on(*article_page_keys(found[0]))
        return found[0]

    def get_context_data(self, **kwargs):
        article = self.object
        # For an editor's preview, whose article does not come from the cache.
        depends_on(*article_page_keys(article))
        return super().get_context_data(
            page_keys=article_page_keys(article),
            # Lazy: when the fragments that show them are cached, not even the
            # querysets are built. Each records what it shows when it runs.
            tags=Shown(lambda: recorded(_tags_of(article=article.pk))),
            experiences=Shown(lambda: self._experiences(article)),
            already_helpful=article.pk in marked_helpful(self.request),
            **kwargs,
        )

    def _experiences(self, article):
        depends_on(keys.experiences(article.pk))
        shown = recorded(_experiences_of(article=article.pk))
        depends_on(*(experience.author for experience in shown))
        return shown


def article_page_keys(article):
    """Return the keys of what an article's page shows of the article itself."""
    return [article, article.category, keys.helpful(article.pk), keys.page(article.pk)]


@require_POST
def helpful(request, slug):
    """Count one "helpful" vote per browser session; works as a plain form post.

    A client that drops its cookies gets a new session each time: votes are also
    counted per address and article (RATE_LIMITS["helpful"] an hour).
    """
    article = get_object_or_404(Article.objects.published(), slug=slug)
    voted = request.session.get(HELPFUL_SESSION_KEY, [])
    if article.pk in voted:
        messages.info(request, _("You have already marked this article as helpful."))
    elif not ratelimit.allow("helpful", f"{ratelimit.client_address(request)}:{article.pk}"):
        messages.info(request, _("This article already has many votes from your network."))
    else:
        # One UPDATE … SET helpful_count = helpful_count + 1: exact under concurrency.
        Article.objects.filter(pk=article.pk).update(helpful_count=F("helpful_count") + 1)
        request.session[HELPFUL_SESSION_KEY] = [*voted, article.pk]
        # Only the article's own page shows the exact count; rankings by it
        # follow within keys.HELPFUL_RANKING_SECONDS.
        changed(keys.helpful(article.pk))
        messages.success(request, _("Thank you. Your vote helps other readers."))
    return redirect(article)
