"""The moderation digest: one e-mail a period while the queue waits too long."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from community import digests
from community.models import Experience, ModerationDigest

START = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def queue(make_experience, moderator, make_user):
    """Two pending posts, the older submitted at START, and an approved one."""
    with time_machine.travel(START, tick=False):
        oldest = make_experience("最早的待审经历")
    with time_machine.travel(START + datetime.timedelta(hours=3), tick=False):
        make_experience("第二篇待审经历")
        make_experience("已通过的经历", status=Experience.Status.APPROVED)
    return oldest


@pytest.mark.django_db
def test_no_digest_while_the_oldest_post_is_within_the_period(queue):
    with time_machine.travel(START + datetime.timedelta(hours=11, minutes=59), tick=False):
        assert digests.send_if_due() is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_digest_goes_to_moderators_once_a_period(queue, moderator):
    with time_machine.travel(START + datetime.timedelta(hours=12, minutes=10), tick=False) as clock:
        digest = digests.send_if_due()
        assert digest.pending == 2 and digest.oldest_since == queue.created_at
        (message,) = mail.outbox
        assert message.to == [moderator.email]
        assert "2 篇经历等待审核" in message.subject and "明白还款" in message.subject
        assert "/admin/community/experience/" in message.body
        assert "12" in message.body  # how long the oldest has waited, in hours
        assert message.alternatives[0][1] == "text/html"
        for minutes in (10, 60, 10 * 60):  # the worker checks every ten minutes
            clock.shift(datetime.timedelta(minutes=minutes))
            assert digests.send_if_due() is None
        clock.shift(datetime.timedelta(hours=1))  # a period after the first
        assert digests.send_if_due() is not None
    assert len(mail.outbox) == 2
    assert ModerationDigest.objects.count() == 2


@pytest.mark.django_db
def test_no_digest_when_the_queue_is_empty_or_digests_are_off(settings, moderator, make_experience):
    with time_machine.travel(START, tick=False):
        post = make_experience()
    with time_machine.travel(START + datetime.timedelta(days=2), tick=False):
        settings.MODERATION_DIGEST_HOURS = 0
        assert digests.send_if_due() is None
        settings.MODERATION_DIGEST_HOURS = 12
        post.status = Experience.Status.APPROVED
        post.save()
        assert digests.send_if_due() is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_periodic_task_sends_it(queue):
    from community.tasks import moderation_digest

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
        moderation_digest()  # run at once here; the worker runs it on its schedule
    assert len(mail.outbox) == 1
