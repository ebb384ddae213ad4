"""What a moderator or a reader must not learn: unpublished titles, tags of posts in moderation."""

import pytest
from django.test import Client

from articles.models import Article
from community.models import Experience
from tests.staff import sign_in_staff


@pytest.mark.django_db
def test_the_post_admin_does_not_print_an_unpublished_articles_title(
    make_article, make_experience, moderator
):
    draft = make_article("尚未发布的草稿标题", status=Article.Status.DRAFT)
    public = make_article("已经发布的文章")
    staff = sign_in_staff(Client(), moderator)
    about_draft = make_experience(article=draft)
    about_public = make_experience(article=public)
    page = staff.get(f"/admin/community/experience/{about_draft.pk}/change/").content.decode()
    assert "尚未发布的草稿标题" not in page
    page = staff.get(f"/admin/community/experience/{about_public.pk}/change/").content.decode()
    assert "已经发布的文章" in page
    assert 'name="article"' not in page  # no id field to try other ids with


@pytest.mark.django_db
def test_a_tag_only_on_a_post_in_moderation_is_like_a_made_up_one(
    client, make_article, make_experience
):
    make_article("公开文章", tags=["公开标签"])
    make_experience(tags=["待审标签"], status=Experience.Status.PENDING)
    made_up = client.get("/articles/", {"tag": "no-such-tag"}).content.decode()
    pending = client.get("/articles/", {"tag": "待审标签"}).content.decode()
    assert "没有这个标签" in made_up and "没有这个标签" in pending
    assert "没有这个标签" not in client.get("/articles/", {"tag": "公开标签"}).content.decode()
