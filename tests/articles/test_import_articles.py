"""`manage.py import_articles`: Markdown files with front matter in, articles out."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article

GOOD = """---
title: 借条怎么写才有效
slug: jietiao-zenme-xie
category: online-loans
tags: [借条, 起诉]
status: published
published_at: 2026-03-01 09:30
---

## 要点

1. 写清金额
2. 写清日期
"""


def run(path):
    out, err = StringIO(), StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_creates_articles_with_tags_status_and_time(tmp_path, category):
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    out, err = run(tmp_path)
    article = Article.objects.get(slug="jietiao-zenme-xie")
    assert article.title == "借条怎么写才有效"
    assert sorted(t.name for t in article.tags.all()) == ["借条", "起诉"]
    assert article.is_public()
    # Front-matter times are Beijing time.
    assert timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M") == "2026-03-01 09:30"
    assert "<h2>要点</h2>" in article.body_html
    assert "1 files: 1 created, 0 updated, 0 failed." in out
    assert err == ""


@pytest.mark.django_db
def test_reimport_updates_and_never_duplicates(tmp_path, category):
    path = tmp_path / "a.md"
    path.write_text(GOOD, encoding="utf-8")
    run(tmp_path)
    path.write_text(
        GOOD.replace("借条怎么写才有效", "借条的写法").replace("[借条, 起诉]", "[借条]")
    )
    out, _ = run(tmp_path)
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert article.title == "借条的写法"
    assert [t.name for t in article.tags.all()] == ["借条"]
    assert "0 created, 1 updated" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, text, reason",
    [
        ("no-front-matter.md", "只有正文，没有元数据。", "no-front-matter.md:1: no front matter"),
        ("bad-yaml.md", "---\ntitle: [unclosed\ncategory: online-loans\n---\n正文", "bad-yaml.md:"),
        ("no-title.md", GOOD.replace("title: 借条怎么写才有效\n", ""), "missing title"),
        ("bad-category.md", GOOD.replace("online-loans", "nope"), ".md:4: unknown category"),
        ("bad-status.md", GOOD.replace("status: published", "status: x"), ".md:6: unknown status"),
        ("bad-date.md", GOOD.replace("2026-03-01 09:30", "昨天"), "bad-date.md:7: published_at"),
        ("long-title.md", GOOD.replace("借条怎么写才有效", "长" * 200), "title"),
        ("not-utf8.md", None, "not UTF-8"),
        ("nul.md", GOOD.replace("## 要点", "## 要\x00点"), "nul.md:10: contains a NUL"),
        ("long-tag.md", GOOD.replace("起诉]", "长" * 101 + "]"), ".md:5: a tag is longer"),
    ],
)  # fmt: skip
def test_a_bad_file_is_reported_by_name_and_line_while_the_others_load(
    tmp_path, category, name, text, reason
):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    bad = tmp_path / name
    if text is None:
        bad.write_bytes("---\ntitle: 标题\n---\n正文".encode("gbk"))
    else:
        bad.write_text(text, encoding="utf-8")
    out, err = run(tmp_path)
    assert reason in err
    assert "1 created, 0 updated, 1 failed." in out
    assert Article.objects.filter(slug="jietiao-zenme-xie").exists()
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run(tmp_path / "nope")
