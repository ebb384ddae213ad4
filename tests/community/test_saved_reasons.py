"""Saved rejection reasons: moderators pick one, add to it, or write their own."""

import pytest
from django.test import Client

from community.models import Experience, SavedReason
from tests.staff import sign_in_staff

QUEUE = "/admin/community/experience/"


def reject(staff, experience, **fields):
    data = {"action": "reject_selected", "_selected_action": [experience.pk], "reason": ""}
    return staff.post(QUEUE, {**data, **fields})


@pytest.mark.django_db
def test_the_reject_page_offers_the_saved_reasons(make_experience, moderator):
    staff = sign_in_staff(Client(), moderator)
    page = staff.post(
        QUEUE, {"action": "reject_selected", "_selected_action": [make_experience().pk]}
    ).content.decode()
    for label in ("个人信息", "广告引流", "辱骂攻击"):
        assert label in page  # the starting list, from the data migration


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("saved", "typed", "expected"),
    [
        ("广告引流", "", "帖子含有广告、代办或联系方式引流"),
        (
            "广告引流",
            "第二段有微信号。",
            "引流，本站不允许。请删去相关内容后再提交。\n第二段有微信号。",
        ),
        ("", "请删去同事的单位名称。", "请删去同事的单位名称。"),
    ],
)
def test_a_rejection_uses_the_saved_reason_and_what_the_moderator_adds(
    make_experience, moderator, saved, typed, expected
):
    experience = make_experience()
    staff = sign_in_staff(Client(), moderator)
    choice = SavedReason.objects.get(label=saved).pk if saved else ""
    response = reject(staff, experience, saved=choice, reason=typed)
    assert response.status_code == 302
    experience.refresh_from_db()
    assert experience.status == Experience.Status.REJECTED
    assert expected in experience.rejection_reason


@pytest.mark.django_db
def test_no_reason_at_all_asks_again_and_rejects_nothing(make_experience, moderator):
    experience = make_experience()
    page = reject(sign_in_staff(Client(), moderator), experience)
    assert page.status_code == 200 and "请选择一条常用理由或自己填写" in page.content.decode()
    experience.refresh_from_db()
    assert experience.status == Experience.Status.PENDING


@pytest.mark.django_db
def test_moderators_edit_the_saved_reasons(moderator):
    staff = sign_in_staff(Client(), moderator)
    response = staff.post(
        "/admin/community/savedreason/add/",
        {"label": "重复发帖", "text": "这篇和你之前的帖子重复。"},
    )
    assert response.status_code == 302
    assert SavedReason.objects.filter(label="重复发帖").exists()
