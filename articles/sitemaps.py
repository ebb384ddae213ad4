from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse

from articles.models import Article, Category, Tag, TaggedArticle
from community.models import Experience


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
        public_tagged = TaggedArticle.objects.filter(
            tag=OuterRef("pk"), content_object__in=Article.objects.published()
        )
        return Tag.objects.public().filter(Exists(public_tagged)).order_by("id")


class ExperienceSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Experience.objects.approved().only("id", "updated_at").order_by("id")

    def lastmod(self, experience):
        return experience.updated_at


class PageSitemap(Sitemap):
    """The fixed pages: home and the two lists."""

    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["articles:home", "articles:list", "community:list"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "experiences": ExperienceSitemap,
}
