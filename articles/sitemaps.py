from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from articles.models import Article, Category, Tag


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("id")

    def lastmod(self, article):
        return article.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
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
        return Tag.objects.on_public_articles().order_by("id")
