"""Editors work on articles in the admin, and only there."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from articles.models import Article
from tests.pages import NO_PICKS


@pytest.mark.django_db
def test_editor_creates_tags_and_publishes_an_article(editor_client, category):
    form = editor_client.get("/admin/articles/article/add/")
    assert form.status_code == 200
    # The slug is filled in from the title as the editor types (Chinese kept).
    assert "&quot;dependency_list&quot;: [&quot;title&quot;]" in form.content.decode()
    assert "&quot;allowUnicode&quot;: true" in form.content.decode()
    now = timezone.localtime()
    response = editor_client.post(
        "/admin/articles/article/add/",
        {
            "title": "征信异议怎么提",
            "slug": "zhengxin-yiyi",
            "category": category.pk,
            "tags": "征信异议, 上征信",
            "summary": "",
            "body": "## 步骤\n\n1. 查询报告\n2. 提交异议",
            "status": "published",
            "published_at_0": now.strftime("%Y-%m-%d"),
            "published_at_1": (now - datetime.timedelta(minutes=1)).strftime("%H:%M:%S"),
            **NO_PICKS,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="zhengxin-yiyi")
    assert sorted(t.name for t in article.tags.all()) == ["上征信", "征信异议"]
    assert article.is_public()
    assert LogEntry.objects.filter(object_id=str(article.pk)).exists()
    editor_client.logout()
    assert editor_client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_editor_publishes_a_draft_with_the_list_action(editor_client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    response = editor_client.post(
        "/admin/articles/article/",
        {"action": "publish_now", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.is_public()
    assert LogEntry.objects.filter(object_id=str(draft.pk)).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
)
def test_editor_cannot_reach_users_or_groups(editor_client, url):
    assert editor_client.get(url).status_code == 403


@pytest.mark.django_db
def test_editor_admin_index_shows_articles_but_not_users(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert "/admin/articles/article/" in html
    assert "/admin/auth/user/" not in html


@pytest.mark.django_db
def test_article_changelist_shows_status_category_date_and_tags(editor_client, make_article):
    make_article("有标签的文章", tags=["逾期", "网贷"])
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert "有标签的文章" in html
    assert "网贷, 逾期" in html or "逾期, 网贷" in html
    assert "已发布" in html
    for column in ["column-status", "column-category", "column-published_at", "column-tag_list"]:
        assert column in html


@pytest.mark.django_db
def test_changelist_filters_and_search(editor_client, make_article):
    make_article("催收的边界")
    make_article("借条怎么写", status=Article.Status.DRAFT)
    searched = editor_client.get("/admin/articles/article/?q=借条")
    assert [a.title for a in searched.context["cl"].result_list] == ["借条怎么写"]
    filtered = editor_client.get("/admin/articles/article/?status__exact=published")
    assert [a.title for a in filtered.context["cl"].result_list] == ["催收的边界"]


@pytest.mark.django_db
def test_editors_group_exists_after_migrate_with_only_editorial_permissions():
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors")
    apps = {p.content_type.app_label for p in editors.permissions.select_related("content_type")}
    assert apps == {"articles"}
    models = {p.content_type.model for p in editors.permissions.select_related("content_type")}
    assert models == {"article", "category", "tag", "pinnedarticle", "searchquery"}
