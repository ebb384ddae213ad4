"""The moderation workflow: every decision on an experience goes through these functions."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from community import members
from community.models import Claim, Experience, Report

# Younger accounts' reports count half (REPORT_THRESHOLD is a weighted score).
NEW_ACCOUNT = datetime.timedelta(days=7)


class AlreadyReported(Exception):
    """The reader has reported this experience before."""


class AlreadyDecided(Exception):
    """Another moderator decided on the post since this one loaded it."""


CLAIM_MINUTES = 15


@transaction.atomic
def approve(experience, *, moderator):
    """Make `experience` public, record who decided, and tell the author."""
    _decide(experience, Experience.Status.APPROVED, moderator=moderator, reason="")


@transaction.atomic
def reject(experience, *, moderator, reason):
    """Refuse `experience` with a `reason` the author will see, and tell the author."""
    _decide(experience, Experience.Status.REJECTED, moderator=moderator, reason=reason)


@transaction.atomic
def hide(experience, *, moderator):
    """Take an approved `experience` off the site and back into the queue."""
    experience.status = Experience.Status.PENDING
    experience.moderated_by = moderator
    experience.moderated_at = timezone.now()
    experience.approval_note = ""
    experience.save(
        update_fields=["status", "moderated_by", "moderated_at", "approval_note", "updated_at"]
    )


def _decide(experience, status, *, moderator, reason):
    # Two moderators deciding at once: the second finds the row changed and stops.
    current = Experience.objects.select_for_update().get(pk=experience.pk)
    if (current.status, current.moderated_at) != (experience.status, experience.moderated_at):
        raise AlreadyDecided
    Claim.objects.filter(experience=experience).delete()
    experience.status = status
    experience.moderated_by = moderator
    experience.moderated_at = timezone.now()
    experience.rejection_reason = reason
    experience.approval_note = ""
    experience.save(
        update_fields=[
            "status",
            "moderated_by",
            "moderated_at",
            "rejection_reason",
            "approval_note",
            "updated_at",
        ]
    )
    # robust: a mail server that is down is logged, and never undoes or stops a decision.
    transaction.on_commit(lambda: notify_author(experience), robust=True)


def notify_author(experience):
    """E-mail the author the moderators' decision on their post (plain text and HTML)."""
    if experience.author is None or not experience.author.email:
        return  # an author who left, or one without an address
    context = {"experience": experience, "site_name": settings.SITE_NAME}
    subject = (
        _("Your post was approved")
        if experience.status == Experience.Status.APPROVED
        else _("Your post was not approved")
    )
    send_mail(
        f"[{settings.SITE_NAME}] {subject}",
        render_to_string("community/email/decision.txt", context),
        None,
        [experience.author.email],
        html_message=render_to_string("community/email/decision.html", context),
    )


@transaction.atomic
def report(experience, *, reporter, reason):
    """Record `reporter`'s report; enough reports send the post back to the queue.

    Only reports made since the last moderation decision count, so a post a
    moderator has looked at again needs fresh reports to be hidden again.
    Returns True when this report took the post off the site.
    """
    # Lock the row so that simultaneous reports count each other.
    experience = Experience.objects.select_for_update().get(pk=experience.pk)
    try:
        with transaction.atomic():
            Report.objects.create(experience=experience, reporter=reporter, reason=reason)
    except IntegrityError:
        raise AlreadyReported from None
    recent = experience.reports.select_related("reporter")
    if experience.moderated_at:
        recent = recent.filter(created_at__gt=experience.moderated_at)
    if not experience.is_public():
        return False
    score = sum(report_weight(each.reporter) for each in recent)
    if score >= settings.REPORT_THRESHOLD:
        experience.status = Experience.Status.PENDING
        experience.save(update_fields=["status", "updated_at"])
        return True
    return False


def report_weight(reporter):
    """Return how much a report by `reporter` counts toward REPORT_THRESHOLD.

    As Discourse scores flags: 1 for a reader whose account is at least a week
    old and whose e-mail is confirmed; half for a newer account, half again
    without a confirmed address (three throwaway accounts make 0.75, not 3).
    Then the reader's record: reports a moderator upheld (the post rejected
    after the report) raise it, reports a moderator dismissed (the post
    approved after it) lower it, from 0 to 2 times, 1 with no record.
    """
    weight = 1.0
    if reporter.date_joined > timezone.now() - NEW_ACCOUNT:
        weight /= 2
    if not members.member(reporter).email_confirmed:
        weight /= 2
    decided = Q(experience__moderated_at__gt=F("created_at"))
    record = Report.objects.filter(reporter=reporter).aggregate(
        upheld=Count("pk", filter=decided & Q(experience__status=Experience.Status.REJECTED)),
        dismissed=Count("pk", filter=decided & Q(experience__status=Experience.Status.APPROVED)),
    )
    upheld, dismissed = record["upheld"], record["dismissed"]
    return weight * 2 * (upheld + 1) / (upheld + dismissed + 2)


TRUST_WINDOW = datetime.timedelta(days=90)


def trusted(author):
    """Tell whether `author`'s new posts may skip the queue (TRUSTED_AUTHOR_APPROVALS).

    At least that many approved posts, none rejected in the last 90 days, no post
    of theirs back in the queue because of reports, and no moderator revoked
    their trust. Off when the setting is 0.
    """
    needed = settings.TRUSTED_AUTHOR_APPROVALS
    if needed <= 0 or members.member(author).trust_revoked:
        return False
    posts = Experience.objects.filter(author=author)
    record = posts.aggregate(
        approved=Count("pk", filter=Q(status=Experience.Status.APPROVED)),
        rejected=Count(
            "pk",
            filter=Q(
                status=Experience.Status.REJECTED,
                moderated_at__gte=timezone.now() - TRUST_WINDOW,
            ),
        ),
        reported=Count(
            "pk", filter=Q(status=Experience.Status.PENDING, reports__isnull=False), distinct=True
        ),
    )
    return record["approved"] >= needed and not record["rejected"] and not record["reported"]


@transaction.atomic
def approve_if_trusted(experience):
    """Approve a new or resubmitted post at once if its author is trusted; return True if so.

    A post a watched word flagged waits for a moderator, whoever wrote it.
    """
    if experience.watched_categories or not trusted(experience.author):
        return False
    experience.status = Experience.Status.APPROVED
    experience.moderated_by = None
    experience.moderated_at = timezone.now()
    experience.approval_note = _(
        "Approved automatically: trusted author (at least %(count)s approved posts, "
        "no rejection or upheld report in 90 days)."
    ) % {"count": settings.TRUSTED_AUTHOR_APPROVALS}
    experience.save(
        update_fields=["status", "moderated_by", "moderated_at", "approval_note", "updated_at"]
    )
    return True


def claim(experience, *, moderator):
    """Claim a pending post for `moderator` for CLAIM_MINUTES; return who holds it now.

    A claim by someone else that has not expired is left alone (and returned), so
    the second moderator to open the post is told who is on it.
    """
    now = timezone.now()
    with transaction.atomic():
        held = (
            Claim.objects.select_for_update()
            .filter(experience=experience, expires_at__gt=now)
            .exclude(moderator=moderator)
            .select_related("moderator")
            .first()
        )
        if held is not None:
            return held
        mine, _ = Claim.objects.update_or_create(
            experience=experience,
            defaults={
                "moderator": moderator,
                "expires_at": now + datetime.timedelta(minutes=CLAIM_MINUTES),
            },
        )
        return mine
