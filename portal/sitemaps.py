"""The sitemap sections: the fixed pages, then each app's own."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.sitemaps import ArticleSitemap, CategorySitemap, TagSitemap
from community.sitemaps import ExperienceSitemap


class PageSitemap(Sitemap):
    """The fixed pages: home and the two lists."""

    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["home", "articles:list", "community:list"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "experiences": ExperienceSitemap,
}
