from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PortalConfig(AppConfig):
    """The project on top: the pages that show articles and posts together, seed_demo."""

    name = "portal"


class PortalAdminConfig(AdminConfig):
    """The Django admin, on the portal's own site class (throttled login, titles)."""

    default_site = "portal.admin.PortalAdminSite"
