"""The dependency keys of articles' lists (caching/dependencies.py).

An object's own key comes from `caching.dependencies.key_of` ("article:42",
"category:3", "tag:7"); the keys here name lists, which change when an object
enters or leaves them rather than when one of their objects is edited.
"""

# Which articles are public, and their order: every article list, feed and sitemap.
PUBLIC_ARTICLES = "articles"
# The categories: the site menu on every page, the filters, category pages.
CATEGORIES = "categories"
# A vote renews only its article's page; rankings by helpful count (the home
# page, lists ordered by it) follow within this many seconds.
HELPFUL_RANKING_SECONDS = 5 * 60


def related(article_id):
    """The stored "people also read" list of one article."""
    return f"related:{article_id}"


def helpful(article_id):
    """The helpful count of one article, shown on its own page."""
    return f"helpful:{article_id}"


def tagged_articles(tag_id):
    """Which articles carry one tag (its tag page)."""
    return f"tag-articles:{tag_id}"


def page(article_id):
    """What only an article's own page shows of it: when it was last updated."""
    return f"article-page:{article_id}"


def experiences(article_id):
    """The approved experiences about one article, shown on its page."""
    return f"article-experiences:{article_id}"
