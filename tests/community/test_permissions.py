"""Who may do what: every role against the admin and public actions that matter."""

import pytest
from django.test import Client

from articles.models import Article
from community.models import Experience
from tests.staff import sign_in_staff

ROLES = ["anonymous", "contributor", "editor", "moderator", "superuser"]
LOGIN = 302  # sent to a login page


@pytest.fixture
def clients(db, make_user, editor, moderator, django_user_model):
    users = {
        "contributor": make_user("contributor"),
        "editor": editor,
        "moderator": moderator,
        "superuser": django_user_model.objects.create_superuser("root", "root@example.com", "pw"),
    }
    result = {"anonymous": Client()}
    for role, user in users.items():
        result[role] = Client()
        if user.is_staff:
            sign_in_staff(result[role], user)  # password and second factor
        else:
            result[role].force_login(user)
    return result


@pytest.fixture
def site(make_article, make_experience):
    return {
        "draft": make_article("草稿", slug="draft", status=Article.Status.DRAFT),
        "pending": make_experience("待审核的帖子"),
        "approved": make_experience("已通过的帖子", status=Experience.Status.APPROVED),
    }


# (method, url template, expected status for each role in ROLES order)
MATRIX = [
    ("get", "/experiences/new/", [LOGIN, 200, 200, 200, 200]),
    ("get", "/experiences/mine/", [LOGIN, 200, 200, 200, 200]),
    ("get", "/experiences/{pending}/", [404, 404, 404, 404, 404]),
    ("get", "/experiences/{approved}/", [200, 200, 200, 200, 200]),
    ("get", "/articles/draft/", [404, 404, 200, 404, 200]),
    ("get", "/admin/", [LOGIN, LOGIN, 200, 200, 200]),
    ("get", "/admin/articles/article/", [LOGIN, LOGIN, 200, 403, 200]),
    ("get", "/admin/articles/article/add/", [LOGIN, LOGIN, 200, 403, 200]),
    ("get", "/admin/articles/category/", [LOGIN, LOGIN, 200, 403, 200]),
    ("get", "/admin/community/experience/", [LOGIN, LOGIN, 403, 200, 200]),
    ("get", "/admin/community/experience/{pending}/change/", [LOGIN, LOGIN, 403, 200, 200]),
    ("get", "/admin/community/experience/{approved}/hide/", [LOGIN, LOGIN, 403, 200, 200]),
    ("get", "/admin/community/experience/{pending}/delete/", [LOGIN, LOGIN, 403, 403, 200]),
    ("get", "/admin/community/experience/add/", [LOGIN, LOGIN, 403, 403, 403]),
    ("get", "/admin/auth/user/", [LOGIN, LOGIN, 403, 403, 200]),
    ("get", "/admin/auth/group/", [LOGIN, LOGIN, 403, 403, 200]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("method, url, expected", MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX])
def test_each_role_gets_exactly_what_it_should(clients, site, method, url, expected):
    url = url.format(**{name: obj.pk for name, obj in site.items()})
    got = [getattr(clients[role], method)(url).status_code for role in ROLES]
    assert got == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, approves", [("editor", False), ("moderator", True), ("superuser", True)]
)
def test_only_moderators_and_superusers_can_approve(clients, site, role, approves):
    clients[role].post(
        "/admin/community/experience/",
        {"action": "approve_selected", "_selected_action": [site["pending"].pk]},
    )
    site["pending"].refresh_from_db()
    assert (site["pending"].status == Experience.Status.APPROVED) is approves


@pytest.mark.django_db
def test_author_sees_own_pending_post(client, site):
    client.force_login(site["pending"].author)
    assert client.get(site["pending"].get_absolute_url()).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role, reports", [("anonymous", False), ("contributor", True)])
def test_only_logged_in_readers_report(clients, site, role, reports):
    clients[role].post(f"/experiences/{site['approved'].pk}/report/", {"reason": "abuse"})
    assert site["approved"].reports.exists() is reports


@pytest.mark.django_db
def test_moderator_cannot_publish_articles(clients, site):
    clients["moderator"].post(
        "/admin/articles/article/",
        {"action": "publish_now", "_selected_action": [site["draft"].pk]},
    )
    site["draft"].refresh_from_db()
    assert site["draft"].status == Article.Status.DRAFT


@pytest.mark.django_db
def test_moderators_group_has_only_queue_permissions():
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_experience",
        "change_experience",
        "view_report",
        "delete_report",
        "view_savedreason",
        "add_savedreason",
        "change_savedreason",
        "view_watchedword",
        "add_watchedword",
        "change_watchedword",
        "delete_watchedword",
        "delete_savedreason",
    }
