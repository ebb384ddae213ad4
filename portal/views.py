"""The pages that show articles and experiences together, and the site's plumbing."""

import hashlib
from urllib.parse import urlsplit

from django import forms
from django.core.cache import cache
from django.core.paginator import InvalidPage, Paginator
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from articles import keys, search, searchlog
from articles.filters import ORDERINGS
from articles.models import Article, Category, SearchEntry
from articles.views import ArticleListView, PrefilteredListMixin
from caching import health, ratelimit
from caching.canonical import NotCanonical
from caching.dependencies import depends_on, keep_out, max_age, recorded
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
    q = forms.CharField(
        label=_("Search"), max_length=search.MAX_QUERY_LENGTH, required=False, strip=True
    )


RESULTS_PER_PAGE = 20
# A page of results is stored from the second time its query is asked within
# this window; see search_view.
POPULAR_SECONDS = 60 * 60


def search_query(value):
    """Return the canonical spelling of `q`, its search terms ("网贷逾期怎么办？" → "网贷逾期").

    A query the form refuses or that has no terms has none: its page explains
    why, and is rendered for the request and not stored.
    """
    form = SearchForm({"q": value})
    if not form.is_valid() or not form.cleaned_data["q"]:
        raise NotCanonical(value)
    canonical = search.canonical(value)
    if not canonical or search.canonical(canonical) != canonical:
        raise NotCanonical(value)
    return canonical


def search_view(request):
    """Search public articles and approved experiences; explain empty or odd queries.

    For readers without a session, the page cache keeps a page of results under
    its canonical query (`search_query`) until the index or what the page shows
    changes. It keeps it only from the second time the query is asked within
    POPULAR_SECONDS: most queries are asked once, and made-up ones must not
    fill the cache (nor the edge cache, which keeps only what the app stores).
    """
    form = SearchForm(request.GET)
    context = {"form": form, "query": "", "terms": [], "page_obj": None}
    if not form.is_valid() or not form.cleaned_data["q"]:
        if "q" in request.GET:
            keep_out()  # an error or an empty query: explained, not stored
        return render(request, "portal/search.html", context)
    query = form.cleaned_data["q"]
    try:
        terms, ranked = search.search(query)
    except search.SearchTimeout:
        terms, ranked = search.query_terms(query), None
    context.update(query=query, terms=terms)
    if not terms or ranked is None:
        keep_out()
        return render(request, "portal/search.html", {**context, "timed_out": ranked is None})
    try:
        page_obj = Paginator(ranked, RESULTS_PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404 from error
    hits = search.load_hits(page_obj.object_list, terms)
    page_obj.object_list = hits
    depends_on(
        search.INDEX_KEY,
        keys.PUBLIC_ARTICLES,
        community_keys.PUBLIC_EXPERIENCES,
        *(hit.object for hit in hits),
        *(hit.object.category for hit in hits if hit.kind == SearchEntry.Kind.ARTICLE),
    )
    if not _asked_before(search.canonical(query), page_obj.number):
        keep_out()
    context.update(page_obj=page_obj, total=len(ranked))
    if page_obj.number == 1:  # a search is counted once, on its first page
        context["log_token"] = searchlog.token(query, len(ranked))
    return render(request, "portal/search.html", context)


@never_cache
def search_seen(request):
    """Count the search a results page names (articles/searchlog.py); answer 204.

    Sent by static/js/search-log.js without cookies; one upsert. Limited per
    client address, so a replayed token cannot inflate a count without end, and
    ignored when the browser says another site sent it (an image on a page elsewhere).
    """
    from_elsewhere = request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin"
    if not from_elsewhere and ratelimit.allow("search-log", ratelimit.client_address(request)):
        searchlog.record_token(request.GET.get("t", ""))
    return HttpResponse(status=204)


def _asked_before(query, page):
    """Tell whether this page of `query` was asked for within POPULAR_SECONDS; count this time."""
    digest = hashlib.md5(f"{page}:{query}".encode(), usedforsecurity=False).hexdigest()
    return not cache.add(f"search-asked:{digest}", True, POPULAR_SECONDS)


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
