"""Chinese full-text search over public articles and approved experiences.

Chinese has no spaces, so text is segmented into words with jieba (the rjieba
binding) before it is indexed: "被爆通讯录了" is stored as "被 爆 通讯 通讯录 了",
and a search for 通讯录 finds it. The database's own full-text engine does the
matching and ranking: SQLite FTS5 (bm25) or PostgreSQL full-text search
(ts_rank). Visibility is never stored in the index: results are filtered at
query time through `Article.objects.published()` and `Experience.objects.approved()`.
"""

import html
import re
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


# Indexing ---------------------------------------------------------------


def index(kind, obj_id, *, title, body):
    """Store (or replace) the segmented text of one searchable object."""
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=obj_id,
        defaults={"title": " ".join(segment(title)), "body": " ".join(segment(body))},
    )


def unindex(kind, obj_id):
    SearchEntry.objects.filter(kind=kind, object_id=obj_id).delete()


def index_article(article):
    body = " ".join([article.summary, strip_tags(article.body_html)])
    index(SearchEntry.Kind.ARTICLE, article.pk, title=article.title, body=html.unescape(body))


def index_experience(experience):
    index(SearchEntry.Kind.EXPERIENCE, experience.pk, title=experience.title, body=experience.body)


def rebuild():
    """Rebuild the whole index from the articles and experiences; return the entry count."""
    from community.models import Experience

    SearchEntry.objects.all().delete()
    count = 0
    for article in Article.objects.only("title", "summary", "body_html").iterator(chunk_size=500):
        index_article(article)
        count += 1
    for experience in Experience.objects.only("title", "body").iterator(chunk_size=500):
        index_experience(experience)
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


def ranked_ids(terms, kinds=("article", "experience")):
    """Return [(kind, id)] of indexed objects matching all of `terms`, best first."""
    if not terms:
        return []
    if connection.vendor == "postgresql":
        return _ranked_postgresql(terms, kinds)
    return _ranked_sqlite(terms, kinds)


@dataclass
class Hit:
    kind: str
    object: object
    title: str
    snippet: str


def search(query):
    """Return (query words, [(kind, id)] of public matches, best first)."""
    from community.models import Experience

    terms = query_terms(query)
    ranked = ranked_ids(terms)
    visible = {
        SearchEntry.Kind.ARTICLE: set(
            Article.objects.published()
            .filter(pk__in=[pk for kind, pk in ranked if kind == SearchEntry.Kind.ARTICLE])
            .values_list("pk", flat=True)
        ),
        SearchEntry.Kind.EXPERIENCE: set(
            Experience.objects.approved()
            .filter(pk__in=[pk for kind, pk in ranked if kind == SearchEntry.Kind.EXPERIENCE])
            .values_list("pk", flat=True)
        ),
    }
    return terms, [(kind, pk) for kind, pk in ranked if pk in visible[kind]]


def load_hits(ranked, terms):
    """Return a Hit, with highlighted title and snippet, for each (kind, id) in `ranked`."""
    from community.models import Experience

    wanted = {kind: [pk for k, pk in ranked if k == kind] for kind in SearchEntry.Kind}
    found = {
        SearchEntry.Kind.ARTICLE: Article.objects.select_related("category").in_bulk(
            wanted[SearchEntry.Kind.ARTICLE]
        ),
        SearchEntry.Kind.EXPERIENCE: Experience.objects.in_bulk(
            wanted[SearchEntry.Kind.EXPERIENCE]
        ),
    }
    hits = []
    for kind, pk in ranked:
        obj = found[kind].get(pk)
        if obj is None:  # deleted a moment ago
            continue
        text = obj.body if kind == SearchEntry.Kind.EXPERIENCE else strip_tags(obj.body_html)
        hits.append(
            Hit(kind, obj, highlight(obj.title, terms), snippet(html.unescape(text), terms))
        )
    return hits


def article_ids(query):
    """Return the ids of articles matching `query` (for the `q` filter of article lists)."""
    return [obj_id for _, obj_id in ranked_ids(query_terms(query), kinds=("article",))]


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
