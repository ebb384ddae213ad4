"""Every "people also read" list at once, for `manage.py refresh_related`.

Ranking one article's neighbours is a query (`ArticleQuerySet.related_to`);
ranking all of them that way would be one query per article. `rank_all()`
scores every list at once with matrix arithmetic (numpy) instead; tests hold
it to the same order as the query. numpy stays out of the web processes: only
the commands that refresh every list import this module.
"""

import numpy as np
from django.db import connection, transaction

from articles import keys
from articles.models import Article, RelatedArticle, TaggedArticle, rarity_weight
from articles.related import STORED
from caching.dependencies import changed

BATCH = 256


def rank_all():
    """Return {article id: [related ids, best first]} for every public article."""
    rows = list(
        Article.objects.published().order_by("published_at", "id").values_list("id", "category_id")
    )
    if not rows:
        return {}
    ids = np.array([row[0] for row in rows])
    categories = np.array([row[1] for row in rows])
    position = {article_id: index for index, article_id in enumerate(ids.tolist())}
    pairs = TaggedArticle.objects.filter(content_object__in=Article.objects.published())
    pairs = list(pairs.values_list("content_object_id", "tag_id"))
    tag_column = {tag_id: column for column, tag_id in enumerate(sorted({t for _, t in pairs}))}

    total = len(rows)
    tagged = np.zeros((total, max(len(tag_column), 1)), dtype=np.float32)
    for article_id, tag_id in pairs:
        tagged[position[article_id], tag_column[tag_id]] = 1
    frequency = tagged.sum(axis=0)
    # The same integer weights as tag_weights(): sums stay exact in float32.
    weights = np.array(
        [rarity_weight(total, df) if df else 0 for df in frequency],
        dtype=np.float32,
    )
    weighted = tagged * weights
    # Order: score, then same category, then newest (position in the
    # (published_at, id) order). One float64 key holds all three exactly.
    recency = np.arange(total, dtype=np.float64)
    keep = min(STORED, total - 1)
    result = {}
    for start in range(0, total, BATCH):
        stop = min(start + BATCH, total)
        scores = (weighted[start:stop] @ tagged.T).astype(np.float64)
        same_category = categories[start:stop, None] == categories[None, :]
        key = (scores * 2 + same_category) * total + recency
        key[np.arange(stop - start), np.arange(start, stop)] = -1  # never itself
        if keep <= 0:
            result.update({int(article_id): [] for article_id in ids[start:stop]})
            continue
        best = np.argpartition(-key, keep - 1, axis=1)[:, :keep]
        best_keys = np.take_along_axis(key, best, axis=1)
        order = np.argsort(-best_keys, axis=1)
        best = np.take_along_axis(best, order, axis=1)
        for row, article_id in enumerate(ids[start:stop]):
            result[int(article_id)] = ids[best[row]].tolist()
    return result


def refresh_all():
    """Recompute and store the lists of all public articles; return how many."""
    # Rank outside the transaction: on SQLite a write transaction locks out every
    # other writer, and ranking a large site takes minutes; writing takes seconds.
    lists = rank_all()
    with transaction.atomic():
        before = _stored_lists()
        _store(lists)
        # Only the pages whose list changed are rendered again.
        changed(*(keys.related(pk) for pk, ids in lists.items() if before.get(pk) != ids))
    return len(lists)


def _stored_lists():
    """Return {article id: [related ids, best first]} as stored, for public articles."""
    lists = {}
    rows = RelatedArticle.objects.filter(article_id__in=Article.objects.published())
    rows = rows.order_by("article_id", "rank").values_list("article_id", "related_id")
    for article_id, related_id in rows.iterator(chunk_size=10_000):
        lists.setdefault(article_id, []).append(related_id)
    return lists


def _store(lists):
    # Drafts and scheduled articles keep the lists saved with them, so a
    # scheduled article has its list the moment it goes public.
    RelatedArticle.objects.filter(article_id__in=Article.objects.published()).delete()
    # Millions of rows at 100k articles: plain executemany is several times
    # faster than building model instances for bulk_create.
    table = RelatedArticle._meta.db_table
    rows = (
        (article_id, related_id, rank)
        for article_id, related_ids in lists.items()
        for rank, related_id in enumerate(related_ids)
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (article_id, related_id, rank) VALUES (%s, %s, %s)",  # noqa: S608  # nosec B608
            list(rows),
        )
