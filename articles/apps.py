from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from articles import keys, signals  # noqa: F401 (signals connects the receivers)
        from articles.models import Article
        from caching.dependencies import expire_when

        # A scheduled article goes public with no save to announce it: the
        # lists of public articles last until then at most.
        expire_when(keys.PUBLIC_ARTICLES, Article.objects.next_publication)
