import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from tests.staff import sign_in_staff


@pytest.mark.django_db
def test_home_lists_latest_and_most_helpful_articles(client, make_article):
    make_article("较早的文章", days_ago=30, helpful_count=99)
    make_article("最新的文章", days_ago=1)
    response = client.get("/")
    assert response.status_code == 200
    latest = [a.title for a in response.context["latest"]]
    assert latest == ["最新的文章", "较早的文章"]
    assert response.context["most_helpful"][0].title == "较早的文章"
    assert 'lang="zh-Hans"' in response.content.decode()


@pytest.mark.django_db
def test_article_page_shows_title_category_date_body_tags_and_button(client, make_article):
    article = make_article(
        "网贷逾期怎么办",
        tags=["网贷", "逾期"],
        body="## 先别慌\n\n1. 列出欠款\n2. 联系平台",
        published_at=timezone.make_aware(datetime.datetime(2026, 3, 14, 9, 30)),
    )
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>网贷逾期怎么办</h1>" in html
    assert f'href="{article.category.get_absolute_url()}"' in html
    assert "2026-03-14" in html
    assert "<h2>先别慌</h2>" in html
    assert "<li>列出欠款</li>" in html
    assert 'href="/tags/%E7%BD%91%E8%B4%B7/"' in html  # /tags/网贷/
    assert "有用 (0)" in html


@pytest.mark.django_db
def test_article_page_lists_people_also_read_with_excerpt_category_and_date(client, make_article):
    article = make_article("源", tags=["网贷"])
    other = make_article("相关文章", tags=["网贷"], body="很长的正文。" * 30)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "大家还在看" in html
    assert f'href="{other.get_absolute_url()}">相关文章</a>' in html
    assert other.excerpt in html and other.excerpt.endswith("…")
    assert (
        other.published_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in html
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(days=2)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_article_is_404_for_the_public_and_previewable_by_an_editor(
    client, editor, make_article, fields
):
    article = make_article("未公开", **fields)
    assert client.get(article.get_absolute_url()).status_code == 404
    sign_in_staff(client, editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "预览" in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.django_db
def test_unpublished_article_is_404_for_a_logged_in_non_staff_user(
    client, django_user_model, make_article
):
    article = make_article("草稿", status=Article.Status.DRAFT)
    client.force_login(django_user_model.objects.create_user("reader"))
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_unpublished_articles_stay_out_of_every_list(client, make_article):
    make_article("公开文章", tags=["网贷"])
    make_article("草稿文章", tags=["网贷"], status=Article.Status.DRAFT)
    make_article(
        "定时文章", tags=["网贷"], published_at=timezone.now() + datetime.timedelta(days=1)
    )
    for url in ["/", "/articles/", "/categories/online-loans/", "/tags/网贷/"]:
        html = client.get(url).content.decode()
        assert "公开文章" in html, url
        assert "草稿文章" not in html and "定时文章" not in html, url


@pytest.mark.django_db
def test_list_is_paginated_20_a_page(client, make_article):
    for n in range(23):
        make_article(days_ago=n + 1)
    first = client.get("/articles/")
    second = client.get("/articles/?page=2")
    assert len(first.context["page_obj"]) == 20
    assert len(second.context["page_obj"]) == 3


@pytest.mark.django_db
def test_list_filters_by_category_tag_keyword_and_orders_by_helpful(
    client, make_article, make_category
):
    other = make_category(name="征信", slug="credit")
    make_article("查询征信报告", category=other, tags=["征信查询"], helpful_count=1)
    make_article("网贷利率", tags=["年化利率"], helpful_count=50)

    def titles(query):
        response = client.get("/articles/" + query)
        assert response.status_code == 200
        return [a.title for a in response.context["page_obj"]]

    assert titles("?category=credit") == ["查询征信报告"]
    assert titles("?tag=年化利率") == ["网贷利率"]
    assert titles("?q=征信") == ["查询征信报告"]
    assert titles("?ordering=helpful") == ["网贷利率", "查询征信报告"]
    assert [a.title for a in client.get("/categories/credit/").context["page_obj"]] == [
        "查询征信报告"
    ]
    assert [a.title for a in client.get("/tags/年化利率/").context["page_obj"]] == ["网贷利率"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/categories/no-such-category/",
        "/tags/no-such-tag/",
        "/articles/no-such-article/",
        "/articles/?page=999",
        "/articles/?page=abc",
        "/articles/?page=-1",
        "/categories/online-loans/?page=2",
    ],
)
def test_unknown_things_answer_404(client, make_article, url):
    make_article()
    response = client.get(url)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["?category=nope", "?tag=nope", "?ordering=price", "?q=" + "长" * 500],
)
def test_bad_filter_values_give_a_form_error_not_a_500(client, make_article, query):
    make_article("一篇文章")
    response = client.get("/articles/" + query)
    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert list(response.context["page_obj"]) == []


@pytest.mark.django_db
def test_user_written_text_is_escaped_in_lists(client, make_article):
    make_article("<b>标题</b>", summary='<img src=x onerror="alert(1)">', tags=["<i>t</i>"])
    html = client.get("/articles/").content.decode()
    assert "&lt;b&gt;标题&lt;/b&gt;" in html
    assert "<img src=x" not in html
    assert "<i>t</i>" not in html


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_chinese_slugs_work_and_the_menu_marks_the_current_category(client, make_article):
    from articles.models import Category

    law = Category.objects.create(name="法律常识", slug="法律常识")
    article = make_article("借条", slug="借条怎么写", category=law)
    assert client.get(article.get_absolute_url()).status_code == 200
    html = client.get(law.get_absolute_url()).content.decode()
    assert f'<a href="{law.get_absolute_url()}" aria-current="page">法律常识</a>' in html
    assert "借条" in html


def test_server_error_page_renders_in_the_site_style_without_a_database():
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "页面出错了" in html
    assert "css/site" in html
