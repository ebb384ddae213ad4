"""Template context shared by every page."""

from django.conf import settings
from django.utils.translation import trans_real

from caching import pages


def site(request):
    """Expose the site's name."""
    return {"SITE_NAME": settings.SITE_NAME}


def sharing(request):
    """Tell the templates whether the page is the one every reader gets (`shared_page`).

    Such a page shows the menu of a reader without a session (reader.js shows a
    signed-in reader's own), so it never needs to look the reader up.
    """
    return {"shared_page": pages.shared_with_every_reader(request)}


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
