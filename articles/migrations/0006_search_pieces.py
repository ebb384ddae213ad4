"""PostgreSQL: the three-character pieces of each entry, in a tsvector with a GIN index.

A query of three characters (通讯录, the pairs 通讯 and 讯录 side by side) is then
one exact lookup of the piece 通讯录, and a longer phrase is tested only on
the entries that hold all its pieces. Without them, every entry holding the
phrase's pairs anywhere has its whole document's tsvector read (stored out of
line, several kilobytes) to check that they stand side by side: most entries,
when the pairs are common. SQLite's FTS5 keeps positions in its index and
needs none of this.

A piece is two pairs that follow each other in the indexed text and share a
character (通讯 讯录 → 通讯录); a run's lone last character stands between runs,
so pieces never straddle two. Title and body are kept apart by "|".
"""

from django.db import migrations

FORWARD = [
    """CREATE FUNCTION articles_search_pieces(tokens text) RETURNS tsvector
    IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
        SELECT array_to_tsvector(coalesce(array_agg(DISTINCT a || right(b, 1)), '{}'))
        FROM (
            SELECT token AS a, lead(token) OVER (ORDER BY n) AS b
            FROM unnest(string_to_array(tokens, ' ')) WITH ORDINALITY AS t(token, n)
        ) AS pairs
        WHERE length(a) = 2 AND length(b) = 2 AND right(a, 1) = left(b, 1)
    $$""",
    """ALTER TABLE articles_searchentry ADD COLUMN pieces tsvector
    GENERATED ALWAYS AS (articles_search_pieces(title || ' | ' || body)) STORED""",
    "CREATE INDEX articles_searchentry_pieces ON articles_searchentry USING GIN (pieces)",
]
BACKWARD = [
    "DROP INDEX articles_searchentry_pieces",
    "ALTER TABLE articles_searchentry DROP COLUMN pieces",
    "DROP FUNCTION articles_search_pieces(text)",
]


def run(statements):
    def execute(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return execute


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_search_character_pairs"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
