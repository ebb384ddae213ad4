"""Template context shared by every page."""

from django.conf import settings

from portal import pagecache


def site(request):
    """Expose the site's name, and what {% cache %} fragments need for their keys."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Callables: templates call them only when a fragment is looked up.
        "PAGE_GENERATION": lambda: pagecache.generation(request),
        "FRAGMENT_SECONDS": lambda: pagecache.fragment_seconds(request),
    }
