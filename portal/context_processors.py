"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """Expose the site's name."""
    return {"SITE_NAME": settings.SITE_NAME}
