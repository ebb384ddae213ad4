"""What the site's Jinja2 templates use of the cache layer.

- `{% fragment "name", thing, … %}…{% endfragment %}` keeps a piece of a page
  until what it shows changes (fragments.py); `{% fragment "name", thing if
  condition %}` keeps it only where `condition` holds, and renders it otherwise.
- `{{ shows("categories") }}` records that the page shows something.
- `{{ csrf_field() }}`: a form's CSRF field, empty in a page every reader gets.
"""

from django.db.models import Model
from django.middleware.csrf import get_token
from django.utils.html import format_html
from jinja2 import nodes, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Undefined
from jinja2.utils import missing
from markupsafe import Markup

from caching import canonical, fragments, pages
from caching.dependencies import depends_on, key_of

_MISSING = object()


@pass_context
def csrf_field(context, shared=False):
    """Render the CSRF token field; empty for the readers the page cache serves.

    A reader without a session gets the same page as every other, whether
    or not this rendering is stored (a page with a query parameter its view
    does not read is not), and no cookie. static/js/csrf.js fills the empty
    field when the form is sent; without JavaScript the post fails and the
    CSRF failure page offers a fresh form.
    """
    request = context["request"]
    # `shared`: markup kept in a fragment every reader gets, whoever renders it first.
    if shared or pages.shared_with_every_reader(request):
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-fill="{}">',
            canonical.fixed_path("csrf-token"),
        )
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


def shows(*things):
    """Record that the page shows `things`: {{ shows("categories") }}, {{ shows(page_keys) }}.

    Each is a key, a model instance, or a list of them.
    """
    for thing in things:
        depends_on(*(thing if isinstance(thing, list | tuple) else [thing]))
    return ""


def _keys(vary_on):
    """Return a fragment's vary_on keys, and whether it is of one page.

    A fragment of an object the view loaded is a part of that object's page.
    """
    return [key_of(value) for value in vary_on], any(isinstance(v, Model) for v in vary_on)


class FragmentExtension(Extension):
    """{% fragment "name", vary_on… %}…{% endfragment %}: a piece kept until what it shows changes.

    Like Django's {% cache %}, without a fixed lifetime: the fragment keeps the
    dependency keys recorded while it rendered (caching/dependencies.py) and is
    served while none of them changed; its keys then count for the page too.
    `vary_on` names what else the fragment depends on, as in {% cache %}; a
    model instance there also counts as shown ({% fragment "card", article %}),
    for what the fragment shows of an object the view loaded. Wrap whole
    elements, so markup can move without breaking the fragment.

    `{% fragment "page_main", page_object if shared_page %}` keeps the piece
    only where the condition holds (the page every reader shares) and renders
    it each time elsewhere: one piece of markup for both, without a macro,
    which Jinja2 would define again at every rendering of the template.
    """

    tags = {"fragment"}

    def __init__(self, environment):
        super().__init__(environment)
        # {template name: {line: (fragment name, vary_on expressions)}}, for prefetch.
        environment.extend(fragments_by_template={})

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        if not isinstance(name, nodes.Const) or not isinstance(name.value, str):
            parser.fail('A fragment\'s name is a quoted string: {% fragment "name" %}.', lineno)
        vary_on = []
        while parser.stream.skip_if("comma"):
            # Not `a if b else c`: a trailing `if` is the fragment's own condition.
            vary_on.append(parser.parse_expression(with_condexpr=False))
        kept = nodes.Const(True)
        if parser.stream.skip_if("name:if"):
            kept = parser.parse_expression()
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        found = self.environment.fragments_by_template.setdefault(parser.name, {})
        found[lineno] = (name.value, vary_on)
        arguments = [nodes.ContextReference(), name, nodes.List(vary_on), kept]
        call = self.call_method("_render", arguments)
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(self, context, name, vary_on, kept, caller):
        if not kept:  # rendered as if there were no fragment
            return Markup(str(caller()))  # noqa: S704  # nosec B704  (escaped by the template)
        if vary_on:
            shown = [value for value in vary_on if isinstance(value, Model)]
            keys, of_one_page = _keys(vary_on)
        else:  # the site-wide pieces: the menus, the footer
            shown, keys, of_one_page = (), (), False
        wanted = fragments.fragment_key(name, keys, of_one_page)
        fragments.prefetch(context.name, lambda: self._fragments_in(context), wanted)

        def render():
            depends_on(*shown)
            return str(caller())

        html = fragments.cached(name, keys, render, of_one_page=of_one_page)
        return Markup(html)  # noqa: S704  # nosec B704  (rendered by the template, escaped there)

    def _fragments_in(self, context):
        """Return (name, vary_on keys, of one page) of the fragments of the template being rendered.

        Its own, those of the template it extends not included (the site-wide
        ones, kept in each process's memory). Those whose values the context at
        hand does not hold (a fragment in a loop) are left out: they are read
        when they render.
        """
        found = []
        for name, vary_on in self.environment.fragments_by_template.get(context.name, {}).values():
            values = [self._value(expression, context) for expression in vary_on]
            if _MISSING not in values:
                found.append((name, *_keys(values)))
        return found

    def _value(self, node, context):
        """Evaluate a vary_on expression of names, attributes and calls without arguments."""
        if isinstance(node, nodes.Const):
            return node.value
        if isinstance(node, nodes.Name):
            value = context.resolve_or_missing(node.name)
        elif isinstance(node, nodes.Getattr):
            owner = self._value(node.node, context)
            value = _MISSING if owner is _MISSING else self.environment.getattr(owner, node.attr)
        elif isinstance(node, nodes.Call) and not (node.args or node.kwargs):
            function = self._value(node.node, context)
            value = function() if callable(function) else _MISSING
        else:
            return _MISSING
        if value is missing or value is None or isinstance(value, Undefined):
            return _MISSING
        return value
