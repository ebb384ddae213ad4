"""Chinese full-text search over the site's public content.

Chinese has no spaces, so text is segmented into words with jieba (the rjieba
binding) before it is indexed: "被爆通讯录了" is stored as "被 爆 通讯 通讯录 了",
and a search for 通讯录 finds it. The database's own full-text engine does the
matching and ranking: SQLite FTS5 (bm25) or PostgreSQL full-text search
(ts_rank). Visibility is never stored in the index: results are filtered at
query time by each kind's own rule, e.g. `Article.objects.published()`.

Articles are registered below; another app makes its objects searchable with
`register_kind()` from its AppConfig.ready() (community does so for experiences).
"""

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import rjieba
from django.db import connection
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from articles.models import Article, SearchEntry

# Candidates fetched from the index before the visibility filter; the result
# list shows the best of them.
MAX_CANDIDATES = 200
# Above this many matches, SQLite skips bm25 scoring (its cost grows with the
# matches) and ranks title hits, then body hits, most recently added first.
MAX_SCORED = 2000
MAX_TERMS = 12
SNIPPET_LENGTH = 90
TITLE_WEIGHT = 10.0
_WORD = re.compile(r"\w")


def segment(text, *, for_index=True):
    """Return the words of `text`, lower-cased, without punctuation or spaces."""
    cut = rjieba.cut_for_search if for_index else rjieba.cut
    return [word.lower() for word in cut(text or "") if _WORD.search(word)]


# Function and question words that nearly every text contains; a query made
# only of them still searches for them.
STOPWORDS = frozenset(
    ["的", "了", "吗", "呢", "吧", "啊", "是", "在", "和", "与", "及", "或", "我", "你", "他",
     "她", "它", "我们", "被", "把", "对", "就", "都", "也", "还", "会", "能", "要", "有", "没有",
     "怎么", "怎么办", "怎样", "如何", "什么", "为什么", "哪些", "可以", "一个"]
)  # fmt: skip


def query_terms(query):
    """Return the distinct words a query must all match, in order, at most MAX_TERMS."""
    words = list(dict.fromkeys(segment(query, for_index=False)))
    content = [word for word in words if word not in STOPWORDS]
    return (content or words)[:MAX_TERMS]


# Kinds of searchable objects --------------------------------------------


@dataclass(frozen=True)
class SearchableKind:
    """What search needs to know about one kind of object; each object has `pk` and `title`."""

    visible: Callable[[list[int]], set[int]]  # ids -> those the public may see now
    load: Callable[[list[int]], dict]  # ids -> {id: object}, for the result page
    text: Callable[[object], str]  # object -> the plain text its snippet is cut from
    objects: Callable[[], Iterable]  # () -> every object to index, for rebuild()
    indexed_text: Callable[[object], str] | None = None  # the text to index, if not `text`


KINDS = {}


def register_kind(kind, *, visible, load, text, objects, indexed_text=None):
    """Make the objects of `kind` (a SearchEntry.Kind) searchable; see SearchableKind."""
    KINDS[kind] = SearchableKind(visible, load, text, objects, indexed_text)


# Indexing ---------------------------------------------------------------


def index(kind, obj_id, *, title, body):
    """Store (or replace) the segmented text of one searchable object."""
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=obj_id,
        defaults={"title": " ".join(segment(title)), "body": " ".join(segment(body))},
    )


def index_object(kind, obj):
    """Store (or replace) the index entry of `obj`, an object of a registered `kind`."""
    searchable = KINDS[kind]
    text = searchable.indexed_text or searchable.text
    index(kind, obj.pk, title=obj.title, body=text(obj))


def unindex(kind, obj_id):
    """Remove one object from the index."""
    SearchEntry.objects.filter(kind=kind, object_id=obj_id).delete()


def rebuild():
    """Rebuild the whole index from every registered kind; return the entry count."""
    SearchEntry.objects.all().delete()
    count = 0
    for kind, searchable in KINDS.items():
        for obj in searchable.objects():
            index_object(kind, obj)
            count += 1
    return count


# Querying ---------------------------------------------------------------


def _ranked_sqlite(terms, kinds):
    match = " AND ".join('"{}"'.format(term.replace('"', '""')) for term in terms)
    placeholders = ", ".join(["%s"] * len(kinds))
    select = f"""
        SELECT entry.kind, entry.object_id
        FROM articles_searchentry_fts AS fts
        JOIN articles_searchentry AS entry ON entry.id = fts.rowid
        WHERE articles_searchentry_fts MATCH %s AND entry.kind IN ({placeholders})
    """  # noqa: S608 (only placeholders are interpolated)  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM articles_searchentry_fts WHERE articles_searchentry_fts MATCH %s",
            [match],
        )
        if cursor.fetchone()[0] <= MAX_SCORED:
            cursor.execute(
                f"{select} ORDER BY bm25(articles_searchentry_fts, {TITLE_WEIGHT}, 1.0), "
                f"entry.id DESC LIMIT {MAX_CANDIDATES}",
                [match, *kinds],
            )
            return cursor.fetchall()
        # Too many matches to score within a page view (a word on most of a large
        # site): title matches first, then the rest, each most recently added first. FTS5 walks
        # its index in rowid order, so both stop after MAX_CANDIDATES rows.
        ranked = []
        for expression in (f"title : ({match})", match):
            cursor.execute(
                f"{select} ORDER BY fts.rowid DESC LIMIT {MAX_CANDIDATES}",
                [expression, *kinds],
            )
            ranked += cursor.fetchall()
        return list(dict.fromkeys(ranked))[:MAX_CANDIDATES]


def _ranked_postgresql(terms, kinds):
    # Title words carry weight A, body words D; ts_rank's weights make a title
    # hit count ten times a body hit, as on SQLite.
    every_term = " && ".join(["plainto_tsquery('simple', %s)"] * len(terms))
    sql = f"""
        SELECT kind, object_id
        FROM articles_searchentry, (SELECT {every_term} AS tsquery) AS q
        WHERE document @@ q.tsquery AND kind = ANY(%s)
        ORDER BY ts_rank('{{0.1, 0.1, 0.1, {TITLE_WEIGHT / 10}}}', document, q.tsquery) DESC,
            id DESC
        LIMIT {MAX_CANDIDATES}
    """  # noqa: S608 (only placeholders and constants are interpolated)  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*terms, list(kinds)])
        return cursor.fetchall()


def ranked_ids(terms, kinds=None):
    """Return [(kind, id)] of indexed objects matching all of `terms`, best first."""
    if not terms:
        return []
    kinds = tuple(KINDS) if kinds is None else kinds
    if connection.vendor == "postgresql":
        return _ranked_postgresql(terms, kinds)
    return _ranked_sqlite(terms, kinds)


@dataclass
class Hit:
    kind: str
    object: object
    title: str
    snippet: str


def _ids_by_kind(ranked):
    return {kind: [pk for k, pk in ranked if k == kind] for kind in KINDS}


def search(query):
    """Return (query words, [(kind, id)] of public matches, best first)."""
    terms = query_terms(query)
    ranked = ranked_ids(terms)
    visible = {kind: KINDS[kind].visible(ids) for kind, ids in _ids_by_kind(ranked).items()}
    return terms, [(kind, pk) for kind, pk in ranked if pk in visible[kind]]


def load_hits(ranked, terms):
    """Return a Hit, with highlighted title and snippet, for each (kind, id) in `ranked`."""
    found = {kind: KINDS[kind].load(ids) for kind, ids in _ids_by_kind(ranked).items()}
    hits = []
    for kind, pk in ranked:
        obj = found[kind].get(pk)
        if obj is None:  # deleted a moment ago
            continue
        text = KINDS[kind].text(obj)
        hits.append(Hit(kind, obj, highlight(obj.title, terms), snippet(text, terms)))
    return hits


def article_ids(query):
    """Return the ids of articles matching `query` (for the `q` filter of article lists)."""
    kinds = (SearchEntry.Kind.ARTICLE,)
    return [obj_id for _, obj_id in ranked_ids(query_terms(query), kinds=kinds)]


def _pattern(terms):
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


def highlight(text, terms):
    """Return `text` escaped, with the query's words wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(html.escape(text))  # noqa: S308  # nosec B308 B703
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        parts.append(f"<mark>{html.escape(match.group())}</mark>")
        last = match.end()
    parts.append(html.escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def snippet(text, terms, length=SNIPPET_LENGTH):
    """Return about `length` characters of `text` around the first match, highlighted."""
    text = " ".join(text.split())
    pattern = _pattern(terms)
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - length // 3) if match else 0
    piece = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(prefix + highlight(piece, terms) + suffix)  # noqa: S308  # nosec B308 B703


# Articles ---------------------------------------------------------------


def _public_article_ids(ids):
    return set(Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True))


def _load_articles(ids):
    return Article.objects.select_related("category").in_bulk(ids)


def _article_text(article):
    return html.unescape(strip_tags(article.body_html))


def _article_indexed_text(article):
    # The summary is searched too, though snippets are cut from the body.
    return html.unescape(" ".join([article.summary, strip_tags(article.body_html)]))


def _all_articles():
    return Article.objects.only("title", "summary", "body_html").iterator(chunk_size=500)


register_kind(
    SearchEntry.Kind.ARTICLE,
    visible=_public_article_ids,
    load=_load_articles,
    text=_article_text,
    objects=_all_articles,
    indexed_text=_article_indexed_text,
)
