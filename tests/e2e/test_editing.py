"""An editor compares two versions of an article and goes back; reads the search report."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from articles import searchlog
from tests.e2e.test_browser import axe_violations
from tests.staff import sign_in_staff_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ADMIN = "/admin/articles/article/"
FIRST = "## 先做什么\n\n保存催收的通话录音。\n\n向平台投诉。"


@pytest.fixture
def signed_in_editor(page, django_user_model):
    """An Editors member with an authenticator app, signed in through the admin login."""
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            content_type__model__in=["article", "category", "tag", "pinnedarticle"],
        )
        | Permission.objects.filter(codename="view_searchquery")
    )
    user = django_user_model.objects.create_user("editor", password="pw-editor", is_staff=True)
    user.groups.add(group)
    return sign_in_staff_in_browser(page, user, "pw-editor", "/admin/")


@pytest.fixture
def desktop(page):
    if page.width != 1280:
        pytest.skip("the editors' screens are checked at 1280 px")
    return page


def test_an_editor_compares_two_versions_and_goes_back(
    desktop, shoot, signed_in_editor, make_article
):
    page = desktop
    article = make_article("催收电话怎么应对", tags=["催收"], body=FIRST)
    page.goto(f"{ADMIN}{article.pk}/change/")
    edited = FIRST.replace("通话录音", "通话录音和短信截图") + "\n\n必要时报警。"
    page.locator("#id_body").fill(edited)
    page.locator("#id_change_note").fill("补充证据的种类")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()

    page.get_by_role("link", name="历史").click()
    expect(page.locator("#versions tbody tr")).to_have_count(3)
    expect(page.locator("#versions")).to_contain_text("补充证据的种类")
    shoot("article-history")
    assert axe_violations(page) == []
    # The newest and the oldest: the radios' defaults are the two newest.
    page.locator("#versions tbody tr").last.locator("input[name=old]").check()
    page.get_by_role("button", name="比较").click()
    expect(page.locator(".diff ins", has_text="和短信截图")).to_have_text("和短信截图")
    expect(page.locator(".diff")).to_contain_text("必要时报警。")
    shoot("article-compare")
    assert axe_violations(page) == []

    page.get_by_role("link", name=re.compile("^恢复到 .* 的版本$")).click()
    expect(page.locator(".diff")).to_contain_text("和短信截图")
    shoot("article-revert")
    assert axe_violations(page) == []
    page.get_by_role("button", name="恢复到这个版本").click()
    expect(page.locator(".messagelist")).to_contain_text("文章已恢复到")
    article.refresh_from_db()
    assert article.body == FIRST
    expect(page.locator("#versions tbody tr")).to_have_count(4)


def test_an_editor_reads_what_readers_search_for(desktop, shoot, signed_in_editor):
    page = desktop
    for query, results, times in [("网贷逾期", 12, 5), ("以贷养贷", 0, 3), ("征信异议", 4, 2)]:
        for _ in range(times):
            searchlog.record(query, results)
    page.goto("/admin/articles/searchquery/")
    page.get_by_role("link", name="报告：热门搜索和内容空白").click()
    expect(page.locator("svg.chart")).to_have_count(1)
    expect(page.locator("#content-main")).to_contain_text("以贷养贷")
    shoot("search-report")
    assert axe_violations(page) == []
