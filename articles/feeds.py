from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from articles import keys
from articles.models import Article, Category
from caching.dependencies import depends_on, recorded


class LatestArticlesFeed(Feed):
    """RSS of the 20 newest public articles."""

    link = "/"
    description = _("New articles on debt, online loans, credit records and debt collection.")

    def title(self):
        return settings.SITE_NAME

    def items(self):
        return _shown(Article.objects.published().for_listing()[:20])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.excerpt

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.name, *(tag.name for tag in item.tags.all())]


class CategoryFeed(LatestArticlesFeed):
    """RSS of the 20 newest public articles in one category."""

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, category):
        return f"{settings.SITE_NAME} · {category.name}"

    def link(self, category):
        return category.get_absolute_url()

    def description(self, category):
        return category.description

    def items(self, category):
        return _shown(Article.objects.published().filter(category=category).for_listing()[:20])


def _shown(articles):
    """Return `articles` as a list, recording what the feed shows of them."""
    depends_on(keys.PUBLIC_ARTICLES, keys.CATEGORIES)
    articles = recorded(articles)
    depends_on(*(tag for article in articles for tag in article.tags.all()))
    return articles
