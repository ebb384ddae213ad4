"""Article versions: what each keeps, how two compare, and going back to one.

django-simple-history writes a version on every save of an article (the admin, the
import command, code). A version also keeps the article's tag names: the admin and the
import command name the tags about to be saved (`article.pending_tags`), and a change of
tags made alone, after the save, is a version of its own.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.signals import pre_create_historical_record

from articles.models import VERSIONS, Article, Category, Tag

# The fields compared and restored, in the order an editor reads them.
COMPARED = [
    ("title", gettext_lazy("title")),
    ("slug", gettext_lazy("slug")),
    ("category", gettext_lazy("category")),
    ("tags", gettext_lazy("tags")),
    ("status", gettext_lazy("status")),
    ("published_at", gettext_lazy("publication time")),
    ("summary", gettext_lazy("summary")),
    ("body", gettext_lazy("body")),
]
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def tag_names(article):
    """The tags a version of `article` records: those about to be saved, or its own."""
    pending = getattr(article, "pending_tags", None)
    if pending is not None:
        return sorted(pending)
    return sorted(article.tags.names()) if article.pk else []


@receiver(pre_create_historical_record, dispatch_uid="version_tag_names")
def record_tag_names(sender, instance, history_instance, **kwargs):
    if isinstance(instance, Article):
        history_instance.tag_names = tag_names(instance)


def record_retag(article):
    """Keep a version when the tags changed without a save that recorded them."""
    latest = article.history.order_by("-history_date", "-history_id").first()
    if latest is None or latest.tag_names != tag_names(article):
        VERSIONS.create_historical_record(article, "~")


@dataclass
class FieldChange:
    label: str
    old: str  # HTML
    new: str  # HTML
    changed: bool


def _value(version, name):
    if name == "category":
        category = Category.objects.filter(pk=version.category_id).first()
        return category.name if category else _("(deleted category #%s)") % version.category_id
    if name == "tags":
        return "、".join(version.tag_names)
    if name == "status":
        return str(Article.Status(version.status).label)
    if name == "published_at":
        return f"{timezone.localtime(version.published_at):%Y-%m-%d %H:%M}"
    return getattr(version, name) or ""


def _characters(old, new):
    """Two paragraphs with what changed marked, character by character."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    before, after = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            before.append(escape(old[a1:a2]))
            after.append(escape(new[b1:b2]))
            continue
        if a2 > a1:
            before.append(format_html("<del>{}</del>", old[a1:a2]))
        if b2 > b1:
            after.append(format_html("<ins>{}</ins>", new[b1:b2]))
    return "".join(before), "".join(after)


def compare_text(old, new):
    """Compare by paragraph, then by character inside a changed paragraph.

    Returns the two texts as HTML, paragraph by paragraph, with what went <del>eted
    and what was <ins>erted marked; each paragraph is a <p>.
    """
    old_paragraphs = [p for p in _PARAGRAPH_BREAK.split(old.strip()) if p] if old else []
    new_paragraphs = [p for p in _PARAGRAPH_BREAK.split(new.strip()) if p] if new else []
    matcher = difflib.SequenceMatcher(None, old_paragraphs, new_paragraphs, autojunk=False)
    before, after = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        olds, news = old_paragraphs[a1:a2], new_paragraphs[b1:b2]
        if op == "equal":
            before += [escape(p) for p in olds]
            after += [escape(p) for p in news]
            continue
        # Paragraphs replaced one for one are compared character by character;
        # the rest were deleted or inserted whole.
        for index in range(max(len(olds), len(news))):
            if index < len(olds) and index < len(news):
                marked_old, marked_new = _characters(olds[index], news[index])
                before.append(marked_old)
                after.append(marked_new)
            elif index < len(olds):
                before.append(format_html("<del>{}</del>", olds[index]))
            else:
                after.append(format_html("<ins>{}</ins>", news[index]))

    def html(paragraphs):
        return mark_safe("".join(f'<p class="diff-paragraph">{p}</p>' for p in paragraphs))  # noqa: S308  # nosec B308 B703 (every piece escaped above)

    return html(before), html(after)


def compare(old, new):
    """The fields of two versions of one article, each with its two sides as HTML."""
    changes = []
    for name, label in COMPARED:
        old_value, new_value = str(_value(old, name)), str(_value(new, name))
        if name in {"body", "summary", "title"}:
            old_html, new_html = compare_text(old_value, new_value)
        else:
            old_html, new_html = escape(old_value), escape(new_value)
            if old_value != new_value:
                old_html = format_html("<del>{}</del>", old_value) if old_value else ""
                new_html = format_html("<ins>{}</ins>", new_value) if new_value else ""
        changes.append(FieldChange(str(label), old_html, new_html, old_value != new_value))
    return changes


@dataclass
class Reverted:
    article: Article
    missing: list = field(default_factory=list)  # what could not be restored, for the editor


@transaction.atomic
def revert(article, version, *, user):
    """Make `article` what `version` says, as a new version; say what could not be restored.

    The save and the tags go through the article's usual signals, so the search index,
    the related lists and the stored pages follow at once. A category or tags deleted
    since are not made again: the article keeps its current category, the tags that
    still exist are set, and the others are named in `missing`.
    """
    result = Reverted(article)
    for name in ["title", "slug", "summary", "body", "status", "published_at"]:
        setattr(article, name, getattr(version, name))
    if Category.objects.filter(pk=version.category_id).exists():
        article.category_id = version.category_id
    else:
        result.missing.append(
            _("its category (deleted since); it stays in “%(category)s”")
            % {"category": article.category.name}
        )
    existing = set(Tag.objects.filter(name__in=version.tag_names).values_list("name", flat=True))
    gone = [name for name in version.tag_names if name not in existing]
    if gone:
        result.missing.append(_("the tags %(tags)s (deleted since)") % {"tags": "、".join(gone)})
    if Article.objects.exclude(pk=article.pk).filter(slug=version.slug).exists():
        article.slug = Article.objects.get(pk=article.pk).slug
        result.missing.append(_("its address (another article has it now)"))
    tags = sorted(existing)
    article.pending_tags = tags
    article._history_user = user
    article._change_reason = _("Reverted to the version of %(date)s") % {
        "date": f"{timezone.localtime(version.history_date):%Y-%m-%d %H:%M}"
    }
    article.save()
    article.tags.set(tags)
    return result
