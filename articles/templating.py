"""What the site's Jinja2 templates use of articles: menus, lists, dates, links, JSON-LD."""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from articles.models import Category
from articles.reviews import reviewer_name


def current_category(request, filtered_by):
    """Return the address the category menu marks as current ("" for none).

    Only the article list and a category page can be current: every other
    page (a 404 at a made-up address too) shares one cached menu.
    """
    if isinstance(filtered_by, Category):
        return filtered_by.get_absolute_url()
    return "/articles/" if request.path == "/articles/" else ""


def menu_categories():
    """Return the categories of the site menu, in their order (a lazy queryset)."""
    return Category.objects.all()


def utc_moment(moment):
    """Return `moment` in UTC for machines, to the second: 2026-11-30T08:00:00Z."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(moment):
    """Return <time> with the day of `moment` as readers see it, and the UTC moment for machines.

    Lists show dozens of dates: this is a small part of the cost of Django's
    `date` filter, twice.
    """
    return format_html(
        '<time datetime="{}">{}</time>', utc_moment(moment), localtime(moment).strftime("%Y-%m-%d")
    )


def page_url(request, page_number):
    """Return the current query string with `page` set to `page_number`."""
    query = request.GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()


def canonical_url(request):
    """Return the page's absolute URL without tracking or filter noise (keeps `page`)."""
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page")
    return f"{url}?page={page}" if page and page.isdigit() and page != "1" else url


# The characters json_script escapes, so the JSON cannot close its <script>.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _web_page(article, url):
    """The page the article is: with when and by whom its advice was last reviewed."""
    page = {"@type": "WebPage", "@id": url}
    if article.reviewed_at:
        page["lastReviewed"] = article.reviewed_at
        page["reviewedBy"] = {"@type": "Person", "name": reviewer_name(article)}
    return page


def article_json_ld(request, article, tags):
    """Return the JSON-LD Article and BreadcrumbList of an article page."""
    url = request.build_absolute_uri(article.get_absolute_url())
    publisher = {"@type": "Organization", "name": settings.SITE_NAME}
    data = [
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": article.title,
            "description": article.summary or article.excerpt,
            "datePublished": article.published_at,
            # The text's last change after publication, not a change of status or tags.
            "dateModified": article.text_updated_at or article.published_at,
            "author": publisher,
            "publisher": publisher,
            "articleSection": article.category.name,
            "keywords": ", ".join(tag.name for tag in tags),
            "mainEntityOfPage": _web_page(article, url),
            "inLanguage": "zh-Hans",
        },
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": name, "item": item}
                for position, (name, item) in enumerate(
                    [
                        (settings.SITE_NAME, request.build_absolute_uri("/")),
                        (
                            article.category.name,
                            request.build_absolute_uri(article.category.get_absolute_url()),
                        ),
                        (article.title, url),
                    ],
                    start=1,
                )
            ],
        },
    ]
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308  # nosec B308 B703
