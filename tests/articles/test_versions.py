"""Every save of an article keeps a version; editors compare any two and go back to one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from articles import related, search, versions
from articles.models import Article, Category, Tag
from tests.pages import article_form
from tests.staff import sign_in_staff

ADMIN = "/admin/articles/article/"
FIRST = "## 先做什么\n\n保存催收的通话录音。\n\n向平台投诉。"
SECOND = "## 先做什么\n\n保存催收的通话录音和短信截图。\n\n向平台投诉。\n\n必要时报警。"


def edit(client, article, **changes):
    """Save the article's admin form as an editor would, with `changes`."""
    response = client.post(f"{ADMIN}{article.pk}/change/", article_form(article, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


def newest(article):
    return article.history.order_by("-history_id").first()


@pytest.mark.django_db
def test_an_admin_save_keeps_a_version_with_who_why_and_the_tags(
    editor_client, editor, make_article
):
    article = make_article("催收电话怎么应对", tags=["催收"], body=FIRST)
    edit(editor_client, article, body=SECOND, tags="催收, 投诉", change_note="补充短信截图")
    version = newest(article)
    assert (version.body, version.tag_names) == (SECOND, ["催收", "投诉"])
    assert version.history_user == editor and version.history_change_reason == "补充短信截图"
    # One version for the save, none more for its tags.
    assert article.history.count() == 3  # created, tagged by code, edited


@pytest.mark.django_db
def test_code_and_the_import_command_keep_versions_too(tmp_path, category, make_article):
    article = make_article("代码保存的文章")
    article.title = "代码改过的标题"
    article.save()
    assert newest(article).title == "代码改过的标题"
    (tmp_path / "a.md").write_text(
        "---\ntitle: 借条怎么写\nslug: jietiao\ncategory: online-loans\ntags: [借条]\n---\n\n正文",
        encoding="utf-8",
    )
    call_command("import_articles", str(tmp_path), stdout=StringIO())
    imported = Article.objects.get(slug="jietiao")
    assert imported.history.count() == 1 and newest(imported).tag_names == ["借条"]


def test_text_compares_by_paragraph_then_by_character():
    old, new = versions.compare_text(FIRST, SECOND)
    assert "保存催收的通话录音<ins>和短信截图</ins>。" in new
    assert "<ins>必要时报警。</ins>" in new
    assert "<del>" not in old  # nothing was taken away
    old, new = versions.compare_text("甲方<b>欠款</b>。", "乙方<b>欠款</b>。")
    assert old == '<p class="diff-paragraph"><del>甲</del>方&lt;b&gt;欠款&lt;/b&gt;。</p>'
    assert new == '<p class="diff-paragraph"><ins>乙</ins>方&lt;b&gt;欠款&lt;/b&gt;。</p>'


@pytest.mark.django_db
def test_the_history_and_the_comparison_of_any_two_versions(editor_client, make_article):
    article = make_article("催收电话怎么应对", tags=["催收"], body=FIRST)
    edit(editor_client, article, body=SECOND, change_note="补充短信截图")
    edit(editor_client, article, title="催收电话怎么应对（更新）")
    page = editor_client.get(f"{ADMIN}{article.pk}/history/").content.decode()
    assert page.count('name="old"') == article.history.count() == 4
    assert "补充短信截图" in page and "editor" in page
    first, last = article.history.order_by("history_id")[0], newest(article)
    page = editor_client.get(
        f"{ADMIN}{article.pk}/history/compare/", {"old": last.pk, "new": first.pk}
    ).content.decode()  # either order: the older one is on the left
    assert "<ins>和短信截图</ins>" in page and "（更新）" in page
    assert page.index("<del>") < page.index("<ins>")
    response = editor_client.get(f"{ADMIN}{article.pk}/history/compare/", {"old": "x"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_going_back_is_a_new_version_and_everything_follows(editor_client, make_article):
    article = make_article("催收电话怎么应对", tags=["催收"], body=FIRST)
    neighbour = make_article("催收的录音怎么保存", tags=["催收"])
    make_article("借条的写法", tags=["借条"])
    related.refresh_for(neighbour)
    original = newest(article)
    edit(editor_client, article, title="改坏了的标题", body="错误的建议", tags="借条")
    assert "改坏了的标题" in editor_client.get(article.get_absolute_url()).content.decode()
    assert article.pk not in found_articles("通话录音")

    page = editor_client.get(f"{ADMIN}{article.pk}/history/{original.pk}/revert/")
    assert "改坏了的标题" in page.content.decode()  # what going back will change
    response = editor_client.post(f"{ADMIN}{article.pk}/history/{original.pk}/revert/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body, sorted(article.tags.names())) == (
        "催收电话怎么应对",
        FIRST,
        ["催收"],
    )
    assert newest(article).history_change_reason.startswith("已恢复到")
    assert article.history.count() == 4  # created, tagged, edited, gone back
    # The stored page, the search index and the related lists follow at once.
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert "催收电话怎么应对" in page and "改坏了的标题" not in page
    assert found_articles("通话录音") == [article.pk]
    assert article in related.related_for_page(neighbour)


def found_articles(query):
    _terms, ranked = search.search(query)
    return [pk for kind, pk in ranked if kind == "article"]


@pytest.mark.django_db
def test_going_back_restores_what_it_can_and_names_what_it_cannot(
    editor_client, make_article, make_category
):
    old_category = make_category("旧分类")
    article = make_article("会被改动的文章", tags=["旧标签", "催收"], category=old_category)
    original = newest(article)
    new_category = make_category("新分类")
    edit(editor_client, article, category=new_category.pk, tags="催收", title="新标题")
    Tag.objects.filter(name="旧标签").delete()
    Category.objects.filter(pk=old_category.pk).delete()
    response = editor_client.post(f"{ADMIN}{article.pk}/history/{original.pk}/revert/", follow=True)
    page = response.content.decode()
    assert "未恢复" in page and "旧标签" in page and "新分类" in page
    article.refresh_from_db()
    assert article.title == "会被改动的文章"
    assert article.category == new_category and sorted(article.tags.names()) == ["催收"]


@pytest.mark.django_db
def test_only_editors_who_may_change_articles_go_back(client, make_article, make_user, editor):
    article = make_article("一篇文章")
    version = newest(article)
    url = f"{ADMIN}{article.pk}/history/{version.pk}/revert/"
    client.force_login(make_user("reader"))
    assert client.post(url).status_code == 302  # to the admin login
    csrf_client = sign_in_staff(Client(enforce_csrf_checks=True), editor)
    assert csrf_client.post(url).status_code == 403
    assert article.history.count() == 1


@pytest.mark.django_db
def test_a_history_address_that_is_not_a_number_is_not_found(editor_client):
    assert editor_client.get(f"{ADMIN}abc/history/").status_code == 404


@pytest.mark.django_db
def test_publishing_from_the_list_keeps_a_version_with_the_editor(
    editor_client, editor, make_article
):
    article = make_article("草稿文章", status=Article.Status.DRAFT)
    editor_client.post(ADMIN, {"action": "publish_now", "_selected_action": [article.pk]})
    assert newest(article).status == "published" and newest(article).history_user == editor
