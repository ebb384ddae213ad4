from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PortalConfig(AppConfig):
    """The project package: its template tags (`portal_tags`)."""

    name = "portal"


class PortalAdminConfig(AdminConfig):
    """The Django admin, on the portal's own site class (throttled login, titles)."""

    default_site = "portal.admin.PortalAdminSite"
