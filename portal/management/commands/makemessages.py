"""`makemessages` that also reads the {% trans %} blocks of the site's Jinja2 templates.

Django's template scanner already finds `{{ _("…") }}` in any .html file; it
knows Django's `{% blocktranslate %}…{% plural %}…{% endblocktranslate %}`
but not Jinja2's `{% trans name=… %}…{% pluralize %}…{% endtrans %}`, which
has the same shape and the same `%(name)s` placeholders. The scanner's three
patterns for those tags are widened to accept both while the command runs.
"""

import contextlib
import re

from django.core.management.commands import makemessages
from django.utils.translation import template

# Jinja2's {% trans %}, alone or with assignments: not Django's {% trans "text" %},
# which the scanner matches first.
BLOCK = re.compile(
    r"""^\s*(?:blocktrans(?:late)?|trans(?=\s*$|\s+\w+\s*=))"""
    r"""(\s+.*context\s+((?:"[^"]*?")|(?:'[^']*?')))?(?:\s+|$)"""
)
END_BLOCK = re.compile(r"""^\s*end(?:blocktrans(?:late)?|trans)$""")
PLURAL = re.compile(r"""^\s*(?:plural|pluralize(?:\s+\w+)?)$""")


@contextlib.contextmanager
def jinja_trans_blocks():
    """While inside, Django's template scanner also reads Jinja2's {% trans %} blocks."""
    patterns = template.block_re, template.endblock_re, template.plural_re
    template.block_re, template.endblock_re, template.plural_re = BLOCK, END_BLOCK, PLURAL
    try:
        yield
    finally:
        template.block_re, template.endblock_re, template.plural_re = patterns


class Command(makemessages.Command):
    def handle(self, *args, **options):
        with jinja_trans_blocks():
            return super().handle(*args, **options)
