"""Precomputed "people also read" lists.

Ranking an article's neighbours (`ArticleQuerySet.related_to`) means scoring
every article that shares a tag with it; at 100k articles that is far too slow
for a page view. So the lists are computed ahead and stored in RelatedArticle:
an article's own list when it is saved or retagged, every list by
`manage.py refresh_related` (run it every few minutes; articles/ranking.py).
The page reads one indexed list and filters it through `published()`.
"""

from django.db import transaction

from articles import keys
from articles.models import Article, RelatedArticle
from caching.dependencies import changed, depends_on

SHOWN = 10
# Stored lists are longer than shown, so a few neighbours can stop being public
# before the next refresh without the list coming up short.
STORED = 20


def related_for_page(article, limit=SHOWN):
    """Return the list to show under `article`: stored, public only, best first.

    Records what the page then shows: the stored list and each article in it.
    """
    depends_on(keys.related(article.pk))
    shown = _related_for_page(article, limit)
    depends_on(*shown, *(item.category for item in shown))
    return shown


def _related_for_page(article, limit):
    stored = list(
        Article.objects.published()
        .filter(related_from__article=article)
        .cards()
        .order_by("related_from__rank")[:limit]
    )
    if len(stored) == limit:
        return stored
    # Never computed yet, or too many neighbours went private since the last
    # refresh: rank live (slow on a large site, but rare).
    return list(Article.objects.related_to(article, limit=limit))


def lists_with(article):
    """Return the ids of the articles whose stored list holds `article`."""
    return RelatedArticle.objects.filter(related=article).values_list("article_id", flat=True)


@transaction.atomic
def refresh_for(article):
    """Recompute and store the list of one article."""
    related_ids = list(
        Article.objects.related_to(article, limit=STORED).values_list("id", flat=True)
    )
    stored = RelatedArticle.objects.filter(article=article).order_by("rank")
    if list(stored.values_list("related_id", flat=True)) == related_ids:
        return
    changed(keys.related(article.pk))
    RelatedArticle.objects.filter(article=article).delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(article=article, related_id=related_id, rank=rank)
        for rank, related_id in enumerate(related_ids)
    )
