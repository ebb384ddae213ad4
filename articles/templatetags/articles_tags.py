import datetime
import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from articles.models import Category
from articles.related import related_for_page

register = template.Library()


@register.inclusion_tag("includes/category_nav.html", takes_context=True)
def category_nav(context):
    """Render the site menu of categories, marking the current one (cached per menu state)."""
    request = context["request"]
    filtered_by = context.get("filtered_by")
    # Only the article list and a category page can be current: every other
    # page (a 404 at a made-up address too) shares one cached menu.
    if isinstance(filtered_by, Category):
        current = filtered_by.get_absolute_url()
    else:
        current = "/articles/" if request.path == "/articles/" else ""
    return {"categories": Category.objects.all(), "current": current, "request": request}


@register.inclusion_tag("includes/related_articles.html")
def related_articles(article):
    """Render 大家还在看: the public articles to read after `article`."""
    return {"articles": related_for_page(article)}


@register.simple_tag
def day(moment):
    """Return <time> with the day of `moment` as readers see it, and the UTC moment for machines.

    The same as `<time datetime="{{ m|utc|date:'Y-m-d\\TH:i:s\\Z' }}">{{ m|date:"Y-m-d" }}</time>`,
    at a small part of its cost: lists show dozens of dates.
    """
    utc = moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return format_html('<time datetime="{}">{}</time>', utc, localtime(moment).strftime("%Y-%m-%d"))


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """Return the current query string with `page` set to `page_number`."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """Return the page's absolute URL without tracking or filter noise (keeps `page`)."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page")
    return f"{url}?page={page}" if page and page.isdigit() and page != "1" else url


# The characters json_script escapes, so the JSON cannot close its <script>.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context, article, tags):
    """Return the JSON-LD Article and BreadcrumbList of an article page."""
    request = context["request"]
    url = request.build_absolute_uri(article.get_absolute_url())
    publisher = {"@type": "Organization", "name": settings.SITE_NAME}
    data = [
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": article.title,
            "description": article.summary or article.excerpt,
            "datePublished": article.published_at,
            "dateModified": article.updated_at,
            "author": publisher,
            "publisher": publisher,
            "articleSection": article.category.name,
            "keywords": ", ".join(tag.name for tag in tags),
            "mainEntityOfPage": url,
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
