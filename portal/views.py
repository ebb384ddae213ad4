"""The pages that show articles and experiences together, and the site's plumbing."""

from urllib.parse import urlsplit

from django import forms
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from articles import keys, search
from articles.filters import ORDERINGS
from articles.models import Article, Category
from articles.views import ArticleListView, PrefilteredListMixin
from caching import health
from caching.dependencies import depends_on, max_age, recorded
from community import keys as community_keys
from community.models import Experience, public_tags


def home(request):
    """The latest and most helpful articles, the latest approved experiences, the categories."""
    public = Article.objects.published()
    categories = Category.objects.annotate(
        public_count=Count("articles", filter=Q(articles__in=public))
    ).order_by("position", "name")  # an aggregate drops Meta.ordering
    latest = recorded(public.for_listing()[:8])
    experiences = recorded(Experience.objects.approved().select_related("author")[:5])
    depends_on(
        keys.PUBLIC_ARTICLES,
        keys.CATEGORIES,
        community_keys.PUBLIC_EXPERIENCES,
        *(tag for article in latest for tag in article.tags.all()),
        *(experience.author for experience in experiences),
    )
    max_age(keys.HELPFUL_RANKING_SECONDS)
    context = {
        "latest": latest,
        "most_helpful": recorded(public.cards().order_by(*ORDERINGS["helpful"])[:5]),
        "categories": categories,
        "experiences": experiences,
    }
    return render(request, "portal/home.html", context)


class TagArticleListView(PrefilteredListMixin, ArticleListView):
    """The public articles with one tag, and up to 5 approved experiences with it."""

    lookup = "tags"
    filter_name = "tag"

    def get_choices(self):
        return public_tags()

    def get_context_data(self, **kwargs):
        tag = self.filtered_by
        experiences = recorded(
            Experience.objects.approved().filter(tags=tag).select_related("author")[:5]
        )
        depends_on(
            keys.tagged_articles(tag.pk),
            community_keys.tagged_experiences(tag.pk),
            *(experience.author for experience in experiences),
        )
        return super().get_context_data(experiences=experiences, **kwargs)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False, strip=True)


def search_view(request):
    """Search public articles and approved experiences; explain empty or odd queries."""
    form = SearchForm(request.GET)
    context = {"form": form, "query": "", "terms": [], "page_obj": None}
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        terms, ranked = search.search(query)
        page_obj = Paginator(ranked, 20).get_page(request.GET.get("page"))
        page_obj.object_list = search.load_hits(page_obj.object_list, terms)
        context.update(query=query, terms=terms, page_obj=page_obj, total=len(ranked))
    return render(request, "portal/search.html", context)


@never_cache
def healthz(request):
    """Answer 200 when the database answers, naming what else does not; 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    # The site works without the cache and the edge caches, slower: say so, still 200.
    lines = ["ok", *(f"{name} unreachable" for name in health.unreachable())]
    return HttpResponse("".join(f"{line}\n" for line in lines), content_type="text/plain")


ROBOTS_DISALLOW = ["/admin/", "/accounts/", "/search/", "/experiences/new/", "/experiences/mine/"]


def robots_txt(request):
    """Tell crawlers what to skip and where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
def csrf_token(request):
    """Give this browser a CSRF token (and its cookie) for a form on a cached page."""
    return JsonResponse({"token": get_token(request)})


def csrf_failure(request, reason=""):
    """Explain a refused form (403) and, for a helpful vote, offer a fresh form to send again.

    Only for a vote sent from this site's own page: a vote forged by another
    site gets no ready button to press.
    """
    article = None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match and match.view_name == "articles:helpful" and _sent_from_this_site(request):
        article = Article.objects.published().filter(slug=match.kwargs["slug"]).first()
    return render(request, "403_csrf.html", {"article": article}, status=403)


def _sent_from_this_site(request):
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return urlsplit(source).netloc == request.get_host()
