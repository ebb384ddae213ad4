from urllib.parse import urlsplit

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.cache import never_cache

from articles.models import Article


@never_cache
def healthz(request):
    """Answer 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


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
