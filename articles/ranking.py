"""Every "people also read" list at once, for `manage.py refresh_related`.

Ranking one article's neighbours is a query (`ArticleQuerySet.related_to`);
ranking all of them that way would be one query per article. `rank_all()`
scores every list at once with matrix arithmetic (numpy) instead; tests hold
it to the same order as the query. numpy stays out of the web processes: only
the commands that refresh every list import this module.
"""

from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from articles import keys, related
from articles.models import (
    MAX_PINS,
    Article,
    PinnedArticle,
    RelatedArticle,
    TaggedArticle,
    rarity_weight,
)
from articles.related import STORED
from caching.dependencies import changed

BATCH = 256
FOLLOW_LOCK = 0x72656C61  # the advisory lock follows take turns on ("rela")


@dataclass
class Matrix:
    """Every public article's tags as a matrix, in (published_at, id) order."""

    ids: np.ndarray  # article ids; an article's row is its position here
    categories: np.ndarray
    position: dict  # {article id: row}
    tagged: np.ndarray  # 1 where the row's article has the column's tag
    weighted: np.ndarray  # tagged times each tag's rarity weight

    @property
    def total(self):
        return len(self.ids)

    def keys(self, rows, columns):
        """The order key of each `columns` article in the list of the `rows` article.

        Score, then same category, then newest (the position in the (published_at,
        id) order): one float64 holds all three exactly, as in `related_to()`.
        """
        scores = np.einsum("ij,ij->i", self.weighted[rows], self.tagged[columns], dtype=np.float64)
        same_category = self.categories[rows] == self.categories[columns]
        return (scores * 2 + same_category) * self.total + columns


def load_matrix():
    """Return the Matrix of the public articles, or None when there are none."""
    rows = list(
        Article.objects.published().order_by("published_at", "id").values_list("id", "category_id")
    )
    if not rows:
        return None
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
    return Matrix(ids, categories, position, tagged, tagged * weights)


def rank_all(keep=STORED):
    """Return {article id: [related ids, best first]} for every public article, `keep` each."""
    matrix = load_matrix()
    if matrix is None:
        return {}
    return rank_rows(matrix, range(matrix.total), keep)


def rank_rows(matrix, rows, keep=STORED):
    """Return {article id: [related ids, best first]} for the articles at matrix `rows`."""
    ids, categories, total = matrix.ids, matrix.categories, matrix.total
    tagged, weighted = matrix.tagged, matrix.weighted
    rows = np.asarray(list(rows), dtype=np.int64)
    # Order: score, then same category, then newest (position in the
    # (published_at, id) order). One float64 key holds all three exactly.
    recency = np.arange(total, dtype=np.float64)
    keep = min(keep, total - 1)
    result = {}
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        scores = (weighted[batch] @ tagged.T).astype(np.float64)
        same_category = categories[batch, None] == categories[None, :]
        key = (scores * 2 + same_category) * total + recency
        key[np.arange(len(batch)), batch] = -1  # never itself
        if keep <= 0:
            result.update({int(article_id): [] for article_id in ids[batch]})
            continue
        best = np.argpartition(-key, keep - 1, axis=1)[:, :keep]
        best_keys = np.take_along_axis(key, best, axis=1)
        order = np.argsort(-best_keys, axis=1)
        best = np.take_along_axis(best, order, axis=1)
        for row, article_id in enumerate(ids[batch]):
            result[int(article_id)] = ids[best[row]].tolist()
    return result


def follow(article_id):
    """Bring the stored lists in step with one article published, retagged or withdrawn.

    What `refresh_related` would change for it, in seconds rather than minutes at 100k
    articles: the lists that hold the article are ranked again in full (it may move,
    leave, or, withdrawn, make room for the next one); every other list takes it in
    where it now ranks above the last entry. The other entries of those lists keep
    their order: the small drift of tag weights that one article causes waits for the
    next full `refresh_related`. Returns the ids of the lists written.
    """
    # One follow at a time, from its first read to its last write, or one working from
    # lists read before another's writes would undo them. SQLite's write transactions
    # take turns already (they begin IMMEDIATE, so other writers wait, for the second or
    # two this takes at 100k articles); on PostgreSQL a transaction-level advisory lock,
    # which goes with the transaction even if the worker dies.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLLOW_LOCK])
        holding = set(
            RelatedArticle.objects.filter(related_id=article_id).values_list(
                "article_id", flat=True
            )
        )
        matrix = load_matrix()
        if matrix is None:
            return _withdraw(article_id, holding)
        # Holding lists of public articles are ranked again from the matrix.
        again = rank_rows(
            matrix,
            [matrix.position[owner] for owner in holding if owner in matrix.position],
            STORED + MAX_PINS,
        )
        entering = set()
        if article_id in matrix.position:
            entering = _entering(matrix, article_id) - holding - {article_id}
        return _write(matrix, article_id, again, entering, holding)


def _entering(matrix, article_id):
    """The articles whose list `article_id` now ranks above the last entry of."""
    x = matrix.position[article_id]
    everyone = np.arange(matrix.total)
    key_x = matrix.keys(everyone, np.full(matrix.total, x))
    # Each full list's last computed entry: the article must beat it to enter.
    last = dict(
        RelatedArticle.objects.filter(rank=STORED - 1, pinned=False).values_list(
            "article_id", "related_id"
        )
    )
    with_picks = set(PinnedArticle.objects.values_list("article_id", flat=True))
    rows, columns, unknown = [], [], []
    for article, row in matrix.position.items():
        entry = last.get(article)
        if entry is None or article in with_picks or entry not in matrix.position:
            unknown.append(row)  # a short list, picks first, or a last entry gone private
        else:
            rows.append(row)
            columns.append(matrix.position[entry])
    threshold = np.full(matrix.total, -1.0)
    if rows:
        threshold[rows] = matrix.keys(np.array(rows), np.array(columns))
    threshold[unknown] = -1.0
    return set(matrix.ids[key_x > threshold].tolist())


def _write(matrix, article_id, again, entering, holding):
    """Store the lists ranked `again`, and `article_id` inserted into the `entering` ones."""
    written = []
    with transaction.atomic():
        picks = _picks()
        stored = {}
        rows = RelatedArticle.objects.filter(article_id__in=entering, pinned=False)
        for owner, related_id in rows.order_by("article_id", "rank").values_list(
            "article_id", "related_id"
        ):
            stored.setdefault(owner, []).append(related_id)
        lists = dict(again)
        x = matrix.position.get(article_id)
        for owner in entering:
            row = matrix.position[owner]
            entries = [entry for entry in stored.get(owner, []) if entry in matrix.position]
            columns = np.array([matrix.position[entry] for entry in entries] + [x])
            order_keys = matrix.keys(np.full(len(columns), row), columns)
            order = np.argsort(-order_keys, kind="stable")
            lists[owner] = [int(matrix.ids[columns[index]]) for index in order][:STORED]
        for owner, computed in lists.items():
            if related.store(owner, related.merge(owner, picks.get(owner, []), computed)):
                written.append(owner)
        # Drafts keep their lists, but not an entry that is not public any more.
        gone = holding - set(lists)
        if article_id not in matrix.position and gone:
            RelatedArticle.objects.filter(article_id__in=gone, related_id=article_id).delete()
            changed(*(keys.related(owner) for owner in gone))
            written += sorted(gone)
    return written


def _withdraw(article_id, holding):
    """No public article is left: the article leaves every list."""
    with transaction.atomic():
        RelatedArticle.objects.filter(related_id=article_id).delete()
        changed(*(keys.related(owner) for owner in holding))
    return sorted(holding)


def refresh_all():
    """Recompute and store the lists of all public articles; return how many."""
    # Rank outside the transaction: on SQLite a write transaction locks out every
    # other writer, and ranking a large site takes minutes; writing takes seconds.
    # A few more than stored, for the editors' picks to push out.
    ranked = rank_all(STORED + MAX_PINS)
    with transaction.atomic():
        picks = _picks()
        lists = {pk: related.merge(pk, picks.get(pk, []), ids) for pk, ids in ranked.items()}
        before = _stored_lists()
        _store(lists)
        # Only the pages whose list changed are rendered again.
        changed(*(keys.related(pk) for pk, entries in lists.items() if before.get(pk) != entries))
    return len(lists)


def _picks():
    """Return {article id: [public pinned ids, in order]} (related.picks_of for all)."""
    picks = {}
    rows = (
        PinnedArticle.objects.filter(pinned__in=Article.objects.published())
        .order_by("article_id", "position", "id")
        .values_list("article_id", "pinned_id")
    )
    for article_id, pinned_id in rows:
        picks.setdefault(article_id, []).append(pinned_id)
    return picks


def _stored_lists():
    """Return {article id: [(related id, pinned)], best first} as stored, for public articles."""
    lists = {}
    rows = RelatedArticle.objects.filter(article_id__in=Article.objects.published())
    rows = rows.order_by("article_id", "rank").values_list("article_id", "related_id", "pinned")
    for article_id, related_id, pinned in rows.iterator(chunk_size=10_000):
        lists.setdefault(article_id, []).append((related_id, pinned))
    return lists


def _store(lists):
    # Drafts and scheduled articles keep the lists saved with them, so a
    # scheduled article has its list the moment it goes public.
    RelatedArticle.objects.filter(article_id__in=Article.objects.published()).delete()
    # Millions of rows at 100k articles: plain executemany is several times
    # faster than building model instances for bulk_create.
    table = RelatedArticle._meta.db_table
    rows = (
        (article_id, related_id, rank, pinned)
        for article_id, entries in lists.items()
        for rank, (related_id, pinned) in enumerate(entries)
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (article_id, related_id, rank, pinned) VALUES (%s, %s, %s, %s)",  # noqa: S608  # nosec B608
            list(rows),
        )
