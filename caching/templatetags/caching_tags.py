from django import template
from django.db.models import Model
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html

from caching import fragments, pages
from caching.dependencies import depends_on, key_of

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
    if pages.shared_with_every_reader(request):
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-fill="{}">',
            reverse("csrf-token"),
        )
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


@register.simple_tag
def shows(*things):
    """Record that the page shows `things`: {% shows "categories" %}, {% shows page_keys %}.

    Each is a key, a model instance, or a list of them.
    """
    for thing in things:
        depends_on(*(thing if isinstance(thing, list | tuple) else [thing]))
    return ""


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        if context.template is not None:
            fragments.prefetch(context.template, lambda: _fragments_in(context))
        values = [var.resolve(context) for var in self.vary_on]
        shown = [value for value in values if isinstance(value, Model)]

        def render():
            depends_on(*shown)
            return self.nodelist.render(context)

        return fragments.cached(self.name, [key_of(value) for value in values], render)


def _fragments_in(context):
    """Return (name, vary_on keys) of the fragments in the template being rendered.

    Its own, those of the template it extends not included (the site-wide
    ones, kept in each process's memory). Those whose values the context at
    hand does not hold (a fragment in a loop) are left out: they are read
    when they render.
    """
    found = []
    for node in context.template.nodelist.get_nodes_by_type(FragmentNode):
        values = [var.resolve(context, ignore_failures=True) for var in node.vary_on]
        if None not in values:
            found.append((node.name, [key_of(value) for value in values]))
    return found


@register.tag
def fragment(parser, token):
    """Keep a piece of a page until what it shows changes: {% fragment name [vary_on …] %}.

    Like Django's {% cache %}, without a fixed lifetime: the fragment keeps the
    dependency keys recorded while it rendered (caching/dependencies.py) and is
    served while none of them changed; its keys then count for the page too.
    `vary_on` names what else the fragment depends on, as in {% cache %}; a
    model instance there also counts as shown ({% fragment card article %}),
    for what the fragment shows of an object the view loaded. Wrap whole
    elements, so markup can move without breaking the fragment.
    """
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]!r} tag needs a fragment name.")
    return FragmentNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])
