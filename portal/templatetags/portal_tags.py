from django import template
from django.core.cache.utils import make_template_fragment_key
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html

from portal import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def csrf_field(context):
    """Render the CSRF token field; empty for the readers the page cache serves.

    A reader without a session gets the same page as every other, whether
    or not this rendering is stored (a page with a query parameter its view
    does not read is not), and no cookie. static/js/csrf.js fills the empty
    field when the form is sent; without JavaScript the post fails and the
    CSRF failure page offers a fresh form.
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


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        request = context["request"]
        seconds = pagecache.fragment_seconds(request)
        if seconds <= 0:
            return self.nodelist.render(context)
        vary_on = [pagecache.generation(request), *(var.resolve(context) for var in self.vary_on)]
        key = make_template_fragment_key(self.name, vary_on)
        value = pagecache.fragments.get(key)
        if value is None:
            value = self.nodelist.render(context)
            pagecache.fragments.set(key, value, seconds)
        return value


@register.tag
def fragment(parser, token):
    """Keep a piece of a page until the content changes: {% fragment name [vary_on …] %}.

    Like Django's {% cache %}, with what every fragment here shares built in:
    the key holds the content generation, so any change to the content ends
    the fragment at once, and it lives no longer than the page it is part of
    (pagecache.fragment_seconds). `vary_on` names what else the fragment
    depends on, as in {% cache %}. The store is the fragment cache (settings).
    """
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]!r} tag needs a fragment name.")
    return FragmentNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])
