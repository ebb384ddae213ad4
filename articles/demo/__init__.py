"""The demo articles (the Markdown files in this folder) and their categories, for `seed_demo`."""

import zlib
from pathlib import Path

from articles import ranking
from articles.importing import read_article_file, store_article
from articles.models import Article, Category

DEMO_DIR = Path(__file__).resolve().parent

CATEGORIES = [
    ("debt", "债务", "理清欠款、安排还款顺序、和家人沟通，一步步走出债务困境。"),
    ("online-loans", "网贷", "识别正规平台、算清真实利率、应对网贷逾期。"),
    ("credit-report", "征信", "查询和读懂个人信用报告，处理错误记录与征信异议。"),
    ("credit-cards", "信用卡", "最低还款、分期手续费、停息挂账与个性化分期。"),
    ("collection", "催收", "催收的边界在哪里，遇到暴力催收如何保留证据和投诉。"),
    ("law", "法律常识", "借条、诉讼时效、被起诉和被执行时需要知道的法律常识。"),
]


def create_demo_articles():
    """Create the missing demo categories and articles; return how many articles were added."""
    # Only what is missing is created: a second run leaves edits and votes alone.
    for position, (slug, name, description) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "position": position},
        )
    existing = set(Article.objects.values_list("slug", flat=True))
    created_count = 0
    for path in sorted(DEMO_DIR.glob("*.md")):
        data = read_article_file(path)
        if data.slug in existing:
            continue
        article, _ = store_article(data)
        # Plausible, stable vote counts for the "most helpful" list.
        article.helpful_count = zlib.crc32(article.slug.encode()) % 140
        article.save(update_fields=["helpful_count"])
        created_count += 1
    ranking.refresh_all()
    return created_count
