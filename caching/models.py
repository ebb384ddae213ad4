from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """A count of events in one time window, kept while the cache is unreachable."""

    key = models.CharField(
        _("key"),
        max_length=200,
        unique=True,
        help_text=_("What is counted and in which window, e.g. ratelimit:signup:10.0.0.1:493812."),
    )
    window_ends = models.DateTimeField(
        _("window ends"),
        db_index=True,
        help_text=_("The count stops applying at this moment; the row is then removed."),
    )
    count = models.PositiveIntegerField(
        _("count"), default=0, help_text=_("Events counted so far in the window.")
    )

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self):
        return f"{self.key}: {self.count}"


class TracksChanges:
    """A model mixin: which fields a save changes, against the values last loaded or saved.

    Lets a save say precisely what it touches (the search index, the lists it
    is in, the dependency keys of stored pages) instead of assuming everything.
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_values = dict(zip(field_names, values, strict=True))
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._saved_values = {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.attname not in self.get_deferred_fields()
        }

    def changed_fields(self, names):
        """Return which of the attributes `names` differ from the database's values.

        A field not loaded counts as changed; so does every field of a new object.
        """
        saved = getattr(self, "_saved_values", {})
        return {name for name in names if name not in saved or saved[name] != getattr(self, name)}

    def saved_value(self, name, default=None):
        """Return the value `name` had in the database before this save (`default` if unknown)."""
        return getattr(self, "_saved_values", {}).get(name, default)
