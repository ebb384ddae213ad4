"""Chinese full-text search; the same tests run on SQLite (FTS5) and PostgreSQL."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import search
from articles.models import Article
from community.models import Experience


def titles(query):
    terms, ranked = search.search(query)
    return [hit.object.title for hit in search.load_hits(ranked, terms)]


@pytest.mark.django_db
def test_a_word_is_found_inside_a_longer_phrase(make_article):
    make_article("催收骚扰怎么办", body="逾期以后被爆通讯录，亲友都接到了电话。")
    make_article("逾期的后果", body="逾期会不会上征信？会的。")
    make_article("无关文章", body="讲家庭理财和记账。")
    assert titles("通讯录") == ["催收骚扰怎么办"]
    assert titles("征信") == ["逾期的后果"]


@pytest.mark.django_db
def test_title_hit_outranks_body_hit(make_article):
    make_article("正文提到", body="这里正文里提到了征信两个字，还有很多别的内容。", days_ago=1)
    make_article("征信报告怎么看", body="看懂报告的几个部分。", days_ago=30)
    assert titles("征信") == ["征信报告怎么看", "正文提到"]


@pytest.mark.django_db
def test_only_approved_experiences_are_found(make_experience):
    make_experience("被爆通讯录的经历", status=Experience.Status.APPROVED)
    make_experience("还在审核的通讯录经历")
    make_experience("被拒的通讯录经历", status=Experience.Status.REJECTED)
    assert titles("通讯录") == ["被爆通讯录的经历"]


@pytest.mark.django_db
def test_index_follows_publish_unpublish_schedule_edit_and_delete(make_article):
    article = make_article("草稿里的借条", status=Article.Status.DRAFT)
    assert titles("借条") == []
    article.status = Article.Status.PUBLISHED
    article.save()
    assert titles("借条") == ["草稿里的借条"]
    article.published_at = timezone.now() + datetime.timedelta(days=1)
    article.save()
    assert titles("借条") == []
    article.published_at = timezone.now() - datetime.timedelta(minutes=1)
    article.title = "写借条的要点"
    article.save()
    assert titles("借条") == ["写借条的要点"]
    assert titles("草稿") == []
    article.delete()
    assert titles("借条") == []


@pytest.mark.django_db
def test_index_follows_approve_and_reject(make_experience, moderator):
    from community import moderation

    experience = make_experience("担保人的经历")
    assert titles("担保") == []
    moderation.approve(experience, moderator=moderator)
    assert titles("担保") == ["担保人的经历"]
    moderation.reject(experience, moderator=moderator, reason="含有他人信息")
    assert titles("担保") == []


@pytest.mark.django_db
def test_results_show_a_snippet_with_the_words_marked_and_escaped(client, make_article):
    body = "前面的内容很多很多。" * 10 + "关键是<征信>记录。" + "后面。" * 30
    make_article("<b>征信</b>", body=body)
    html = client.get("/search/?q=征信").content.decode()
    assert "<mark>征信</mark>" in html
    assert "&lt;<mark>征信</mark>&gt;记录" in html
    assert "&lt;b&gt;<mark>征信</mark>&lt;/b&gt;" in html
    assert "<b>征信</b>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, message",
    [
        ("", "输入一两个词"),
        ("   ", "输入一两个词"),
        ("！？。，、", "没有找到可以搜索的词"),
        ("\"'*:()&|!", "没有找到可以搜索的词"),
        ("长" * 2000, "2000"),  # "at most 100 characters (it has 2000)"
        ("找不到的词语组合", "没有与"),
        ("a\x00b", "空字符"),
    ],
)
def test_odd_queries_get_a_helpful_page(client, make_article, query, message):
    make_article("一篇文章")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_q_on_the_article_list_uses_the_same_search(client, make_article):
    make_article("催收骚扰怎么办", body="逾期以后被爆通讯录。")
    make_article("别的文章", body="讲通讯的历史。")
    response = client.get("/articles/", {"q": "通讯录"})
    assert [a.title for a in response.context["page_obj"]] == ["催收骚扰怎么办"]


@pytest.mark.django_db
def test_rebuild_search_index_restores_a_lost_index(make_article):
    from articles.models import SearchEntry

    make_article("借条的写法")
    SearchEntry.objects.all().delete()
    assert titles("借条") == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert titles("借条") == ["借条的写法"]


@pytest.mark.django_db
def test_on_very_common_words_title_hits_still_come_first_then_newest(make_article, monkeypatch):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the unscored path is SQLite's")
    monkeypatch.setattr(search, "MAX_SCORED", 1)  # treat every word as very common
    make_article("正文提到的旧文章", body="征信。", days_ago=50)
    make_article("征信在标题里", body="别的内容。", days_ago=40)
    make_article("正文提到的新文章", body="讲征信的事。", days_ago=1)
    make_article("无关", body="别的。", days_ago=1)
    assert titles("征信") == ["征信在标题里", "正文提到的新文章", "正文提到的旧文章"]
