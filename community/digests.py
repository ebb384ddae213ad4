"""Digests: tell the Moderators when the queue has waited too long.

When the oldest pending post has waited longer than MODERATION_DIGEST_HOURS,
every active member of the Moderators group with an address gets one e-mail:
how many posts wait, how long the oldest has, and a link to the queue. At most
one digest goes out per period, whatever the number of workers or checks: the
check runs in the task worker every few minutes (community/tasks.py) and a
row of ModerationDigest records each one sent.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from community.models import Experience, ModerationDigest


@transaction.atomic
def send_if_due(now=None):
    """Send the digest if the queue waited too long and none went out this period.

    Returns the ModerationDigest sent, or None.
    """
    hours = settings.MODERATION_DIGEST_HOURS
    if hours <= 0:
        return None
    now = now or timezone.now()
    period = datetime.timedelta(hours=hours)
    pending = Experience.objects.filter(status=Experience.Status.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is None or now - oldest <= period:
        return None
    # One worker at a time: the others wait on the Moderators group's row, then read
    # the digest the first recorded (each statement sees what was committed before it).
    group = Group.objects.select_for_update().filter(name="Moderators").first()
    if group is None:
        return None
    last = ModerationDigest.objects.order_by("-sent_at").first()
    if last is not None and now - last.sent_at < period:
        return None
    moderators = group.user_set.filter(is_active=True).exclude(email="")
    digest = ModerationDigest.objects.create(
        sent_at=now, pending=pending.count(), oldest_since=oldest
    )
    recipients = sorted(set(moderators.values_list("email", flat=True)))
    if recipients:
        context = {
            "digest": digest,
            "waiting": timesince(oldest, now, depth=1),
            "queue_url": settings.SITE_URL + reverse("admin:community_experience_changelist"),
            "site_name": settings.SITE_NAME,
        }
        send_mail(
            f"[{settings.SITE_NAME}] "
            + _("%(count)s posts are waiting for moderation") % {"count": digest.pending},
            render_to_string("community/email/digest.txt", context),
            None,
            recipients,
            html_message=render_to_string("community/email/digest.html", context),
        )
    return digest
