"""Precomputed "people also read" lists.

Ranking an article's neighbours (`ArticleQuerySet.related_to`) means scoring
every article that shares a tag with it; at 100k articles that is far too slow
for a page view. So the lists are computed ahead and stored in RelatedArticle:
an article's own list when it is saved or retagged, every list by
`manage.py refresh_related` (run it every few minutes; articles/ranking.py).
The page reads one indexed list and filters it through `published()`.

Editors' picks (PinnedArticle, up to 5) are stored in the same list, first and
marked `pinned`, so the page still reads one list: every writer below goes through
`merge()`, which puts the public picks first and drops them (and the article
itself) from the computed part.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles import keys
from articles.models import Article, PinnedArticle, RelatedArticle
from caching.dependencies import changed, depends_on
from caching.queries import Prepared

SHOWN = 10
# Stored lists are longer than shown, so a few neighbours can stop being public
# before the next refresh without the list coming up short.
STORED = 20


# The stored list as a page shows it: every cold article page reads one.
_stored_list = Prepared(
    lambda article, now: (
        Article.objects.published(now)
        .filter(related_from__article=article)
        .annotate(pinned=F("related_from__pinned"))
        .cards()
        .order_by("related_from__rank")[:SHOWN]
    ),
    article=Article._meta.pk,
    now=Article._meta.get_field("published_at"),
)


def related_for_page(article):
    """Return the list to show under `article`: stored, public only, best first.

    Records what the page then shows: the stored list and each article in it.
    """
    depends_on(keys.related(article.pk))
    shown = _related_for_page(article)
    depends_on(*shown, *(item.category for item in shown))
    return shown


def _related_for_page(article):
    stored = _stored_list(article=article.pk, now=timezone.now())
    if len(stored) == SHOWN:
        return stored
    # Never computed yet, or too many neighbours went private since the last
    # refresh: rank live (slow on a large site, but rare).
    picks = list(
        Article.objects.published()
        .filter(pinned_in__article=article)
        .cards()
        .order_by("pinned_in__position", "pinned_in__id")
    )
    for pick in picks:
        pick.pinned = True
    picked = {pick.pk for pick in picks}
    computed = Article.objects.related_to(article, limit=SHOWN + len(picks))
    return (picks + [each for each in computed if each.pk not in picked])[:SHOWN]


def lists_with(article):
    """Return the ids of the articles whose stored list holds `article`."""
    return RelatedArticle.objects.filter(related=article).values_list("article_id", flat=True)


def picks_of(article_id):
    """The public articles an editor pinned on `article_id`, in their order."""
    return list(
        PinnedArticle.objects.filter(article_id=article_id, pinned__in=Article.objects.published())
        .exclude(pinned_id=article_id)
        .order_by("position", "id")
        .values_list("pinned_id", flat=True)
    )


def merge(article_id, picks, computed):
    """The list to store: the picks first, then the computed ids not already in it.

    Returns [(related id, pinned)], at most len(picks) + STORED long, never holding
    `article_id` or an id twice.
    """
    entries, seen = [], {article_id}
    for related_id in picks:
        if related_id not in seen:
            entries.append((related_id, True))
            seen.add(related_id)
    for related_id in computed:
        if related_id not in seen and len(entries) < len(picks) + STORED:
            entries.append((related_id, False))
            seen.add(related_id)
    return entries


def stored_entries(article_id):
    return list(
        RelatedArticle.objects.filter(article_id=article_id)
        .order_by("rank")
        .values_list("related_id", "pinned")
    )


def store(article_id, entries):
    """Write the list of `article_id` if it differs; tell its pages. Return True if written."""
    if stored_entries(article_id) == entries:
        return False
    changed(keys.related(article_id))
    RelatedArticle.objects.filter(article_id=article_id).delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(article_id=article_id, related_id=related_id, rank=rank, pinned=pinned)
        for rank, (related_id, pinned) in enumerate(entries)
    )
    return True


@transaction.atomic
def refresh_for(article):
    """Recompute and store the list of one article."""
    picks = picks_of(article.pk)
    computed = Article.objects.related_to(article, limit=STORED + len(picks))
    store(article.pk, merge(article.pk, picks, list(computed.values_list("id", flat=True))))


@transaction.atomic
def repin(article_id):
    """Store the list of `article_id` again with its current picks, ranking nothing anew."""
    computed = [related_id for related_id, pinned in stored_entries(article_id) if not pinned]
    store(article_id, merge(article_id, picks_of(article_id), computed))
