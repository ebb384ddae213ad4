"""makemessages finds every string of the site's Jinja2 templates."""

from django.utils.translation.template import templatize

from portal.management.commands.makemessages import jinja_trans_blocks

SOURCE = """{% extends "base.html" %}
{% block title %}{{ _("Search") }} · {{ SITE_NAME }}{% endblock %}
<input placeholder="{{ _('e.g. 征信') }}">
<span>{% trans number=n, total=pages %}Page {{ number }} of {{ total }}{% endtrans %}</span>
{% trans counter=total %}{{ counter }} result{% pluralize %}{{ counter }} results{% endtrans %}
<p>{% trans %}Nothing matches “{{ query }}”.{% endtrans %}</p>
{% if page_obj.has_next() %}{{ url("articles:list") }}{% endif %}
"""


def test_strings_in_calls_and_trans_blocks_are_found():
    with jinja_trans_blocks():
        found = templatize(SOURCE)
    assert '_("Search")' in found
    assert "_('e.g. 征信')" in found
    assert "gettext(u'Page %(number)s of %(total)s')" in found
    assert "ngettext(u'%(counter)s result', u'%(counter)s results', count)" in found
    assert "gettext(u'Nothing matches “%(query)s”.')" in found


def test_the_scanner_is_left_as_it_was():
    with jinja_trans_blocks():
        pass
    assert "Page %(number)s" not in templatize(SOURCE)
