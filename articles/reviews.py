"""Review dates: which articles are due for review, and the Editors' weekly reminder.

An editor marks an article as reviewed with the admin action (`mark_reviewed`), not by
editing it: an edit is not a check of the advice against today's rules. An article is
due when it is public and was last reviewed more than ARTICLE_REVIEW_DAYS ago, or never.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Article, ReviewReminder
from caching.dependencies import changed

SHOWN_IN_REMINDER = 50


def due_since(now=None):
    """The moment before which a review is too old."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.ARTICLE_REVIEW_DAYS)


def due_for_review(now=None):
    """Public articles never reviewed or reviewed before `due_since()`: never first, then oldest."""
    stale = Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=due_since(now))
    never_first = F("reviewed_at").asc(nulls_first=True)
    return Article.objects.published().filter(stale).order_by(never_first, "published_at", "id")


def mark_reviewed(articles, *, user, now=None):
    """Record that `user` reviewed `articles` now; their pages show it at once."""
    articles = list(articles)
    now = now or timezone.now()
    Article.objects.filter(pk__in=[article.pk for article in articles]).update(
        reviewed_at=now, reviewed_by=user
    )
    changed(*articles)  # an update() sends no signal: the pages are told here
    return len(articles)


def reviewer_name(article):
    """The name shown for the reviewer: their full name, or the site's editors.

    A username is an admin login, so it never appears on the site.
    """
    reviewer = article.reviewed_by
    full_name = reviewer.get_full_name() if reviewer else ""
    return full_name or _("%(site)s editors") % {"site": settings.SITE_NAME}


def send_weekly_reminder(now=None):
    """E-mail the Editors the articles due for review, once an ISO week; return the count."""
    now = now or timezone.now()
    due = due_for_review(now)
    count = due.count()
    if not count:
        return 0
    year, week, _day = timezone.localtime(now).isocalendar()
    try:
        with transaction.atomic():
            reminder = ReviewReminder.objects.create(
                week=f"{year}-W{week:02d}", sent_at=now, due=count
            )
    except IntegrityError:
        return 0  # another worker sent this week's
    # Sent after the row commits (a slow mail server holds no lock); a mail server that is
    # down takes the row back, and the task's retries send the week's list after all.
    try:
        _send(due, count)
    except Exception:
        reminder.delete()
        raise
    return count


def _send(due, count):
    recipients = list(
        get_user_model()
        .objects.filter(groups__name="Editors", is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return
    context = {
        "site_name": settings.SITE_NAME,
        "count": count,
        "days": settings.ARTICLE_REVIEW_DAYS,
        "articles": list(due.select_related("category")[:SHOWN_IN_REMINDER]),
        "more": max(count - SHOWN_IN_REMINDER, 0),
        "admin_url": settings.SITE_URL
        + reverse("admin:articles_article_changelist")
        + "?review=due",
        "site_url": settings.SITE_URL,
    }
    subject = ngettext(
        "%(count)d article is due for review", "%(count)d articles are due for review", count
    ) % {"count": count}
    send_mail(
        f"[{settings.SITE_NAME}] {subject}",
        render_to_string("articles/email/review_due.txt", context),
        None,
        recipients,
        html_message=render_to_string("articles/email/review_due.html", context),
    )
