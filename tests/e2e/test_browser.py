"""The reader, the contributor and the moderator, as they use the site in a browser."""

import base64
import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from articles import ranking
from community.models import Experience
from tests.e2e.conftest import AXE, SCREENSHOTS, sign_up
from tests.staff import APP_KEY, app_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TAGS = ["爆通讯录", "网贷", "暴力催收"]


@pytest.fixture
def site(make_article):
    articles = [
        make_article(
            f"被爆通讯录以后第{n}步怎么做",
            tags=TAGS[: 1 + n % 3],
            days_ago=n + 1,
            body="## 先做什么\n\n1. 保存证据\n2. 向平台投诉\n\n遇到爆通讯录，先别慌。" * 3,
        )
        for n in range(12)
    ]
    ranking.refresh_all()
    return articles


def test_reader_reads_follows_related_marks_helpful_and_searches(page, shoot, site):
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("欠了钱")
    shoot("home")
    page.locator(".home-latest .card__title a").first.click()
    expect(page.locator("article h1")).to_have_text(site[0].title)
    expect(page.locator(".related__list li")).to_have_count(10)
    shoot("article")
    page.locator(".related__list a").first.click()
    expect(page.locator("article h1")).not_to_have_text(site[0].title)
    page.locator("form.helpful button").click()
    expect(page.locator("form.helpful button")).to_have_text("有用 (1)")
    expect(page.locator(".messages")).to_contain_text("谢谢")
    page.locator("#site-search-q").fill("通讯录")
    page.locator("#site-search-q").press("Enter")
    expect(page.locator(".search-results li").first).to_be_visible()
    expect(page.locator(".search-results mark").first).to_have_text("通讯录")
    shoot("search")


def test_reader_without_javascript_votes_through_the_refusal_page(browser, live_server, site):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    # The page is the one cached for every reader: its form carries no token.
    page.goto(site[0].get_absolute_url())
    expect(page.locator("form.helpful input[name=csrfmiddlewaretoken]")).to_have_value("")
    page.locator("form.helpful button").click()
    expect(page.locator("h1")).to_have_text("请重试")
    expect(page.locator(".error-page")).to_contain_text(site[0].title)
    page.screenshot(path=SCREENSHOTS / "helpful-retry-390.png", full_page=True)
    page.locator("form.helpful button").click()
    expect(page.locator("article h1")).to_have_text(site[0].title)
    expect(page.locator("form.helpful button")).to_have_text("有用 (1)")
    expect(page.locator(".messages")).to_contain_text("谢谢")
    context.close()


def test_contributor_signs_up_posts_and_sees_it_pending(page, shoot, site):
    sign_up(page, f"reader{page.width}")
    expect(page).to_have_url(re.compile(r"/experiences/new/$"))
    page.locator("#id_title").fill("催收打到我单位")
    page.locator("#id_body").fill("催收员天天打电话到公司，号码 13812345678，我已经录音并投诉。")
    page.locator("#id_tags").fill("暴力催收")
    shoot("experience-form")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("已进入审核")
    expect(page.locator("main")).to_contain_text("已遮盖 1 处个人信息")
    shoot("experience-submitted")
    page.goto("/experiences/mine/")
    expect(page.locator(".my-posts")).to_contain_text("待审核")
    assert "13812345678" not in page.content()


@pytest.fixture
def browser_moderator(django_user_model):
    """A staff user in Moderators, the group rebuilt with the migration's permissions.

    The live server needs real transactions, and each such test ends by emptying
    the tables, data migrations' groups included.
    """
    granted = importlib.import_module("community.migrations.0002_moderator_permissions")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="community", codename__in=granted.MODERATOR_PERMISSIONS
        )
    )
    user = django_user_model.objects.create_user(
        "moderator", password="pw-moderator", is_staff=True
    )
    user.groups.add(group)
    return user


def test_moderator_approves_from_the_queue_and_the_post_goes_public(
    page, shoot, browser, live_server, browser_moderator, make_experience
):
    experience = make_experience("等待审核的经历", tags=["网贷"])
    page.goto("/admin/community/experience/")
    page.locator("#id_username").fill("moderator")
    page.locator("#id_password").fill("pw-moderator")
    page.locator("input[type=submit]").click()
    # The first sign-in: set up the authenticator app, as its QR code or key says.
    expect(page.locator("h1")).to_have_text("设置两步验证登录")
    expect(page.locator(".two-factor__qr svg")).to_be_visible()
    shoot("two-factor-enrol")
    key = base64.b32decode(page.locator(".two-factor__secret").inner_text())
    page.locator("#id_code").fill(f"{totp(key):06d}")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    shoot("two-factor-codes")
    assert axe_violations(page) == []
    page.locator("main a.button").click()
    expect(page).to_have_url(re.compile(r"/admin/community/experience/$"))
    shoot("moderation-queue")
    page.locator(f"input[name=_selected_action][value='{experience.pk}']").check()
    page.locator("select[name=action]").select_option("approve_selected")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("已通过 1 篇")
    assert Experience.objects.get(pk=experience.pk).status == Experience.Status.APPROVED

    reader = browser.new_page(base_url=live_server.url)
    reader.goto(experience.get_absolute_url())
    expect(reader.locator("h1")).to_have_text("等待审核的经历")
    reader.close()


@pytest.mark.parametrize(
    "url",
    ["/", "/articles/", "ARTICLE", "/search/?q=征信", "/experiences/new/", "/accounts/login/"],
)
def test_main_pages_have_no_accessibility_violations(browser, live_server, site, url, make_user):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    if url == "/experiences/new/":
        make_user("axe")
        page.goto("/accounts/login/?next=/experiences/new/")
        page.locator("#id_username").fill("axe")
        page.locator("#id_password").fill("pw-reader")
        page.locator("main button[type=submit]").click()
    page.goto(site[0].get_absolute_url() if url == "ARTICLE" else url)
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => `${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target})`)"""
    )
    context.close()
    assert violations == []


def test_reader_resets_a_forgotten_password_from_the_email_and_signs_in(page, shoot, make_user):
    make_user("forgetful", email="forgetful@example.com")
    page.goto("/accounts/login/")
    page.locator("main a[href='/accounts/password/reset/']").click()
    page.locator("#id_email").fill("forgetful@example.com")
    shoot("password-reset")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("请查收邮件")
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    page.goto(link)
    page.locator("#id_new_password1").fill("a-New-passw0rd-2026")
    page.locator("#id_new_password2").fill("a-New-passw0rd-2026")
    shoot("password-reset-new")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("密码已修改")
    assert axe_violations(page) == []
    page.locator("main a.button").click()
    page.locator("#id_username").fill("forgetful")
    page.locator("#id_password").fill("a-New-passw0rd-2026")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/experiences/mine/$"))


ACCOUNT_PAGES = [
    "/accounts/",
    "/accounts/password/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/accounts/password/reset/MQ/expired-link/",
    "/accounts/delete/",
    "/accounts/two-factor/",
    "/accounts/email/confirm/not-a-link/",
]


def test_account_pages_look_right_and_have_no_accessibility_violations(
    page, shoot, browser_moderator
):
    browser_moderator.email = "moderator@example.com"
    browser_moderator.save()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("moderator")  # staff see every account page
    page.locator("#id_password").fill("pw-moderator")
    page.locator("main button[type=submit]").click()
    found = {}
    for url in ACCOUNT_PAGES:
        page.goto(url)
        name = "account" + url.replace("/accounts", "").replace("/", "-").rstrip("-")
        shoot(name)
        found[url] = axe_violations(page)
    assert found == dict.fromkeys(ACCOUNT_PAGES, [])


def axe_violations(page):
    """Return axe-core's violations on the page, one line each."""
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => `${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target})`)"""
    )


def test_an_enrolled_moderator_signs_in_to_the_admin_with_the_code(page, shoot, browser_moderator):
    TOTPDevice.objects.create(user=browser_moderator, name="app", key=APP_KEY, confirmed=True)
    page.goto("/admin/")
    page.locator("#id_username").fill("moderator")
    page.locator("#id_password").fill("pw-moderator")
    page.locator("#id_otp_token").fill(app_code())
    shoot("admin-login")
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#content h1")).to_be_visible()
