"""Index search entries as character pairs (articles/search.py) instead of jieba's words.

Every existing entry is indexed again from its object, through the kinds that
search registers (articles, and experiences from community), with the code
as it is when this runs. On a new database there is nothing to index. Going
back leaves the entries as they are: run `manage.py rebuild_search_index`
with the code of that time.

On SQLite the FTS5 table is made again, with a prefix index for one-character
queries (债 is matched as 债*), and filled in one pass once the entries are
written; its triggers are dropped meanwhile and created again after.

On PostgreSQL the title gets a small tsvector of its own, with a GIN index:
testing a title against a query then reads a few dozen bytes rather than the
whole document's tsvector, which is stored out of line (TOAST). Both GIN
indexes are built once the entries are written.
"""

from django.db import migrations

from articles import search

TRIGGERS = {
    "articles_searchentry_ai": """AFTER INSERT ON articles_searchentry BEGIN
        INSERT INTO articles_searchentry_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body);
    END""",
    "articles_searchentry_ad": """AFTER DELETE ON articles_searchentry BEGIN
        INSERT INTO articles_searchentry_fts(articles_searchentry_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    "articles_searchentry_au": """AFTER UPDATE ON articles_searchentry BEGIN
        INSERT INTO articles_searchentry_fts(articles_searchentry_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO articles_searchentry_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body);
    END""",
}


def fts_table(prefix):
    option = f", prefix='{prefix}'" if prefix else ""
    return f"""CREATE VIRTUAL TABLE articles_searchentry_fts USING fts5(
        title, body, content='articles_searchentry', content_rowid='id',
        tokenize='unicode61'{option}
    )"""


def drop_fts(schema_editor):
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER {name}")
    schema_editor.execute("DROP TABLE articles_searchentry_fts")


def create_fts(schema_editor, prefix):
    schema_editor.execute(fts_table(prefix))
    schema_editor.execute(
        "INSERT INTO articles_searchentry_fts(articles_searchentry_fts) VALUES ('rebuild')"
    )
    for name, body in TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {name} {body}")


POSTGRESQL_TITLE = """ALTER TABLE articles_searchentry ADD COLUMN title_document tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED"""
POSTGRESQL_INDEXES = [
    "CREATE INDEX articles_searchentry_document ON articles_searchentry USING GIN (document)",
    "CREATE INDEX articles_searchentry_title ON articles_searchentry USING GIN (title_document)",
]


def index_again(apps, schema_editor):
    SearchEntry = apps.get_model("articles", "SearchEntry")
    vendor = schema_editor.connection.vendor
    # Only the kinds the index held: on a new database, community's tables may
    # not exist yet, and there is nothing to index.
    kinds = set(SearchEntry.objects.values_list("kind", flat=True).distinct())
    if vendor == "sqlite":
        drop_fts(schema_editor)
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX articles_searchentry_document")
        SearchEntry.objects.all().delete()  # not to compute the new column for old entries
        schema_editor.execute(POSTGRESQL_TITLE)
    if kinds:
        search.rebuild([kind for kind in search.KINDS if kind in kinds])
    if vendor == "sqlite":
        create_fts(schema_editor, prefix="1")
    elif vendor == "postgresql":
        for statement in POSTGRESQL_INDEXES:
            schema_editor.execute(statement)


def keep_entries(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        drop_fts(schema_editor)
        create_fts(schema_editor, prefix=None)
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX articles_searchentry_title")
        schema_editor.execute("ALTER TABLE articles_searchentry DROP COLUMN title_document")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_related_articles"),
    ]

    operations = [
        migrations.RunPython(index_again, keep_entries),
    ]
