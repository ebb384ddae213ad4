"""What the moderation queue shows of each post, and how it narrows down.

The building blocks of the experience admin (community/admin.py): the signals counted
for the rows of a page, the filters for each signal, the beginning of a post with what
watched words flagged marked, and the rejection forms.
"""

import datetime
import re

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from community.models import Experience, Member, Report, SavedReason, WatchedWord


def _count(rows, by):
    """A subquery counting `rows` grouped by `by` (those of one post or its author)."""
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def signal_expressions():
    """What the signal filters compare, as expressions for a post of the queue.

    The filters use them (alias() then filter()); the rows of a page get the same
    figures from QueueChangeList, which counts for those rows only.
    """
    by_author = Experience.objects.filter(author=OuterRef("author"))
    confirmed = Member.objects.filter(
        user=OuterRef("author"), confirmed_email__iexact=OuterRef("author__email")
    ).exclude(confirmed_email="")
    return {
        "report_total": _count(Report.objects.filter(experience=OuterRef("pk")), "experience"),
        "author_confirmed": Exists(confirmed),
        "author_posts": _count(by_author, "author"),
        "author_rejected": _count(by_author.filter(status=Experience.Status.REJECTED), "author"),
    }


def _with(queryset, name):
    return queryset.alias(**{name: signal_expressions()[name]})


class QueueChangeList(ChangeList):
    """The queue's changelist: the signals are counted for the rows shown only.

    Annotating the queue's queryset would make the database work them out for every
    post it sorts (all 10,000 waiting) before it keeps a page of 100: three grouped
    queries over the page's posts and authors cost the same at any size.
    """

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        authors = {row.author_id for row in rows if row.author_id}
        reports = dict(
            Report.objects.filter(experience__in=rows)
            .values("experience")
            .annotate(n=Count("pk"))
            .values_list("experience", "n")
        )
        records = {
            row["author"]: row
            for row in Experience.objects.filter(author__in=authors)
            .values("author")
            .annotate(
                posts=Count("pk"),
                approved=Count("pk", filter=Q(status=Experience.Status.APPROVED)),
                rejected=Count("pk", filter=Q(status=Experience.Status.REJECTED)),
            )
        }
        confirmed = dict(
            Member.objects.filter(user__in=authors)
            .exclude(confirmed_email="")
            .values_list("user", "confirmed_email")
        )
        for row in rows:
            record = records.get(row.author_id, {})
            row.report_total = reports.get(row.pk, 0)
            row.author_posts = record.get("posts", 0)
            row.author_approved = record.get("approved", 0)
            row.author_rejected = record.get("rejected", 0)
            address = confirmed.get(row.author_id, "")
            row.author_confirmed = bool(
                row.author_id and address and address.casefold() == row.author.email.casefold()
            )
        self.result_list = rows


class RejectionForm(forms.Form):
    saved = forms.ModelChoiceField(
        label=_("Saved reason"),
        queryset=SavedReason.objects.all(),
        required=False,
        empty_label=_("(none: write the reason below)"),
        help_text=_("Moderators keep these in “Saved rejection reasons”."),
    )
    reason = forms.CharField(
        label=_("Reason shown to the author"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Say what breaks the rules and what to change so the post can be approved. "
            "With a saved reason, this is added after it."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        parts = [cleaned["saved"].text if cleaned.get("saved") else "", cleaned.get("reason", "")]
        text = "\n".join(part.strip() for part in parts if part and part.strip())
        if not text:
            raise forms.ValidationError(_("Pick a saved reason or write one."), code="empty")
        cleaned["text"] = text
        return cleaned


class SingleRejectionForm(RejectionForm):
    """Rejecting one post from its row: the saved reasons as a list to pick with the keys."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved"].widget = forms.RadioSelect(choices=self.fields["saved"].choices)


NEW_ACCOUNT = datetime.timedelta(hours=24)
EXCERPT_LENGTH = 200
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
LINE_BREAK = mark_safe("<br>")  # noqa: S308  # nosec B308 B703  (a constant)


class SignalFilter(admin.SimpleListFilter):
    """The queue narrowed to posts that show one warning sign."""

    title = _("signal")
    parameter_name = "signal"

    def lookups(self, request, model_admin):
        return [
            ("new-account", _("new account (under 24 h)")),
            ("first-post", _("first post")),
            ("unconfirmed", _("author without a confirmed e-mail")),
            ("watched", _("watched words")),
            ("links", _("has links")),
            ("reported", _("reported")),
            ("masked", _("personal data masked")),
            ("rejected-before", _("author had posts rejected")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "new-account":
                return queryset.filter(author__date_joined__gt=timezone.now() - NEW_ACCOUNT)
            case "first-post":
                return _with(queryset, "author_posts").filter(author_posts=1)
            case "unconfirmed":
                unconfirmed = _with(queryset, "author_confirmed")
                return unconfirmed.filter(author__isnull=False, author_confirmed=False)
            case "watched":
                return queryset.exclude(watched_categories="")
            case "links":
                return queryset.filter(Q(body__icontains="http") | Q(body__icontains="www."))
            case "reported":
                return _with(queryset, "report_total").filter(report_total__gt=0)
            case "masked":
                return queryset.filter(masked_items__gt=0)
            case "rejected-before":
                return _with(queryset, "author_rejected").filter(author_rejected__gt=0)
        return queryset


class WatchedCategoryFilter(admin.SimpleListFilter):
    """The queue narrowed to posts a flag rule of one category matched."""

    title = _("watched-word category")
    parameter_name = "watched"

    def lookups(self, request, model_admin):
        return WatchedWord.Category.choices

    def queryset(self, request, queryset):
        if self.value() in WatchedWord.Category.values:
            # Categories are single words none of which contains another.
            return queryset.filter(watched_categories__contains=self.value())
        return queryset


def mark_spans(text, spans, limit=None):
    """`text` escaped, with `spans` ([start, end, category]) in <mark>, whitespace collapsed.

    With `limit`, only the first `limit` characters are shown, then "…".
    """
    marked = [False] * len(text)
    for start, end, _category in spans:
        for index in range(max(start, 0), min(end, len(text))):
            marked[index] = True
    pieces, shown, open_mark, space = [], 0, False, False
    for char, in_mark in zip(text, marked, strict=True):
        if char.isspace():
            space = shown > 0
            continue
        if limit is not None and shown >= limit:
            pieces.append("</mark>…" if open_mark else "…")
            open_mark = False
            break
        if space:
            # A space inside a match stays marked ("征 信 修 复"); one after it does not.
            if open_mark and not in_mark:
                pieces.append("</mark>")
                open_mark = False
            pieces.append(" ")
            space = False
            shown += 1
        if in_mark != open_mark:
            pieces.append("<mark>" if in_mark else "</mark>")
            open_mark = in_mark
        pieces.append(conditional_escape(char))
        shown += 1
    if open_mark:
        pieces.append("</mark>")
    return mark_safe("".join(pieces))  # noqa: S308  # nosec B308 B703 (each character escaped)
