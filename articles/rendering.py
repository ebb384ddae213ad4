"""Turn an article's Markdown into safe HTML, and HTML into a short plain-text excerpt."""

import html

import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator
from markdown_it import MarkdownIt

# CommonMark with raw HTML switched off: an editor's "<script>" shows as text.
# nh3 then cleans the result against an allow-list, so nothing unsafe survives
# even if the Markdown parser ever lets something through.
_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def _demote_h1(state):
    # The page's <h1> is the article title; a "# heading" in the body becomes an <h2>.
    for token in state.tokens:
        if token.tag == "h1":
            token.tag = "h2"


_markdown.core.ruler.push("demote_h1", _demote_h1)

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "td": {"style"}, "th": {"style"}}


def render_markdown(text):
    """Return sanitised HTML for Markdown `text`."""
    raw = _markdown.render(text or "")
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
    )


def excerpt(html_text, length=80):
    """Return about `length` characters of plain text from `html_text`, ending in "…" when cut."""
    text = " ".join(html.unescape(strip_tags(html_text)).split())
    return Truncator(text).chars(length, truncate="…")
