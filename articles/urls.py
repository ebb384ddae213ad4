from django.urls import path, register_converter

from articles import views
from articles.feeds import CategoryFeed, LatestArticlesFeed
from portal.pagecache import cache_for_anonymous as cached


class UnicodeSlugConverter:
    """Match slugs with Chinese characters as well as ASCII ones."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"
urlpatterns = [
    path("feed/", cached(LatestArticlesFeed()), name="feed"),
    path(
        "articles/",
        cached(views.ArticleListView.as_view(), query=["page", "category", "tag", "ordering"]),
        name="list",
    ),
    path("articles/<uslug:slug>/", cached(views.ArticleDetailView.as_view()), name="detail"),
    path("articles/<uslug:slug>/helpful/", views.helpful, name="helpful"),
    path(
        "categories/<uslug:slug>/",
        cached(views.CategoryArticleListView.as_view(), query=["page", "tag", "ordering"]),
        name="category",
    ),
    path("categories/<uslug:slug>/feed/", cached(CategoryFeed()), name="category-feed"),
]
