from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, on the portal's own site class (throttled login, titles)."""

    default_site = "portal.admin.PortalAdminSite"
