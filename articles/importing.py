"""Read articles from Markdown files with YAML front matter and store them."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Category

REQUIRED_KEYS = ("title", "slug", "category")


class ArticleFileError(ValueError):
    """A Markdown file that cannot become an article; the message says why."""


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


def read_article_file(path):
    """Parse one Markdown file into an ArticleFile, or raise ArticleFileError."""
    path = Path(path)
    try:
        post = frontmatter.load(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ArticleFileError(f"{path.name}: {error}") from error
    meta = post.metadata
    missing = [key for key in REQUIRED_KEYS if not meta.get(key)]
    if missing:
        raise ArticleFileError(f"{path.name}: missing {', '.join(missing)} in the front matter")
    status = str(meta.get("status", Article.Status.PUBLISHED))
    if status not in Article.Status.values:
        raise ArticleFileError(f"{path.name}: unknown status {status!r}")
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [tag.strip() for tag in tags.split(",")]
    return ArticleFile(
        path=path,
        title=str(meta["title"]),
        slug=str(meta["slug"]),
        category=str(meta["category"]),
        body=post.content,
        summary=str(meta.get("summary") or ""),
        status=status,
        published_at=_parse_time(path, meta.get("published_at")),
        tags=[str(tag) for tag in tags if str(tag).strip()],
    )


def _parse_time(path, value):
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    if not isinstance(value, datetime.datetime):
        try:
            value = datetime.datetime.fromisoformat(str(value))
        except ValueError as error:
            raise ArticleFileError(f"{path.name}: published_at {value!r} is not a date") from error
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@transaction.atomic
def store_article(data):
    """Create or update the article with `data.slug`; return (article, created)."""
    try:
        category = Category.objects.get(slug=data.category)
    except Category.DoesNotExist:
        raise ArticleFileError(f"{data.path.name}: unknown category {data.category!r}") from None
    defaults = {
        "title": data.title,
        "summary": data.summary,
        "body": data.body,
        "category": category,
        "status": data.status,
    }
    if data.published_at:
        defaults["published_at"] = data.published_at
    article, created = Article.objects.update_or_create(slug=data.slug, defaults=defaults)
    article.tags.set(data.tags)
    return article, created
