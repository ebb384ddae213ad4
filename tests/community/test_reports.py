"""Reports are weighed by who makes them: throwaway accounts cannot take a post offline."""

import pytest
from django.test import Client

from community import moderation
from community.models import Experience
from tests.staff import sign_in_staff


def report_by(reporters, experience):
    for reporter in reporters:
        moderation.report(experience, reporter=reporter, reason="abuse")
    experience.refresh_from_db()
    return experience.status


@pytest.mark.django_db
def test_three_fresh_accounts_cannot_take_a_post_offline(make_experience, make_user):
    experience = make_experience(status=Experience.Status.APPROVED)
    assert report_by([make_user() for _ in range(3)], experience) == "approved"
    assert moderation.report_weight(make_user()) == 0.25


@pytest.mark.django_db
def test_three_established_readers_send_a_post_back_to_the_queue(
    make_experience, make_established_reader
):
    experience = make_experience(status=Experience.Status.APPROVED)
    readers = [make_established_reader() for _ in range(3)]
    assert report_by(readers[:2], experience) == "approved"
    assert report_by(readers[2:], experience) == "pending"


@pytest.mark.django_db
def test_a_readers_record_of_upheld_and_dismissed_reports_moves_their_weight(
    make_experience, make_established_reader, moderator
):
    accurate, wrong = make_established_reader(), make_established_reader()
    for reader, decide in ((accurate, moderation.reject), (wrong, moderation.approve)):
        for _ in range(3):
            post = make_experience(status=Experience.Status.APPROVED)
            moderation.report(post, reporter=reader, reason="abuse")
            if decide is moderation.reject:
                decide(post, moderator=moderator, reason="违反规则")
            else:
                decide(post, moderator=moderator)
    assert moderation.report_weight(accurate) > 1.5
    assert moderation.report_weight(wrong) < 0.5


@pytest.mark.django_db
def test_moderators_still_see_every_report_in_the_queue(make_experience, make_user, moderator):
    experience = make_experience(status=Experience.Status.APPROVED)
    report_by([make_user() for _ in range(2)], experience)
    queue = sign_in_staff(Client(), moderator).get("/admin/community/experience/")
    assert 'class="field-report_count">2<' in queue.content.decode()
