from django.contrib.sitemaps import Sitemap

from articles.sitemaps import shows
from community import keys
from community.models import Experience


class ExperienceSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        shows(keys.PUBLIC_EXPERIENCES)
        return Experience.objects.approved().only("id", "updated_at").order_by("id")

    def lastmod(self, experience):
        return experience.updated_at
