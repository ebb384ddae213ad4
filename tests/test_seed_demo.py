from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from articles.models import Article, Category


def seed():
    out = StringIO()
    # Tests run with DEBUG off, where the command insists on --force.
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_fills_an_empty_site_and_is_idempotent():
    seed()
    first = (Article.objects.count(), Category.objects.count(), get_user_model().objects.count())
    seed()
    assert (
        Article.objects.count(),
        Category.objects.count(),
        get_user_model().objects.count(),
    ) == (first)
    assert Article.objects.published().count() >= 40
    assert Category.objects.annotate(n=Count("articles")).filter(n__gt=0).count() >= 5


@pytest.mark.django_db
def test_second_run_keeps_edits_votes_and_changed_passwords(client):
    seed()
    article = Article.objects.get(slug="tongxunlu-bei-bao-si-bu")
    Article.objects.filter(pk=article.pk).update(title="编辑改过的标题", helpful_count=7)
    editor = get_user_model().objects.get(username="editor")
    editor.set_password("a-new-secret-2026")
    editor.save()
    seed()
    article.refresh_from_db()
    assert (article.title, article.helpful_count) == ("编辑改过的标题", 7)
    assert client.login(username="editor", password="a-new-secret-2026")


@pytest.mark.django_db
def test_refuses_to_create_demo_accounts_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seeded_articles_have_3_to_6_shared_tags_and_structured_bodies():
    seed()
    articles = Article.objects.annotate(tag_count=Count("tagged_items"))
    assert all(3 <= a.tag_count <= 6 for a in articles)
    assert all("<h2>" in a.body_html and "<ol>" in a.body_html for a in articles)
    dates = {a.published_at.date() for a in articles}
    assert len(dates) >= 35
    # Every public article gets a full "people also read" list.
    article = Article.objects.published().first()
    assert len(Article.objects.related_to(article)) == 10


@pytest.mark.django_db
def test_seed_demo_creates_staff_editor_and_moderator_in_their_groups(client):
    output = seed()
    assert "editor-demo-2026" in output and "moderator-demo-2026" in output
    users = get_user_model().objects
    assert list(users.get(username="editor").groups.values_list("name", flat=True)) == ["Editors"]
    moderator = users.get(username="moderator")
    assert list(moderator.groups.values_list("name", flat=True)) == ["Moderators"]
    assert not moderator.is_superuser
    assert client.login(username="editor", password="editor-demo-2026")
