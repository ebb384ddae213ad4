"""Index search entries as character pairs (articles/search.py) instead of jieba's words.

Every existing entry is indexed again from its object, through the kinds that
search registers (articles, and experiences from community), with the code
as it is when this runs. On a new database there is nothing to index. Going
back leaves the entries as they are: run `manage.py rebuild_search_index`
with the code of that time.

On SQLite the FTS5 table is made again, with a prefix index for one-character
queries (债 is matched as 债*), and filled in one pass once the entries are
written; its triggers are dropped meanwhile and created again after.
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


def index_again(apps, schema_editor):
    SearchEntry = apps.get_model("articles", "SearchEntry")
    sqlite = schema_editor.connection.vendor == "sqlite"
    if sqlite:
        drop_fts(schema_editor)
    # Only the kinds the index held: on a new database, community's tables may
    # not exist yet, and there is nothing to index.
    kinds = set(SearchEntry.objects.values_list("kind", flat=True).distinct())
    if kinds:
        search.rebuild([kind for kind in search.KINDS if kind in kinds])
    if sqlite:
        create_fts(schema_editor, prefix="1")


def keep_entries(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        drop_fts(schema_editor)
        create_fts(schema_editor, prefix=None)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_related_articles"),
    ]

    operations = [
        migrations.RunPython(index_again, keep_entries),
    ]
