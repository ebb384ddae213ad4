from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CachingConfig(AppConfig):
    """The cache layer: stored pages, fragments, dependency keys and the edge cache."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "caching"
    verbose_name = _("Caching")
