"""Querysets whose SQL is built once: a fixed-shape query run again with new values.

Turning a queryset into SQL (its joins, the columns of select_related, each
lookup) costs Django about half a millisecond, several times what SQLite
takes to run the article page's queries. A page that nothing has cached yet
asks four of them, the same four shapes every time (docs/performance.md).
`Prepared` builds a query's SQL once for each database connection and then
only puts the new values in its parameters, returning the model instances
the queryset would (select_related objects and annotations included).

The maintained libraries cache query results, not the SQL;
django-prepared-queries, which did this, stopped before Django 3.
"""

import datetime

from django.db import connections
from django.db.models import fields as model_fields
from django.db.models.query import ModelIterable, get_related_populators

# Values no real query carries, to find where each value lands in the parameters.
_INTEGER_MARKER = -987_654_320
_TEXT_MARKER = "\x1fprepared:{}\x1f"
_MOMENT_MARKER = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)


class Prepared:
    """A queryset of model instances whose SQL is built once for each connection.

        public_article = Prepared(
            lambda slug, now: Article.objects.filter(slug=slug, published_at__lte=now),
            slug=Article._meta.get_field("slug"),
            now=Article._meta.get_field("published_at"),
        )
        articles = public_article(slug="…", now=timezone.now())  # a list

    `build(**values)` returns the queryset. Each keyword names one of its
    values and the model field that converts it for the database, as the
    lookup comparing with it does. The shape of the query must not depend on
    the values (no None, no lists); prefetch_related is not supported.
    """

    def __init__(self, build, **fields):
        self._build = build
        self._fields = fields
        self._alias = None

    def __call__(self, **values):
        if values.keys() != self._fields.keys():
            raise TypeError(f"Expected the values {sorted(self._fields)}, got {sorted(values)}.")
        if any(value is None for value in values.values()):
            raise ValueError("A prepared query takes no None: it would change the SQL's shape.")
        if self._alias is None:
            self._alias = self._build(**self._markers()).db
        connection = connections[self._alias]
        # Kept on the connection (each thread has its own), so it goes with it.
        kept = connection.__dict__.setdefault("prepared_queries", {})
        compiled = kept.get(self)
        if compiled is None:
            compiled = kept[self] = _Compiled(self, connection)
        return compiled.run(values)

    def _markers(self):
        return {name: _marker(field, i) for i, (name, field) in enumerate(self._fields.items())}


class _Compiled:
    """A Prepared query's SQL for one connection, and how to turn its rows into objects."""

    def __init__(self, prepared, connection):
        markers = prepared._markers()
        queryset = prepared._build(**markers)
        if queryset._prefetch_related_lookups or queryset._iterable_class is not ModelIterable:
            raise TypeError("A prepared query returns model instances, without prefetch_related.")
        self.connection = connection
        self.fields = prepared._fields
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        # Where each value goes: every parameter that holds its marker.
        self.slots = {}
        for name, field in self.fields.items():
            value = self._for_database(field, markers[name])
            self.slots[name] = [i for i, param in enumerate(self.params) if param == value]
            if not self.slots[name]:
                raise ValueError(f"The value {name!r} is not a parameter of the query.")
        # As Django's ModelIterable reads a row, once.
        self.compiler = compiler
        self.trim = compiler.col_count if compiler.has_extra_select else None
        self.converters = compiler.get_converters(
            [column[0] for column in compiler.select[: compiler.col_count]]
        )
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.columns = slice(first, last)
        self.attnames = [column[0].target.attname for column in compiler.select[first:last]]
        self.populators = get_related_populators(klass_info, compiler.select, queryset.db)
        self.annotations = list(compiler.annotation_col_map.items())
        self.db = queryset.db

    def _for_database(self, field, value):
        return field.get_db_prep_value(value, self.connection, prepared=False)

    def run(self, values):
        params = list(self.params)
        for name, value in values.items():
            converted = self._for_database(self.fields[name], value)
            for i in self.slots[name]:
                params[i] = converted
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.trim is not None:
            rows = [row[: self.trim] for row in rows]
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        found = []
        for row in rows:
            instance = self.model.from_db(self.db, self.attnames, row[self.columns])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found


def _marker(field, index):
    """Return a value of `field`'s type that no real query carries."""
    target = getattr(field, "target_field", field)  # a foreign key compares its target's values
    if isinstance(target, model_fields.DateTimeField):
        return _MOMENT_MARKER + datetime.timedelta(seconds=index)
    if isinstance(target, model_fields.IntegerField):
        return _INTEGER_MARKER - index
    if isinstance(target, model_fields.CharField | model_fields.TextField):
        return _TEXT_MARKER.format(index)
    raise TypeError(f"A prepared query's values are moments, integers or text, not {field!r}.")
