"""Chinese full-text search; the same tests run on SQLite (FTS5) and PostgreSQL."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

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
    response = client.get("/search/", {"q": query}, follow=True)  # to the canonical query
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
@pytest.mark.parametrize("window, dense", [(600, 16), (2, 1)])  # PostgreSQL's two ways
def test_on_very_common_words_title_hits_still_come_first_then_newest(
    make_article, monkeypatch, window, dense
):
    monkeypatch.setattr(search, "MAX_SCORED", 1)  # treat every word as very common
    monkeypatch.setattr(search, "RECENT_WINDOW", window)
    monkeypatch.setattr(search, "DENSE", dense)
    make_article("正文提到的旧文章", body="征信。", days_ago=50)
    make_article("征信在标题里", body="别的内容。", days_ago=40)
    make_article("正文提到的新文章", body="讲征信的事。", days_ago=1)
    make_article("无关", body="别的。", days_ago=1)
    assert titles("征信") == ["征信在标题里", "正文提到的新文章", "正文提到的旧文章"]


@pytest.mark.django_db
def test_a_phrase_needs_its_characters_side_by_side(make_article):
    make_article("爆通讯录以后", body="正文。")
    make_article("移动通讯的历史", body="讯录二字分开出现。")
    make_article("讯通录", body="顺序不对。")
    make_article("说说通讯", body="录音的事。")  # the title ends, the body starts
    assert titles("通讯录") == ["爆通讯录以后"]
    assert titles("讯录") == ["爆通讯录以后", "移动通讯的历史"]


@pytest.mark.django_db
def test_a_long_term_that_finds_nothing_as_written_is_looked_up_word_by_word(make_article):
    make_article("网贷逾期了怎么协商", body="先和平台沟通。")
    make_article("电话催收的边界", body="催收打电话有规矩。")
    make_article("无关文章", body="讲家庭理财和记账。")
    assert titles("网贷逾期") == ["网贷逾期了怎么协商"]  # as written
    assert titles("逾期网贷") == ["网贷逾期了怎么协商"]  # 逾期 and 网贷, apart
    assert titles("催收电话") == ["电话催收的边界"]
    assert titles("催收电话费") == []  # 催收 and 电话费: no text has both
    terms, ranked = search.search("逾期网贷")
    assert [term.text for term in terms] == ["逾期", "网贷"]  # what the page marks


@pytest.mark.django_db
def test_a_single_character_finds_it_at_the_start_middle_and_end_of_words(make_article):
    make_article("债务重组", body="正文。", days_ago=3)
    make_article("还债了", body="正文。", days_ago=2)
    make_article("欠债", body="正文。", days_ago=1)
    make_article("无关文章", body="讲家庭理财。")
    assert sorted(titles("债")) == sorted(["债务重组", "还债了", "欠债"])
    assert titles("理") == ["无关文章"]


@pytest.mark.django_db
def test_latin_words_digits_and_full_width_letters_are_words(make_article):
    make_article("P2P网贷平台爆雷", body="正文。")
    make_article("下载ＡＰＰ借款", body="正文。")
    make_article("第12345篇", body="正文。")
    make_article("P2P的历史", body="与网贷无关的说明。")
    assert titles("p2p网贷") == ["P2P网贷平台爆雷"]
    assert titles("P2P 网贷") == ["P2P网贷平台爆雷", "P2P的历史"]
    assert titles("app") == ["下载ＡＰＰ借款"]
    assert titles("ＡＰＰ借款") == ["下载ＡＰＰ借款"]
    assert titles("第12345篇") == ["第12345篇"]
    assert titles("1234") == []  # digits are whole words


@pytest.mark.django_db
def test_question_words_in_a_query_are_not_required(make_article):
    make_article("网贷逾期的处理", body="先和平台协商。")
    make_article("了解征信", body="正文。")
    assert titles("网贷逾期了怎么办？") == ["网贷逾期的处理"]
    assert titles("怎么了解征信") == ["了解征信"]
    assert titles("怎么办") == []  # only question words: searched as they are


@pytest.mark.parametrize(
    "query, canonical",
    [
        ("网贷逾期怎么办？", "网贷逾期"),
        ("  网贷，逾期  ", "网贷 逾期"),
        ("网贷 网贷", "网贷"),
        ("ＡＰＰ", "app"),
        ("P2P网贷", "p2p网贷"),
        ("我的钱", "我的钱"),  # only one character would be left: kept whole
        ("怎么办", "怎么办"),
        ("了解征信", "了解征信"),
        ("！？。，、", ""),
    ],
)
def test_a_query_has_one_canonical_spelling(query, canonical):
    assert search.canonical(query) == canonical
    assert search.canonical(canonical) == canonical


@settings(max_examples=300, deadline=None)  # the machine may be busy
@given(
    st.text(
        st.sampled_from("的了吗我们被怎么办目确解征信通讯录网贷债aZ9_ ,，！ＡＢ㍿İ\x00"),
        max_size=150,
    )
    | st.text(max_size=150)
)
def test_the_canonical_spelling_is_its_own_canonical_spelling(query):
    canonical = search.canonical(query)
    assert search.canonical(canonical) == canonical
    assert len(canonical) <= search.MAX_QUERY_LENGTH


@pytest.mark.parametrize(
    "query", ["长" * 1000, "网贷逾期" * 250, "a " * 1000, "的" * 1000, "一是在不有和人这中大" * 10]
)
def test_a_query_is_read_only_to_its_limits(query):
    phrases = [phrase for term in search.query_terms(query) for phrase in term.phrases]
    assert 1 <= len(phrases) <= search.MAX_PHRASES
    assert all(len(phrase.tokens) <= search.MAX_PHRASE_TOKENS for phrase in phrases)


@pytest.mark.django_db
def test_a_long_phrase_is_matched_piece_by_piece(make_article):
    make_article("一二三四五六七八九十", body="正文。")
    make_article("一二三四五", body="六七八九十。")
    assert titles("一二三四五六七八九十") == ["一二三四五六七八九十"]
    assert titles("一二三四五六七八九") == ["一二三四五六七八九十"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["啊" * 1000, "征信" * 500, "！" * 1000, "a" * 1000, "债 " * 500])
def test_absurd_queries_are_bounded_and_answered(client, make_article, query):
    make_article("征信报告", body="啊啊啊。征信征信。")
    search.search(query)  # bounded, no error
    for url in ("/search/", "/articles/"):
        response = client.get(url, {"q": query})
        assert response.status_code == 200, url
    assert search.article_ids(query) is not None


@pytest.mark.django_db
def test_a_search_that_runs_out_of_time_says_so(client, make_article, monkeypatch):
    make_article("征信报告")

    def cancelled(terms, kinds=None):
        raise search.SearchTimeout

    monkeypatch.setattr(search, "ranked_ids", cancelled)
    monkeypatch.setattr(search, "recent_ids", cancelled)
    response = client.get("/search/", {"q": "征信"})
    assert response.status_code == 200
    assert "用时太长" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert search.article_ids("征信") == []


def sleeping(seconds, row):
    """A statement that takes `seconds` and answers `row`, in place of one of search's own."""
    return f"SELECT {row} FROM pg_sleep({seconds}), (SELECT %s, %s, %s) AS params"  # noqa: S608


@pytest.mark.django_db
@pytest.mark.parametrize("count_seconds, rank_seconds", [(0.4, 0), (0.2, 0.2)])
def test_postgresql_cancels_a_search_past_its_time_limit(
    make_article, monkeypatch, count_seconds, rank_seconds
):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the time limit is a statement timeout on PostgreSQL")
    make_article("征信报告")
    monkeypatch.setattr(search, "TIME_LIMIT_MS", 300)
    # The limit holds for the whole search, whichever of its statements runs long.
    monkeypatch.setattr(search, "_PG_COUNT", sleeping(count_seconds, "0"))
    monkeypatch.setattr(search, "_PG_RANKED", sleeping(rank_seconds, "'article', 1"))
    with pytest.raises(search.SearchTimeout):
        search.ranked_ids(search.query_terms("征信"))
    # The limit ended with the search: the test's transaction goes on.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.4)")
