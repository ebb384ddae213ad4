from html.parser import HTMLParser

import pytest

from articles.rendering import ALLOWED_TAGS, excerpt, render_markdown


class ElementCollector(HTMLParser):
    """Collect every element and its attributes, as a browser would parse them."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_of(html):
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


def test_markdown_renders_headings_lists_links_and_emphasis():
    html = render_markdown(
        "## 第一步\n\n1. 列清单\n2. 排顺序\n\n- 甲\n- 乙\n\n**重点** *提示* [征信中心](https://www.pbccrc.org.cn/)"
    )
    assert "<h2>第一步</h2>" in html
    assert "<ol>\n<li>列清单</li>" in html
    assert "<ul>\n<li>甲</li>" in html
    assert "<strong>重点</strong>" in html
    assert "<em>提示</em>" in html
    assert 'href="https://www.pbccrc.org.cn/"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_top_level_heading_becomes_h2_below_the_page_title():
    assert render_markdown("# 标题") == "<h2>标题</h2>\n"


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "正文<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[点我](javascript:alert(1))",
        "[点我](JaVaScRiPt:alert(1))",
        "[点我](  javascript:alert(1))",
        "![图](javascript:alert(1))",
        '<a href="javascript:alert(1)">点我</a>',
        "<iframe src=https://evil.example></iframe>",
        '[x](https://ok.example "t" onmouseover="alert(1)")',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_hostile_markdown_comes_out_harmless(markdown):
    for tag, attrs in elements_of(render_markdown(markdown)):
        assert tag in ALLOWED_TAGS
        assert not [name for name in attrs if name.startswith("on")]
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:"))


def test_raw_html_is_shown_as_text_not_markup():
    assert "&lt;script&gt;" in render_markdown("<script>alert(1)</script>")


def test_excerpt_is_plain_text_cut_to_about_80_characters_with_ellipsis():
    text = excerpt(render_markdown("## 标题\n\n" + "借款人应当按期还款。" * 20))
    assert text.startswith("标题 借款人应当按期还款。")
    assert len(text) == 80
    assert text.endswith("…")
    assert "<" not in text


def test_short_excerpt_is_left_whole():
    assert excerpt("<p>很短 &amp; 完整</p>") == "很短 & 完整"
