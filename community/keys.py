"""The dependency keys of experiences' lists (caching/dependencies.py).

An experience's own key is "experience:<id>" (`caching.dependencies.key_of`);
the keys here name lists, which change when a post becomes public or stops
being public. The list of posts on an article's page is
`articles.keys.experiences(article_id)`: the article page declares it.
"""

# Which experiences are public: the experience list, the home page.
PUBLIC_EXPERIENCES = "experiences"


def tagged_experiences(tag_id):
    """The approved experiences with one tag, shown on its tag page."""
    return f"tag-experiences:{tag_id}"
