"""Approved experiences in the site search; the index itself is `articles.search`."""

from articles import search
from articles.models import SearchEntry
from community.models import Experience


def approved_ids(ids):
    """Return the ids, among `ids`, of experiences the public may read."""
    return set(Experience.objects.approved().filter(pk__in=ids).values_list("pk", flat=True))


def load(ids):
    """Return {id: experience} for the result page."""
    return Experience.objects.in_bulk(ids)


def text(experience):
    """Return the plain text a result's snippet is cut from."""
    return experience.body


def every_experience():
    """Return every experience, for a rebuild of the index."""
    return Experience.objects.only("title", "body").iterator(chunk_size=500)


def register():
    """Make experiences searchable; called once, from CommunityConfig.ready()."""
    search.register_kind(
        SearchEntry.Kind.EXPERIENCE,
        visible=approved_ids,
        load=load,
        text=text,
        objects=every_experience,
    )
