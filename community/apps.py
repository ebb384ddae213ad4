from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from articles import searchlog
        from community import search, signals  # noqa: F401 (signals connects the receivers)
        from community.masking import mask_personal_data

        search.register()
        # Queries readers type are masked as posts are before the search log keeps them.
        searchlog.register_masker(lambda query: mask_personal_data(query).text)
