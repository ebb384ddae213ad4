"""The Jinja2 environment of the site's pages (templates/).

The admin, and the apps' admin screens and e-mails, stay on Django's templates.

Jinja2 compiles a template to Python once and renders it several times faster
than Django's engine, which was most of what a page cost to render the first
time (docs/performance.md). The templates keep Django's vocabulary where they
can: `url()`, `static()`, `_()` and `{% trans %}` (extracted by
`manage.py makemessages`, see portal/management/commands/makemessages.py),
and Django's own `date`, `truncatechars`, `linebreaks` and `urlencode` filters,
so a page renders as it did under Django's engine.
"""

from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import defaultfilters
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment, select_autoescape

from articles import templating as articles
from articles.related import related_for_page
from caching import canonical
from caching import templating as caching


def url(name, *args, **kwargs):
    """Return the path of the URL pattern `name`: url("articles:detail", article.slug).

    A pattern without parameters is looked up once (caching/canonical.py).
    """
    if not args and not kwargs:
        return canonical.fixed_path(name)
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value, format=None):
    """Django's `date` filter, in the reader's time zone as Django's templates show dates."""
    return defaultfilters.date(template_localtime(value), format)


def environment(**options):
    # A missing variable, or an attribute of one, renders as nothing, as in
    # Django's templates ({{ filtered_by.description }} on a page without it).
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    env = Environment(
        # Pages are escaped; plain-text e-mails (.txt) are not.
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n", caching.FragmentExtension],
        **options,
    )
    # Old-style: {{ _("…") }} is escaped like any value; {% trans %} escapes its variables.
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=False)
    env.globals.update(
        url=url,
        static=staticfiles_storage.url,
        csrf_field=caching.csrf_field,
        shows=caching.shows,
        day=articles.day,
        utc_moment=articles.utc_moment,
        page_url=articles.page_url,
        canonical_url=articles.canonical_url,
        article_json_ld=articles.article_json_ld,
        current_category=articles.current_category,
        menu_categories=articles.menu_categories,
        related_for_page=related_for_page,
    )
    env.filters.update(
        date=date,
        truncatechars=defaultfilters.truncatechars,
        linebreaks=defaultfilters.linebreaks_filter,
        urlencode=defaultfilters.urlencode,
        iriencode=defaultfilters.iriencode,
    )
    return env
