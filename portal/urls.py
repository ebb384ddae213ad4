from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.sitemaps import SITEMAPS
from community.views import LoginView, signup
from portal.pagecache import cache_for_anonymous as cached
from portal.views import csrf_token, healthz, robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("csrf/", csrf_token, name="csrf-token"),
    path(
        "sitemap.xml",
        cached(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached(sitemap_views.sitemap, query=["p"]),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("accounts/signup/", signup, name="signup"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("experiences/", include("community.urls")),
    path("", include("articles.urls")),
]
