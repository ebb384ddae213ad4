"""What tests of stored pages share: an anonymous reader's page, the admin's article form."""

from django.test import Client
from django.utils import timezone


def anonymous_html(url):
    """Return the page at `url` as a reader without a session gets it (it must answer 200)."""
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# The editors' picks inline of the article form, empty.
NO_PICKS = {
    "pins-TOTAL_FORMS": "0",
    "pins-INITIAL_FORMS": "0",
    "pins-MIN_NUM_FORMS": "0",
    "pins-MAX_NUM_FORMS": "6",
}


def article_form(article, **changes):
    """The admin change form's fields for `article` (no picks), with `changes` applied."""
    published_at = timezone.localtime(article.published_at)
    fields = {
        "title": article.title,
        "slug": article.slug,
        "category": article.category_id,
        "tags": ", ".join(article.tags.names()),
        "summary": article.summary,
        "body": article.body,
        "status": article.status,
        "published_at_0": published_at.strftime("%Y-%m-%d"),
        "published_at_1": published_at.strftime("%H:%M:%S"),
        "change_note": "",
        **NO_PICKS,
    }
    return {**fields, **changes}
