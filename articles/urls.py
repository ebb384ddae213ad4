from django.urls import path, register_converter

from articles import views
from articles.feeds import CategoryFeed, LatestArticlesFeed
from caching.canonical import blank, choice, page_number, slug
from caching.pages import cache_for_anonymous as cached


class UnicodeSlugConverter:
    """Match slugs with Chinese characters as well as ASCII ones."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

# The query parameters the article lists read, each with its canonical spelling;
# `q` (a search) is rendered for each request, never stored. A category or tag
# page does not read the filter its address already decides.
ORDERING = choice("newest", "helpful", default="newest")
LIST_QUERY = {"page": page_number, "category": slug, "tag": slug, "ordering": ORDERING, "q": blank}
CATEGORY_QUERY = {name: value for name, value in LIST_QUERY.items() if name != "category"}
TAG_QUERY = {name: value for name, value in LIST_QUERY.items() if name != "tag"}

app_name = "articles"
urlpatterns = [
    path("feed/", cached(LatestArticlesFeed()), name="feed"),
    path(
        "articles/",
        cached(views.ArticleListView.as_view(), query=LIST_QUERY),
        name="list",
    ),
    path("articles/<uslug:slug>/", cached(views.ArticleDetailView.as_view()), name="detail"),
    path("articles/<uslug:slug>/helpful/", views.helpful, name="helpful"),
    path(
        "categories/<uslug:slug>/",
        cached(views.CategoryArticleListView.as_view(), query=CATEGORY_QUERY),
        name="category",
    ),
    path("categories/<uslug:slug>/feed/", cached(CategoryFeed()), name="category-feed"),
]
