from django import template

from articles.models import Article, Category

register = template.Library()


@register.inclusion_tag("includes/category_nav.html", takes_context=True)
def category_nav(context):
    """Render the site menu of categories, marking the current one."""
    return {"categories": Category.objects.all(), "request": context.get("request")}


@register.inclusion_tag("includes/related_articles.html")
def related_articles(article):
    """Render 大家还在看: the public articles to read after `article`."""
    return {"articles": Article.objects.related_to(article)}


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """Return the current query string with `page` set to `page_number`."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()
