"""No full phone, ID or card number from a submitted post reaches any page or the admin."""

import pytest
from django.core import mail
from django.test import Client

from community.models import Experience
from tests.staff import sign_in_staff

PHONE = "13812345678"
PHONE_SPACED = "138 1234 5678"
ID_NUMBER = "11010519491231002X"
CARD = "6222021234567890128"  # Luhn-valid, 19 digits
EMAIL = "zhangsan@example.com"


def leaks(html):
    digits_only = "".join(ch for ch in html if ch.isdigit() or ch == "X")
    found = [value for value in (PHONE, ID_NUMBER, CARD, EMAIL) if value in html]
    # Grouped forms must not survive either, even with the separators stripped.
    found += [v for v in (PHONE, CARD) if v in digits_only]
    return found


@pytest.mark.django_db
def test_personal_data_never_appears_anywhere(
    moderator, make_user, make_article, django_capture_on_commit_callbacks
):
    article = make_article(slug="about", tags=["爆通讯录"])
    author = Client()
    author.force_login(make_user("author"))
    response = author.post(
        "/experiences/new/",
        {
            "title": f"催收电话 {PHONE} 一直打",
            "body": (
                f"他们说我的身份证号 {ID_NUMBER} 已经上报，还报出了银行卡 {CARD}，"
                f"又让我把材料发到 {EMAIL}，同事的号码 {PHONE_SPACED} 也被打了。"
            ),
            "tags": "爆通讯录",
            "article": "about",
        },
        follow=True,
    )
    assert "已遮盖 5 处个人信息" in response.content.decode()
    experience = Experience.objects.get()
    staff = Client()
    sign_in_staff(staff, moderator)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            "/admin/community/experience/",
            {"action": "approve_selected", "_selected_action": [experience.pk]},
        )

    reader = Client()
    pages = {
        "detail": reader.get(experience.get_absolute_url()),
        "list": reader.get("/experiences/"),
        "home": reader.get("/"),
        "article": reader.get(article.get_absolute_url()),
        "tag": reader.get("/tags/爆通讯录/"),
        "mine": author.get("/experiences/mine/"),
        "submitted": author.get(f"/experiences/{experience.pk}/submitted/"),
        "queue": staff.get("/admin/community/experience/"),
        "admin page": staff.get(f"/admin/community/experience/{experience.pk}/change/"),
        "search": reader.get("/search/", {"q": "催收电话"}),
        "feed": reader.get("/feed/"),
        "sitemap": reader.get("/sitemap-experiences.xml"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert leaks(page.content.decode()) == [], name
    assert "138****5678" in pages["detail"].content.decode()
    assert "<mark>催收电话</mark>" in pages["search"].content.decode()  # the post was found
    # Searching for the original number finds nothing (the page only echoes the query).
    assert reader.get("/search/", {"q": PHONE}).context["page_obj"].paginator.count == 0
    (notice,) = mail.outbox
    assert leaks(notice.subject + notice.body) == []
    # Searching the admin for the original number finds nothing: it was never stored.
    search = staff.get(f"/admin/community/experience/?q={PHONE}")
    assert list(search.context["cl"].result_list) == []
