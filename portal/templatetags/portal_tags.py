from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html

from portal import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def csrf_field(context):
    """Render the CSRF token field; empty for the readers the page cache serves.

    A reader without a session gets the same page as every other, whether
    or not this rendering is stored (a page with a tracking parameter is
    not), and no cookie. static/js/csrf.js fills the empty field when the
    form is sent; without JavaScript the post fails and the CSRF failure page
    offers a fresh form.
    """
    request = context["request"]
    if pagecache.shared_with_every_reader(request):
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-fill="{}">',
            reverse("csrf-token"),
        )
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
