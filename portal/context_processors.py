"""Template context shared by every page."""

from django.conf import settings
from django.utils.translation import trans_real


def site(request):
    """Expose the site's name."""
    return {"SITE_NAME": settings.SITE_NAME}


def translations(request):
    """Translate the page's strings with the active language's catalog, found once a page.

    The templates' `_()` and `{% trans %}` call `gettext` and `ngettext`
    (portal/templating.py); Django's look the active language up in its
    per-thread registry for every string. The catalog is the one Django's
    `gettext()` would use at this moment (`trans_real.catalog()`).
    """
    if not settings.USE_I18N:
        return {}
    catalog = trans_real.catalog()
    return {"gettext": catalog.gettext, "ngettext": catalog.ngettext}
