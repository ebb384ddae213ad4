"""The figures of the moderators' dashboard, over the last 30 or 90 days.

Each chart is worked out from the posts and reports themselves: a post's submission and
its latest decision (`created_at`, `moderated_at`, `moderated_by`), and each report's
date. A post back in the queue after a decision (hidden by a moderator, or sent back by
reports) counts as waiting from that decision, and its earlier wait is not shown.
"""

import bisect
import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Experience, Report, SavedReason

PERIODS = (30, 90)


@dataclass
class Dashboard:
    days: list  # the dates shown, oldest first
    pending: list  # [(date, posts waiting at the end of that day)]
    decision_hours: list  # [(date, median hours from submission to decision, or None)]
    by_moderator: list  # [(name, decisions)], most first
    reasons: list  # [(saved reason label or "free text", rejections)], most first
    reports: list  # [(date, reports)]


def build(period, now=None):
    """Work out the dashboard for the `period` days up to `now` (today included)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = [today - datetime.timedelta(days=offset) for offset in range(period - 1, -1, -1)]
    start = _start_of(days[0])
    return Dashboard(
        days=days,
        pending=_pending(days, start),
        decision_hours=_decision_hours(days, start),
        by_moderator=_by_moderator(start),
        reasons=_reasons(start),
        reports=_reports(days, start),
    )


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _pending(days, start):
    """How many posts waited at the end of each day."""
    # Posts still waiting, or decided during the period: those may have waited then.
    posts = Experience.objects.filter(
        Q(status=Experience.Status.PENDING) | Q(moderated_at__gte=start)
    ).values_list("created_at", "moderated_at", "status")
    created, decided = [], []
    for submitted, moderated, status in posts:
        if status == Experience.Status.PENDING:
            # Back in the queue (hidden, or reported) after a decision: waiting since then.
            created.append(moderated or submitted)
        else:
            created.append(submitted)
            decided.append(moderated)
    created.sort()
    decided.sort()
    counts = []
    for day in days:
        end = _start_of(day + datetime.timedelta(days=1))
        # Waiting at `end`: submitted before it, less those decided before it.
        counts.append(bisect.bisect_left(created, end) - bisect.bisect_left(decided, end))
    return list(zip(days, counts, strict=True))


def _decided(start):
    return Experience.objects.filter(
        moderated_at__gte=start,
        status__in=[Experience.Status.APPROVED, Experience.Status.REJECTED],
    )


def _decision_hours(days, start):
    """The median time a moderator took, a day (system approvals left out)."""
    waits = {}
    decided = _decided(start).exclude(moderated_by=None)
    for created, moderated in decided.values_list("created_at", "moderated_at"):
        day = timezone.localdate(moderated)
        waits.setdefault(day, []).append((moderated - created).total_seconds() / 3600)
    return [
        (day, round(statistics.median(waits[day]), 1) if day in waits else None) for day in days
    ]


def _by_moderator(start):
    rows = (
        _decided(start)
        .values("moderated_by__username")
        .annotate(decisions=Count("pk"))
        .order_by("-decisions", "moderated_by__username")
    )
    return [
        (row["moderated_by__username"] or _("system (trusted authors)"), row["decisions"])
        for row in rows
    ]


def _reasons(start):
    """Rejections by saved reason; a reason typed from scratch counts as free text."""
    saved = list(SavedReason.objects.values_list("label", "text"))
    counts = {}
    rejected = _decided(start).filter(status=Experience.Status.REJECTED)
    for reason in rejected.values_list("rejection_reason", flat=True):
        label = next(
            (label for label, text in saved if reason.startswith(text.strip())), _("free text")
        )
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _reports(days, start):
    rows = (
        Report.objects.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(reports=Count("pk"))
    )
    per_day = {row["day"]: row["reports"] for row in rows}
    return [(day, per_day.get(day, 0)) for day in days]
