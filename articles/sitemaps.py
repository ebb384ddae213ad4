from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from articles import keys
from articles.models import Article, Category, Tag
from caching.dependencies import depends_on, max_age

# Sitemaps follow which articles are public at once; edits (lastmod), new slugs
# and tags that become public within an hour: naming every article or tag a
# sitemap lists would be tens of thousands of keys.
SITEMAP_SECONDS = 60 * 60


def shows(*list_keys):
    """Record what a sitemap's page depends on."""
    depends_on(*list_keys)
    max_age(SITEMAP_SECONDS)


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        shows(keys.PUBLIC_ARTICLES)
        return Article.objects.published().only("slug", "updated_at").order_by("id")

    def lastmod(self, article):
        return article.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        shows(keys.PUBLIC_ARTICLES, keys.CATEGORIES)
        public = Article.objects.published()
        return (
            Category.objects.annotate(
                latest=Max("articles__updated_at", filter=Q(articles__in=public))
            )
            .filter(latest__isnull=False)
            .order_by("position", "id")
        )

    def lastmod(self, category):
        return category.latest


class TagSitemap(Sitemap):
    """Tags that label at least one public article."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        shows(keys.PUBLIC_ARTICLES)
        return Tag.objects.on_public_articles().order_by("id")
