"""Download my data: everything the site holds about a reader, as one JSON document.

The format (FORMAT, documented in docs/account-export.md) is stable: fields are
only ever added. UTF-8, Chinese as it is written (no \\u escapes), times in
ISO 8601 with their UTC offset.
"""

import json

from django.utils import timezone

from articles.models import Article
from articles.views import marked_helpful
from community.members import member
from community.models import Experience, Report

FORMAT = "portal-account-export/1"


def export(request):
    """Return the signed-in reader's data as a dict in FORMAT."""
    user = request.user
    posts = (
        Experience.objects.filter(author=user)
        .select_related("article")
        .prefetch_related("tags")
        .order_by("created_at", "pk")
    )
    reports = Report.objects.filter(reporter=user).select_related("experience").order_by("pk")
    voted = Article.objects.filter(pk__in=marked_helpful(request)).order_by("pk")
    return {
        "format": FORMAT,
        "exported_at": _moment(timezone.now()),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "email_confirmed": member(user).email_confirmed,
            "date_joined": _moment(user.date_joined),
            "last_login": _moment(user.last_login),
        },
        "posts": [_post(request, post) for post in posts],
        "reports": [
            {
                "post": report.experience_id,
                "post_title": report.experience.title,
                "reason": report.reason,
                "reason_label": str(report.get_reason_display()),
                "reported_at": _moment(report.created_at),
            }
            for report in reports
        ],
        # Votes are kept in the browser's session, not with the account.
        "helpful_votes_this_session": [
            {"article": article.pk, "title": article.title, "url": _url(request, article)}
            for article in voted
        ],
    }


def as_json(data):
    """Return `data` as the UTF-8 JSON text of the download."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _post(request, post):
    history = [{"event": "submitted", "at": _moment(post.created_at)}]
    if post.moderated_at is not None:
        decision = {"event": post.status, "at": _moment(post.moderated_at)}
        if post.status == Experience.Status.REJECTED:
            decision["reason"] = post.rejection_reason
        history.append(decision)
    return {
        "id": post.pk,
        "title": post.title,
        "body": post.body,
        "tags": sorted(tag.name for tag in post.tags.all()),
        "article": None
        if post.article is None
        else {"title": post.article.title, "url": _url(request, post.article)},
        "status": post.status,
        "masked_items": post.masked_items,
        "url": _url(request, post),
        "updated_at": _moment(post.updated_at),
        "history": history,
    }


def _url(request, thing):
    return request.build_absolute_uri(thing.get_absolute_url())


def _moment(value):
    return None if value is None else value.isoformat()
