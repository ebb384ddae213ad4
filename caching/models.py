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
