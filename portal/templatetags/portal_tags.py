from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def csrf_field(context):
    """Render the CSRF token field; empty on a page cached for every reader.

    static/js/csrf.js fills the empty field when the form is sent; without
    JavaScript the post fails and the CSRF failure page offers a fresh form.
    """
    request = context["request"]
    if getattr(request, "shared_page", False):
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-fill="{}">',
            reverse("csrf-token"),
        )
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
