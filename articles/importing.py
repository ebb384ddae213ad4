"""Read articles from Markdown files with YAML front matter and store them."""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Category

REQUIRED_KEYS = ("title", "category")
TAG_LENGTH = 100


class ArticleFileError(ValueError):
    """A Markdown file that cannot become an article; the message names it, the line and why."""

    def __init__(self, path, reason, line=None):
        where = f"{path.name}:{line}" if line else path.name
        super().__init__(f"{where}: {reason}")


@dataclass
class ArticleFile:
    path: Path
    title: str
    slug: str
    category: str
    body: str
    summary: str = ""
    status: str = Article.Status.PUBLISHED
    published_at: datetime.datetime | None = None
    tags: list[str] = field(default_factory=list)
    category_line: int | None = None


def read_article_file(path):
    """Parse one Markdown file into an ArticleFile, or raise ArticleFileError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        post = frontmatter.loads(text)
    except UnicodeDecodeError as error:
        raise ArticleFileError(path, "not UTF-8 text") from error
    except OSError as error:
        raise ArticleFileError(path, error.strerror or str(error)) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening ---
        raise ArticleFileError(path, f"front matter is not valid YAML ({error})", line) from error
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ArticleFileError(path, "contains a NUL character", line)
    meta = post.metadata
    if not isinstance(meta, dict) or not meta:
        raise ArticleFileError(path, "no front matter between --- lines", 1)
    missing = [key for key in REQUIRED_KEYS if not meta.get(key)]
    if missing:
        raise ArticleFileError(path, f"missing {', '.join(missing)} in the front matter", 1)

    def line_of(key):
        found = re.search(rf"^{key}\s*:", text, re.MULTILINE)
        return text.count("\n", 0, found.start()) + 1 if found else None

    status = str(meta.get("status", Article.Status.PUBLISHED))
    if status not in Article.Status.values:
        raise ArticleFileError(path, f"unknown status {status!r}", line_of("status"))
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [tag.strip() for tag in tags.split(",")]
    if not isinstance(tags, list):
        raise ArticleFileError(path, "tags must be a list", line_of("tags"))
    if any(len(str(tag)) > TAG_LENGTH for tag in tags):
        raise ArticleFileError(
            path, f"a tag is longer than {TAG_LENGTH} characters", line_of("tags")
        )
    title = str(meta["title"])
    try:
        published_at = _parse_time(meta.get("published_at"))
    except ValueError:
        raise ArticleFileError(
            path, f"published_at {meta['published_at']!r} is not a date", line_of("published_at")
        ) from None
    return ArticleFile(
        path=path,
        title=title,
        slug=str(meta.get("slug") or slugify(title, allow_unicode=True)),
        category=str(meta["category"]),
        body=post.content,
        summary=str(meta.get("summary") or ""),
        status=status,
        published_at=published_at,
        tags=[str(tag).strip() for tag in tags if str(tag).strip()],
        category_line=line_of("category"),
    )


def _parse_time(value):
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.fromisoformat(str(value))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@transaction.atomic
def store_article(data):
    """Create or update the article with `data.slug`; return (article, created)."""
    try:
        category = Category.objects.get(slug=data.category)
    except Category.DoesNotExist:
        raise ArticleFileError(
            data.path, f"unknown category {data.category!r}", data.category_line
        ) from None
    article = Article.objects.filter(slug=data.slug).first()
    created = article is None
    if created:
        article = Article(slug=data.slug)
    article.title, article.summary, article.body = data.title, data.summary, data.body
    article.category, article.status = category, data.status
    if data.published_at:
        article.published_at = data.published_at
    try:
        article.full_clean(exclude=["tags"], validate_unique=False)
    except ValidationError as error:
        reasons = "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()
        )
        raise ArticleFileError(data.path, reasons) from None
    article.pending_tags = data.tags  # recorded with the version this save keeps
    article.save()
    article.tags.set(data.tags)
    return article, created
