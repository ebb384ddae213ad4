"""Editors' picks come first in 大家还在看; other articles' lists follow a change by themselves."""

import pytest

from articles import ranking, related
from articles.models import Article, PinnedArticle, RelatedArticle
from tests.pages import article_form

ADMIN = "/admin/articles/article/"


@pytest.fixture
def site(make_article):
    """Fifteen public articles over three tags, oldest first, and every list stored."""
    tags = ["网贷", "催收", "征信"]
    articles = [
        make_article(f"文章{n:02d}", tags=[tags[n % 3], tags[(n + 1) % 3]], days_ago=30 - n)
        for n in range(15)
    ]
    ranking.refresh_all()
    return articles


def shown(article):
    return [
        (each.title, getattr(each, "pinned", False)) for each in related.related_for_page(article)
    ]


def stored_ids(article):
    return list(
        RelatedArticle.objects.filter(article=article)
        .order_by("rank")
        .values_list("related_id", flat=True)
    )


def pin_form(article, picks):
    """The article's admin form with `picks` (articles) in the inline, in order."""
    data = article_form(article, **{"pins-TOTAL_FORMS": str(len(picks))})
    for index, pick in enumerate(picks):
        data[f"pins-{index}-pinned"] = str(pick.pk)
        data[f"pins-{index}-position"] = str(index + 1)
    return data


@pytest.mark.django_db
def test_picks_come_first_labelled_then_the_computed_list_without_repeats(
    editor_client, site, django_capture_on_commit_callbacks
):
    article, computed = site[0], shown(site[0])
    picks = [site[14], site[7]]  # the second is in the computed list already
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"{ADMIN}{article.pk}/change/", pin_form(article, picks))
    assert response.status_code == 302
    now = shown(article)
    assert now[:2] == [("文章14", True), ("文章07", True)]
    assert len(now) == 10 and len({title for title, _pinned in now}) == 10
    assert "文章00" not in {title for title, _pinned in now}
    assert [title for title, pinned in now[2:]] == [
        title for title, _pinned in computed if title not in {"文章14", "文章07"}
    ][:8]
    page = editor_client.get(article.get_absolute_url()).content.decode()
    assert page.count('<span class="related__pick">编辑推荐</span>') == 2


@pytest.mark.django_db
def test_a_pick_that_stops_being_public_leaves_and_the_list_stays_ten(site):
    article = site[0]
    PinnedArticle.objects.create(article=article, pinned=site[14], position=1)
    related.repin(article.pk)
    site[14].status = Article.Status.DRAFT
    site[14].save()
    titles = [title for title, _pinned in shown(article)]
    assert "文章14" not in titles and len(titles) == 10
    ranking.refresh_all()  # the full repair keeps picks first too
    assert all(not pinned for _title, pinned in shown(article))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("picks", "message"),
    [
        (lambda site, draft: [draft], "只能推荐已公开的文章"),
        (lambda site, draft: [site[0]], "文章不能推荐它自己"),
        (lambda site, draft: [site[1], site[1]], "重复"),  # Django's unique check
        (lambda site, draft: site[1:7], "最多推荐 5 篇文章"),
    ],
    ids=["draft", "itself", "twice", "sixth"],
)
def test_a_bad_pick_is_refused_and_the_form_comes_back_filled(
    editor_client, site, make_article, picks, message
):
    draft = make_article("还没发布的文章", status=Article.Status.DRAFT)
    article = site[0]
    data = pin_form(article, picks(site, draft))
    data["title"] = "编辑改过的标题"
    response = editor_client.post(f"{ADMIN}{article.pk}/change/", data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'value="编辑改过的标题"' in page
    article.refresh_from_db()
    assert article.title == "文章00" and not PinnedArticle.objects.exists()


@pytest.mark.django_db
def test_a_new_article_enters_its_neighbours_lists_as_a_full_refresh_would_put_it(
    site, make_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = make_article("新文章", tags=["网贷", "催收"], days_ago=0)
    holding = set(RelatedArticle.objects.filter(related=new).values_list("article_id", flat=True))
    assert holding  # with the worker's task only: nobody ran refresh_related
    ranking.refresh_all()
    expected = set(RelatedArticle.objects.filter(related=new).values_list("article_id", flat=True))
    assert holding == expected


@pytest.mark.django_db
def test_lists_follow_an_article_withdrawn_or_retagged(site, django_capture_on_commit_callbacks):
    moved = site[13]
    assert RelatedArticle.objects.filter(related=moved).exists()
    with django_capture_on_commit_callbacks(execute=True):
        moved.tags.set(["借条"])  # no tag in common with anyone now
    after_retag = set(
        RelatedArticle.objects.filter(related=moved).values_list("article_id", flat=True)
    )
    ranking.refresh_all()
    assert after_retag == set(
        RelatedArticle.objects.filter(related=moved).values_list("article_id", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        moved.status = Article.Status.DRAFT
        moved.save()
    assert not RelatedArticle.objects.filter(related=moved).exists()


@pytest.mark.django_db
def test_a_scheduled_article_is_followed_when_its_time_comes(
    site, make_article, django_capture_on_commit_callbacks, settings
):
    queued = []
    with django_capture_on_commit_callbacks() as callbacks:
        make_article("定时文章", tags=["网贷"], days_ago=-1)
    queued = [c for c in callbacks if c.__qualname__.startswith("follow_later")]
    # Once now (it leaves any list) and once for its publication time.
    assert len(queued) == 2


@pytest.mark.django_db
def test_a_withdrawn_article_leaves_the_list_a_draft_keeps(
    site, django_capture_on_commit_callbacks
):
    draft, withdrawn = site[2], site[3]
    related.refresh_for(draft)
    draft.status = Article.Status.DRAFT  # a draft keeps the list saved with it
    draft.save()
    assert withdrawn.pk in stored_ids(draft)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn.status = Article.Status.DRAFT
        withdrawn.save()
    assert withdrawn.pk not in stored_ids(draft)
    assert not RelatedArticle.objects.filter(related=withdrawn).exists()
