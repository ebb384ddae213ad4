"""Chinese full-text search over the site's public content.

Chinese has no spaces between words, and a dictionary to find them costs every
process tens of megabytes. Text is indexed as overlapping pairs of characters
instead: each run of Chinese (or Japanese kana) characters gives every pair in
it, then its last character alone, so every character starts exactly one token
("被爆通讯录了" is stored as "被爆 爆通 通讯 讯录 录了 了"). Runs of Latin letters
and digits are whole words ("P2P" is "p2p"). Text is first brought to one form
(NFKC, lower case): full-width "ＡＰＰ" is "app".

A query is cut at spaces and punctuation into terms, and each term is matched
as a phrase of the same tokens: 通讯录 is the phrase "通讯 讯录", found in
爆通讯录 and wherever those two pairs stand side by side; 征信 is the token 征信,
found in 上征信. A term ending in a single character ends with a prefix:
债 is 债*, which finds 债务 and 欠债 alike, since every character starts one
token (the run's last one alone); indexing every character alone as well
would double the index for the rare one-character query. 第12345篇 is the
phrase "第 12345 篇*". Every term must match; a long term is matched as
phrases of at most MAX_PHRASE_TOKENS tokens. Question and function words
(怎么办, 的, 了...) are cut out of a term, unless nothing else is left. Terms
are listed in a canonical form, the query's cache key: "网贷逾期怎么办？" and
"网贷逾期" are both "网贷逾期".

The database's own engine does the matching and ranking: SQLite FTS5 (bm25)
or PostgreSQL full-text search (ts_rank), over tables, triggers and indexes
made by migrations 0003, 0005 and 0006. Results whose title holds every term
come first. To keep every query bounded, matches are counted only up to
MAX_SCORED + 1; above MAX_SCORED, results are the most recently indexed
matches, titles first, read in index order with a LIMIT, without scoring. On
PostgreSQL a search that runs longer than TIME_LIMIT_MS all the same is
cancelled (a statement timeout). docs/performance.md, "Search at 100k", has
the figures.

Visibility is never stored in the index: results are filtered at query time
by each kind's own rule, e.g. `Article.objects.published()`. Articles are
registered below; another app makes its objects searchable with
`register_kind()` from its AppConfig.ready() (community does so for experiences).
"""

import dataclasses
import html
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from articles.models import Article, SearchEntry
from caching.dependencies import changed

logger = logging.getLogger(__name__)

# The dependency key of the index (caching/dependencies.py): renewed whenever
# what a visible object is found by changes. Which objects are visible has keys
# of its own (`articles.keys.PUBLIC_ARTICLES`, community's `PUBLIC_EXPERIENCES`).
INDEX_KEY = "search"

# Candidates fetched from the index before the visibility filter; the result
# list shows the best of them.
MAX_CANDIDATES = 200
# Above this many matches, results are not scored (scoring reads every match):
# title matches come first, then the rest, each most recently indexed first.
MAX_SCORED = 2000
# A query is read up to this many characters, in phrases of at most
# MAX_PHRASE_TOKENS tokens, up to MAX_PHRASES phrases in all.
MAX_QUERY_LENGTH = 100
MAX_PHRASE_TOKENS = 4
MAX_PHRASES = 8
# The longest a search may run on PostgreSQL before it is cancelled.
TIME_LIMIT_MS = 500
SNIPPET_LENGTH = 90
TITLE_WEIGHT = 10.0

# Scripts written without spaces: CJK ideographs (and their extensions), kana.
_SPACELESS = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
)
_SPACELESS_CHAR = re.compile(f"[{_SPACELESS}]")
# A run of spaceless characters, or a word of letters and digits.
_RUN = re.compile(f"[{_SPACELESS}]+|[^\\W_{_SPACELESS}]+")
# A term: what stands between spaces and punctuation.
_CHUNK = re.compile(r"[^\W_]+")
# Question and function words, cut out of a query's terms wherever they stand
# (but not out of 了解, 目的, 的确); pronouns and 被 only where a term starts.
# Kept short on purpose: cutting 还 or 会 would turn 还款 or 协会 into a single
# character that matches nearly everything.
_FILLER = re.compile(
    "怎么办|怎么样|怎么|为什么|什么|如何|怎样|哪些|哪个|哪里|是不是|能不能|会不会|有没有"
    "|可不可以|可以吗|请问|(?<!目)的(?!确)|了(?!解)|吗|呢|吧|啊|呀|嘛"
)
_LEADING = re.compile("^(?:我们|你们|他们|我|你|他|她|被)+")


def normalise(text):
    """Return `text` in the one form both the index and queries use (NFKC, lower case)."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _is_spaceless(run):
    return _SPACELESS_CHAR.match(run) is not None


def _run_tokens(runs):
    tokens = []
    for run in runs:
        if _is_spaceless(run):
            tokens += [a + b for a, b in zip(run, run[1:], strict=False)]
            tokens.append(run[-1])
        else:
            tokens.append(run)
    return tokens


def segment(text):
    """Return the tokens `text` is indexed under: pairs of characters, lone last ones, words."""
    return _run_tokens(_RUN.findall(normalise(text)))


@dataclass(frozen=True)
class Phrase:
    """Tokens that must stand side by side; the last one may be a prefix."""

    tokens: tuple
    prefix: bool


@dataclass(frozen=True)
class Term:
    """One part of a query, in its canonical text, and the phrases that must all match."""

    text: str
    phrases: tuple

    @classmethod
    def of(cls, text):
        runs = _RUN.findall(text)
        tokens = _run_tokens(runs)
        # The index has the pairs of a run, then its last character alone. A
        # query's run may stand inside a longer one in the text, so its last
        # character alone is left out; a run of one character is a prefix.
        last = runs[-1]
        prefix = _is_spaceless(last) and len(last) == 1
        if _is_spaceless(last) and not prefix:
            tokens.pop()
        # A long phrase of common pairs (的的的…) costs the engine a scan of
        # nearly every entry for each of its tokens: cut into short phrases.
        pieces = range(0, len(tokens), MAX_PHRASE_TOKENS)
        phrases = [
            Phrase(tuple(tokens[start : start + MAX_PHRASE_TOKENS]), prefix and start == pieces[-1])
            for start in pieces
        ]
        return cls(text, tuple(dict.fromkeys(phrases)))

    def pattern(self):
        """Return a regular expression finding this term in original (unindexed) text."""
        return r"[\W_]*".join(re.escape(run) for run in _RUN.findall(self.text))


def _content(chunk):
    """Return the pieces of `chunk` left when filler words are cut out; None if only filler."""
    pieces = [_LEADING.sub("", piece) for piece in _FILLER.split(chunk)]
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        return None
    # A lone character cut off by a filler word ("我的钱" → "钱") says less than
    # the whole: keep the term whole unless a longer piece is left.
    strong = [piece for piece in pieces if len(piece) > 1 or not _is_spaceless(piece)]
    return strong or [chunk]


def query_terms(query):
    """Return the distinct Terms of `query` that must all match, in order, within MAX_PHRASES."""
    text = normalise((query or "")[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH]
    chunks = _CHUNK.findall(text)
    found = [_content(chunk) for chunk in chunks]
    texts = [piece for pieces in found if pieces for piece in pieces] or chunks
    terms, budget = [], MAX_PHRASES
    for term in map(Term.of, dict.fromkeys(texts)):
        if budget <= 0:
            break
        terms.append(dataclasses.replace(term, phrases=term.phrases[:budget]))
        budget -= len(term.phrases)
    return terms


def canonical(query):
    """Return the canonical form of `query`: its terms, separated by a space ("" if none)."""
    return " ".join(term.text for term in query_terms(query))


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


def _entry_text(kind, obj):
    searchable = KINDS[kind]
    text = searchable.indexed_text or searchable.text
    return " ".join(segment(obj.title)), " ".join(segment(text(obj)))


def index_object(kind, obj):
    """Store (or replace) the index entry of `obj`, an object of a registered `kind`."""
    title, body = _entry_text(kind, obj)
    entry, created = SearchEntry.objects.get_or_create(
        kind=kind, object_id=obj.pk, defaults={"title": title, "body": body}
    )
    if not created:
        if (entry.title, entry.body) == (title, body):
            return
        entry.title, entry.body = title, body
        entry.save(update_fields=["title", "body"])
    # What an object is found by matters only while the public sees it; one
    # that appears or disappears renews its kind's list key instead.
    if KINDS[kind].visible([obj.pk]):
        changed(INDEX_KEY)


def unindex(kind, obj_id):
    """Remove one object from the index."""
    if SearchEntry.objects.filter(kind=kind, object_id=obj_id).delete()[0]:
        changed(INDEX_KEY)


@transaction.atomic
def rebuild(kinds=None, *, batch_size=500):
    """Rebuild the index from scratch, of every registered kind or of `kinds`; return the count."""
    kinds = list(KINDS) if kinds is None else kinds
    SearchEntry.objects.filter(kind__in=kinds).delete()
    count = 0
    for kind in kinds:
        searchable = KINDS[kind]
        batch = []
        for obj in searchable.objects():
            title, body = _entry_text(kind, obj)
            batch.append(SearchEntry(kind=kind, object_id=obj.pk, title=title, body=body))
            if len(batch) == batch_size:
                count += len(SearchEntry.objects.bulk_create(batch))
                batch = []
        count += len(SearchEntry.objects.bulk_create(batch))
    changed(INDEX_KEY)
    return count


# Querying ---------------------------------------------------------------


class SearchTimeout(Exception):
    """A search ran out of its time on the database and was cancelled."""


def _phrases(terms):
    return [phrase for term in terms for phrase in term.phrases]


def _fts_query(terms):
    # Tokens are letters and digits only: nothing to escape inside the quotes.
    return " AND ".join(
        '"{}"{}'.format(" ".join(phrase.tokens), " *" if phrase.prefix else "")
        for phrase in _phrases(terms)
    )


_FTS_COUNT = """
    SELECT count(*) FROM (
        SELECT 1 FROM articles_searchentry_fts WHERE articles_searchentry_fts MATCH %s LIMIT %s
    )
"""
_FTS_SELECT = """
    SELECT entry.kind, entry.object_id, entry.id, entry.title, {score}
    FROM articles_searchentry_fts AS fts
    JOIN articles_searchentry AS entry ON entry.id = fts.rowid
    WHERE articles_searchentry_fts MATCH %s AND entry.kind IN ({kinds})
"""
_FTS_SCORED = _FTS_SELECT.replace("{score}", f"bm25(articles_searchentry_fts, {TITLE_WEIGHT}, 1.0)")
_FTS_RECENT = (
    _FTS_SELECT.replace("{score}", "0") + f" ORDER BY fts.rowid DESC LIMIT {MAX_CANDIDATES}"
)


def _in_title(terms):
    """Return a test of whether an entry's indexed title holds every phrase of `terms`."""
    patterns = [
        re.compile(
            r"(?<!\S){}{}(?!\S)".format(" ".join(phrase.tokens), r"\S*" if phrase.prefix else "")
        )
        for phrase in _phrases(terms)
    ]
    return lambda title: all(pattern.search(title) for pattern in patterns)


def _ranked_sqlite(terms, kinds):
    match = _fts_query(terms)
    placeholders = ", ".join(["%s"] * len(kinds))
    with connection.cursor() as cursor:
        cursor.execute(_FTS_COUNT, [match, MAX_SCORED + 1])
        if cursor.fetchone()[0] <= MAX_SCORED:
            # Every match, scored; whether its title holds the query is read from
            # its indexed title here, which costs less than a second search.
            cursor.execute(_FTS_SCORED.format(kinds=placeholders), [match, *kinds])
            in_title = _in_title(terms)
            rows = sorted(cursor.fetchall(), key=lambda r: (not in_title(r[3]), r[4], -r[2]))
            return [(kind, pk) for kind, pk, *_ in rows[:MAX_CANDIDATES]]
        # Too many matches to score (a word on most of a large site): title
        # matches first, then the rest, each most recently indexed first. FTS5
        # walks its index in rowid order, so both stop after MAX_CANDIDATES rows.
        ranked = []
        for expression in (f"title : ({match})", match):
            cursor.execute(_FTS_RECENT.format(kinds=placeholders), [expression, *kinds])
            ranked += [(kind, pk) for kind, pk, *_ in cursor.fetchall()]
        return list(dict.fromkeys(ranked))[:MAX_CANDIDATES]


def _tsquery(terms):
    """Return the text of a tsquery matching every phrase of `terms`."""

    def phrase(phrase):
        # Tokens are letters and digits only: nothing to escape inside the quotes.
        lexemes = [f"'{token}'" for token in phrase.tokens]
        if phrase.prefix:
            lexemes[-1] += ":*"
        return " <-> ".join(lexemes)

    return " & ".join(f"({phrase(each)})" for each in _phrases(terms))


def _pieces(phrase):
    """Return the three-character pieces of `phrase` (migration 0006): 通讯 讯录 → 通讯录."""
    pairs = zip(phrase.tokens, phrase.tokens[1:], strict=False)
    return [
        a + b[1]
        for a, b in pairs
        if len(a) == len(b) == 2 and a[1] == b[0] and _is_spaceless(a) and _is_spaceless(b)
    ]


def _pg_condition(terms):
    """Return (pieces tsquery text, WHERE condition) matching every phrase of `terms`.

    The document's tsvector (title and body, migration 0003) is stored out of
    line: testing a row against it costs reading and decompressing kilobytes.
    A phrase of three characters is matched by its piece alone (an exact
    index lookup); a longer one only on the rows that hold all its pieces.
    """
    phrases = _phrases(terms)
    pieces = list(dict.fromkeys(piece for phrase in phrases for piece in _pieces(phrase)))
    exact = all(len(phrase.tokens) == 2 and _pieces(phrase) for phrase in phrases)
    conditions = [] if exact else ["document @@ q.query"]
    if pieces:
        conditions.append("articles_searchentry.pieces @@ q.pieces")
    return " & ".join(f"'{piece}'" for piece in pieces), " AND ".join(conditions)


_PG_QUERY = "(SELECT to_tsquery('simple', %s) AS query, %s::tsquery AS pieces) AS q"
_PG_COUNT = f"""
    SELECT count(*) FROM (
        SELECT 1 FROM articles_searchentry, {_PG_QUERY} WHERE {{where}} LIMIT %s
    ) AS matches
"""  # noqa: S608 (only constants are interpolated)  # nosec B608
# Title tokens carry weight A, body tokens D: ts_rank's weights make a title
# hit count ten times a body hit, as bm25's do on SQLite. The title's own small
# tsvector (migration 0005) says whether a title matches.
_PG_RANKED = f"""
    SELECT kind, object_id FROM articles_searchentry, {_PG_QUERY}
    WHERE {{where}} AND kind = ANY(%s)
    ORDER BY title_document @@ q.query DESC,
        ts_rank('{{{{0.1, 0.1, 0.1, {TITLE_WEIGHT / 10}}}}}', document, q.query) DESC, id DESC
    LIMIT {MAX_CANDIDATES}
"""  # noqa: S608 (only constants are interpolated)  # nosec B608
# The most recent matches, two ways. Walking back along the primary key stops
# after MAX_CANDIDATES matches, but reads the document of every entry it
# passes: cheap when matches are dense. Reading every match from the index and
# sorting costs a visit to each (and no document, unless the index cannot
# decide alone): cheap when they are not. The latest RECENT_WINDOW entries
# are walked first; unless at least one in DENSE of them matched, the rest
# come from the index. The planner, not knowing what a document costs to
# read, would walk in both cases.
RECENT_WINDOW = 600
DENSE = 16
_PG_LATEST = f"""
    SELECT kind, object_id FROM (
        SELECT * FROM articles_searchentry ORDER BY id DESC LIMIT %s
    ) AS articles_searchentry, {_PG_QUERY}
    WHERE {{where}} AND kind = ANY(%s)
    ORDER BY id DESC LIMIT {MAX_CANDIDATES}
"""  # noqa: S608 (only constants are interpolated)  # nosec B608
_PG_RECENT = f"""
    SELECT kind, object_id FROM articles_searchentry, {_PG_QUERY}
    WHERE {{where}} AND kind = ANY(%s)
    ORDER BY id DESC LIMIT {MAX_CANDIDATES}
"""  # noqa: S608 (only constants are interpolated)  # nosec B608


def _ranked_postgresql(terms, kinds):
    pieces, where = _pg_condition(terms)
    query = [_tsquery(terms), pieces]
    deadline = time.monotonic() + TIME_LIMIT_MS / 1000
    # SET LOCAL lasts until the transaction (or savepoint) ends; it is reset
    # below for the later statements of an enclosing transaction.
    with transaction.atomic(), connection.cursor() as cursor:

        def execute(sql, params):
            remaining = max(1, round((deadline - time.monotonic()) * 1000))
            cursor.execute(f"SET LOCAL statement_timeout = {remaining}")
            cursor.execute(sql, params)
            return cursor.fetchall()

        params = [*query, list(kinds)]
        count = execute(_PG_COUNT.format(where=where), [*query, MAX_SCORED + 1])[0][0]
        if count <= MAX_SCORED:
            ranked = execute(_PG_RANKED.format(where=where), params)
        else:
            # Too many matches to score: title matches first, then the rest,
            # each most recently indexed first.
            ranked = execute(_PG_RECENT.format(where="title_document @@ q.query"), params)
            latest = execute(_PG_LATEST.format(where=where), [RECENT_WINDOW, *params])
            if len(latest) * DENSE >= RECENT_WINDOW and len(latest) < MAX_CANDIDATES:
                latest = execute(_PG_RECENT.format(where=where), params)
            elif len(latest) < MAX_CANDIDATES:
                cursor.execute("SET LOCAL enable_indexscan = off")
                latest = execute(_PG_RECENT.format(where=where), params)
                cursor.execute("SET LOCAL enable_indexscan TO DEFAULT")
            ranked = list(dict.fromkeys(ranked + latest))[:MAX_CANDIDATES]
        cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
    return ranked


def _recent_sqlite(terms, kinds):
    placeholders = ", ".join(["%s"] * len(kinds))
    with connection.cursor() as cursor:
        cursor.execute(_FTS_RECENT.format(kinds=placeholders), [_fts_query(terms), *kinds])
        return [(kind, pk) for kind, pk, *_ in cursor.fetchall()]


def _recent_postgresql(terms, kinds):
    pieces, where = _pg_condition(terms)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {TIME_LIMIT_MS}")
        cursor.execute(_PG_RECENT.format(where=where), [_tsquery(terms), pieces, list(kinds)])
        recent = cursor.fetchall()
        cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
    return recent


def recent_ids(terms, kinds=None):
    """Return [(kind, id)] of the MAX_CANDIDATES most recently indexed matches, unscored.

    For lists that order the matches their own way (the `q` filter of
    article lists): one statement, where ranking takes two. Raise
    SearchTimeout as ranked_ids() does.
    """
    return _by_vendor(_recent_sqlite, _recent_postgresql, terms, kinds)


def ranked_ids(terms, kinds=None):
    """Return [(kind, id)] of indexed objects matching all of `terms`, best first.

    Raise SearchTimeout when the database cancelled the search.
    """
    return _by_vendor(_ranked_sqlite, _ranked_postgresql, terms, kinds)


def _by_vendor(sqlite, postgresql, terms, kinds):
    if not terms:
        return []
    kinds = tuple(KINDS) if kinds is None else kinds
    if connection.vendor != "postgresql":
        return sqlite(terms, kinds)
    try:
        return postgresql(terms, kinds)
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) != "57014":  # query_canceled
            raise
        logger.warning("Search cancelled after %d ms: %s", TIME_LIMIT_MS, _tsquery(terms))
        raise SearchTimeout from error


@dataclass
class Hit:
    kind: str
    object: object
    title: str
    snippet: str


def _ids_by_kind(ranked):
    return {kind: [pk for k, pk in ranked if k == kind] for kind in KINDS}


def loosened(terms):
    """Return `terms` with each Chinese term of four characters or more cut into words of two.

    For a query that found nothing as written: 逾期网贷 then finds 网贷逾期 and
    网贷已经逾期, as most Chinese words are two characters long. An odd last
    character stays with the word before it. None when no term is that long.
    """
    cut, loose = False, []
    for term in terms:
        text = term.text
        if len(text) < 4 or not all(map(_is_spaceless, text)):
            loose.append(term)
            continue
        cut = True
        words = [text[start : start + 2] for start in range(0, len(text) - 1, 2)]
        if len(text) % 2:
            words[-1] += text[-1]
        loose.extend(map(Term.of, words))
    return list(dict.fromkeys(loose))[:MAX_PHRASES] if cut else None


def _ranked(terms, kinds=None, find=None):
    """Return (the Terms matched, find()): as written, else loosened if nothing matched.

    `find` is ranked_ids() (the default) or recent_ids().
    """
    find = find or ranked_ids
    found = find(terms, kinds)
    loose = None if found else loosened(terms)
    return (loose, find(loose, kinds)) if loose else (terms, found)


def search(query):
    """Return (query Terms, [(kind, id)] of public matches, best first); see ranked_ids()."""
    terms, ranked = _ranked(query_terms(query))
    visible = {kind: KINDS[kind].visible(ids) for kind, ids in _ids_by_kind(ranked).items() if ids}
    return terms, [(kind, pk) for kind, pk in ranked if pk in visible[kind]]


def load_hits(ranked, terms):
    """Return a Hit, with highlighted title and snippet, for each (kind, id) in `ranked`."""
    found = {kind: KINDS[kind].load(ids) for kind, ids in _ids_by_kind(ranked).items() if ids}
    hits = []
    for kind, pk in ranked:
        obj = found[kind].get(pk)
        if obj is None:  # deleted a moment ago
            continue
        text = KINDS[kind].text(obj)
        hits.append(Hit(kind, obj, highlight(obj.title, terms), snippet(text, terms)))
    return hits


def article_ids(query):
    """Return the ids of the most recent articles matching `query` (the `q` filter of lists)."""
    kinds = (SearchEntry.Kind.ARTICLE,)
    try:
        return [obj_id for _, obj_id in _ranked(query_terms(query), kinds, find=recent_ids)[1]]
    except SearchTimeout:
        return []


def _pattern(terms):
    # The longest first, so that a term inside another does not cut it short.
    patterns = sorted({term.pattern() for term in terms}, key=len, reverse=True)
    return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None


def highlight(text, terms):
    """Return `text` escaped, with the query's terms wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(html.escape(text))  # noqa: S308  # nosec B308 B703
    parts, last = [], 0
    for match in pattern.finditer(text):
        if not match.group():
            continue
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
    # Read by primary key, and judged by is_public() (which mirrors published()):
    # filtered by published() in SQL, SQLite walks the index of every public
    # article instead of looking up these few (25 ms at 100k articles).
    articles = Article.objects.filter(pk__in=ids).only("status", "published_at")
    return {article.pk for article in articles if article.is_public()}


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
