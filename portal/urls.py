from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from accounts.views import LoginView, signup

# Importing the articles' URLs also registers the `uslug` converter used below.
from articles import urls as article_urls
from caching.canonical import page_number
from caching.pages import cache_for_anonymous as cached
from community.views import reader_state
from portal.sitemaps import SITEMAPS
from portal.views import (
    TagArticleListView,
    csrf_token,
    healthz,
    home,
    robots_txt,
    search_query,
    search_seen,
    search_view,
)

# The pages read most come first: Django tries the patterns in order, for every request.
urlpatterns = [
    path("", cached(home), name="home"),
    path("", include(article_urls)),
    path(
        "search/",
        cached(search_view, query={"q": search_query, "page": page_number}),
        name="search",
    ),
    path(
        "tags/<uslug:slug>/",
        cached(TagArticleListView.as_view(), query=article_urls.TAG_QUERY),
        name="tag",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", cached(robots_txt), name="robots"),
    path("csrf/", csrf_token, name="csrf-token"),
    path("reader/", reader_state, name="reader-state"),
    path("search/seen/", search_seen, name="search-seen"),
    path(
        "sitemap.xml",
        cached(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached(sitemap_views.sitemap, query={"p": page_number}),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("accounts/signup/", signup, name="signup"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="home"), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("experiences/", include("community.urls")),
]
