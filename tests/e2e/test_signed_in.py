"""A signed-in reader in a browser, on the pages every reader shares."""

import pytest
from playwright.sync_api import expect

from articles import ranking
from community.models import Experience
from tests.e2e.conftest import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article_with_post(make_article, make_experience):
    articles = [
        make_article(f"协商还款第{n}步", tags=["协商还款"], days_ago=n + 1) for n in range(3)
    ]
    ranking.refresh_all()
    post = make_experience(
        "和平台协商成功的经历", article=articles[0], status=Experience.Status.APPROVED
    )
    return articles[0], post


def test_signed_in_reader_sees_their_menu_vote_pending_post_and_report_form(
    page, shoot, article_with_post, live_server
):
    article, post = article_with_post
    page.goto(article.get_absolute_url())  # stored for every reader
    expect(page.locator(".account-nav:visible")).to_contain_text("登录")

    sign_up(page, f"reader{page.width}")
    page.goto(f"/experiences/new/?article={article.slug}")
    page.locator("#id_title").fill("平台同意分期还款了")
    page.locator("#id_body").fill("打了三次客服电话，最后平台同意分十二期还款，没有额外费用。")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("已进入审核")

    response = page.goto(article.get_absolute_url())
    assert response.headers["cache-control"].startswith("public")  # the shared page
    menu = page.locator(".account-nav:visible")
    expect(menu).to_contain_text("我的帖子")
    expect(menu).not_to_contain_text("登录")
    expect(page.locator(".reader-note")).to_be_visible()
    expect(page.locator(".reader-note a")).to_have_text("平台同意分期还款了")

    page.locator("form.helpful button").click()
    expect(page.locator("form.helpful button")).to_have_text("有用 (1)")
    page.goto(article.get_absolute_url())
    expect(page.locator("form.helpful button")).to_be_disabled()
    shoot("article-signed-in")

    page.goto(post.get_absolute_url())
    expect(page.locator("details.report")).to_be_visible()
    expect(page.get_by_text("登录后可举报")).to_be_hidden()
    page.locator("details.report summary").click()
    page.locator("details.report input[value=abuse]").check()
    page.locator("details.report button").click()
    expect(page.locator(".messages")).to_contain_text("审核员会查看")

    page.locator(".account-nav:visible button").click()  # log out, from a shared page
    page.goto(article.get_absolute_url())
    expect(page.locator(".account-nav:visible")).to_contain_text("登录")
    expect(page.locator(".reader-note")).to_be_hidden()


def test_signed_in_reader_without_javascript_reports_through_the_report_page(
    browser, live_server, article_with_post, make_user
):
    _, post = article_with_post
    make_user("zhou")
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("zhou")
    page.locator("#id_password").fill("pw-reader")
    page.locator("main button[type=submit]").click()
    page.goto(post.get_absolute_url())
    page.get_by_text("登录后可举报").click()
    page.locator("input[value=fraud]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("审核员会查看")
    context.close()
