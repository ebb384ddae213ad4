from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import ItemBase

from articles.models import Tag
from caching.canonical import path_to
from caching.models import TracksChanges
from community import watching
from community.masking import mask_personal_data

TITLE_LENGTH = (5, 80)
BODY_LENGTH = (20, 5000)
MAX_TAGS = 5
# The author of a post kept after its author deleted their account.
DELETED_AUTHOR = _("Deleted user")


class ExperienceQuerySet(models.QuerySet):
    def approved(self):
        """Return the experiences the public may read."""
        return self.filter(status=Experience.Status.APPROVED)

    def visible_to(self, user):
        """Return what `user` may open: approved posts, plus their own in any state."""
        if user.is_authenticated:
            return self.filter(models.Q(status=Experience.Status.APPROVED) | models.Q(author=user))
        return self.approved()

    def editable_by(self, user):
        """Return the posts `user` may edit: their own, after a rejection."""
        return self.filter(author=user, status=Experience.Status.REJECTED)

    def for_listing(self):
        """Load what an experience card shows, in a fixed number of queries."""
        return self.select_related("author", "article").prefetch_related("tags")


class TaggedExperience(ItemBase):
    """An experience's tag; tags are shared with articles."""

    tag = models.ForeignKey(
        "articles.Tag", on_delete=models.CASCADE, related_name="tagged_experiences"
    )
    content_object = models.ForeignKey(
        "Experience", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        unique_together = [("content_object", "tag")]
        verbose_name = _("experience tag")
        verbose_name_plural = _("experience tags")


class Experience(TracksChanges, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # Empty once the author deleted their account and chose to leave the post up
    # (accounts/deletion.py): shown as DELETED_AUTHOR, linked to no account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="experiences",
        verbose_name=_("author"),
    )
    title = models.CharField(
        _("title"), max_length=TITLE_LENGTH[1], validators=[MinLengthValidator(TITLE_LENGTH[0])]
    )
    body = models.TextField(
        _("body"),
        max_length=BODY_LENGTH[1],
        validators=[MinLengthValidator(BODY_LENGTH[0])],
        help_text=_("Plain text. Personal data was masked when the post was stored."),
    )
    tags = TaggableManager(verbose_name=_("tags"), through=TaggedExperience, blank=True)
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experiences",
        verbose_name=_("related article"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        help_text=_("Only approved posts are public."),
    )
    masked_items = models.PositiveSmallIntegerField(
        _("masked items"),
        default=0,
        editable=False,
        help_text=_("Phone, ID, card numbers and e-mail addresses masked in this post."),
    )
    watched_categories = models.CharField(
        _("watched words"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("Categories of the flag rules the post matched, comma-separated."),
    )
    # Where those rules matched: {"title": [[start, end, category], …], "body": […]}.
    watched_spans = models.JSONField(_("watched-word matches"), default=dict, editable=False)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    approval_note = models.CharField(
        _("approval note"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("Why the system approved the post without a moderator (trusted author)."),
    )
    rejection_reason = models.TextField(
        _("rejection reason"),
        blank=True,
        max_length=500,
        help_text=_("Shown to the author. Say what to change so the post can be approved."),
    )

    objects = ExperienceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("experience")
        verbose_name_plural = _("experiences")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Whatever way a post comes in (the site, the admin, the demo seed), its
        # personal data is masked before it reaches the database.
        title = mask_personal_data(self.title)
        body = mask_personal_data(self.body)
        self.title, self.body = title.text, body.text
        self.masked_items += title.count + body.count
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_to("community:detail", "pk", self.pk)

    def clean(self):
        # Masking can lengthen text (a@b.cn becomes a***@b.cn): check the stored form.
        for name, limit in (("title", TITLE_LENGTH[1]), ("body", BODY_LENGTH[1])):
            if len(mask_personal_data(getattr(self, name) or "").text) > limit:
                message = _(
                    "With personal data masked this is longer than %(limit)d characters. "
                    "Please shorten it."
                )
                raise ValidationError({name: message % {"limit": limit}})

    @property
    def author_name(self):
        """Return the name shown as the author: theirs, or 已注销用户 once they left."""
        return self.author.get_username() if self.author_id else DELETED_AUTHOR

    def is_public(self):
        """Say whether the public may read this post (mirrors `approved()`)."""
        return self.status == self.Status.APPROVED

    is_public.boolean = True
    is_public.short_description = _("public")

    def can_be_reported_by(self, user):
        """Say whether `user` may report this post: public, someone else's, not yet reported."""
        return (
            self.is_public()
            and user.is_authenticated
            and user.pk != self.author_id
            and not self.reports.filter(reporter=user).exists()
        )


def public_tags():
    """Return the tags with a public page: on a public article or an approved experience."""
    on_approved = TaggedExperience.objects.filter(
        tag=OuterRef("pk"), content_object__in=Experience.objects.approved()
    )
    # A tag only on posts still in moderation gets no page.
    return Tag.objects.on_public_articles() | Tag.objects.filter(Exists(on_approved))


class Report(models.Model):
    class Reason(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("Exposes someone's personal data")
        ABUSE = "abuse", _("Insults, threats or harassment")
        ADVERTISING = "advertising", _("Advertising or touting services")
        FRAUD = "fraud", _("Fraud or illegal lending")
        FALSE = "false", _("Clearly false or misleading")
        OTHER = "other", _("Something else against the rules")

    experience = models.ForeignKey(
        Experience, on_delete=models.CASCADE, related_name="reports", verbose_name=_("experience")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("reporter"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["experience", "reporter"], name="one_report_per_reader")
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.experience} — {self.get_reason_display()}"


class Member(models.Model):
    """What the community keeps of an account besides Django's user.

    `confirmed_email` is the address the member last confirmed by following a
    link sent to it: the account's e-mail is confirmed while the two are the
    same. `name_key` is the username as readers could mistake it
    (community/members.py): no two accounts share one.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="member",
        verbose_name=_("user"),
    )
    confirmed_email = models.EmailField(_("confirmed e-mail"), blank=True)
    trust_revoked = models.BooleanField(
        _("trust revoked"),
        default=False,
        help_text=_("A moderator took away this member's trusted-author standing."),
    )
    name_key = models.CharField(_("look-alike key"), max_length=150, db_index=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return str(self.user)

    @property
    def email_confirmed(self):
        email = self.user.email
        return bool(email) and email.casefold() == self.confirmed_email.casefold()


class ModerationDigest(models.Model):
    """An e-mail that told the Moderators the queue was waiting (community/digests.py)."""

    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    pending = models.PositiveIntegerField(_("pending posts"))
    oldest_since = models.DateTimeField(_("oldest waiting since"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("moderation digest")
        verbose_name_plural = _("moderation digests")

    def __str__(self):
        return f"{self.sent_at:%Y-%m-%d %H:%M}"


class SavedReason(models.Model):
    """A rejection reason moderators pick instead of typing it again."""

    label = models.CharField(
        _("label"),
        max_length=40,
        unique=True,
        help_text=_("Shown in the list moderators pick from."),
    )
    text = models.TextField(
        _("text shown to the author"),
        max_length=500,
        help_text=_("Say what breaks the rules and what to change so the post can be approved."),
    )

    class Meta:
        ordering = ["label"]
        verbose_name = _("saved rejection reason")
        verbose_name_plural = _("saved rejection reasons")

    def __str__(self):
        return self.label


class Claim(models.Model):
    """A moderator reviewing a pending post: others are told, for CLAIM_MINUTES."""

    experience = models.OneToOneField(
        Experience, on_delete=models.CASCADE, related_name="claim", verbose_name=_("experience")
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("moderator"),
    )
    expires_at = models.DateTimeField(_("claimed until"))

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self):
        return f"{self.experience_id} → {self.moderator}"


class WatchedWordQuerySet(models.QuerySet):
    def ruleset(self):
        """Compile these rules for checking posts (community/watching.py)."""
        return watching.Ruleset.from_words(self)


class WatchedWord(models.Model):
    """A word, phrase or regular expression that blocks, flags or blanks out wording in
    new and resubmitted posts (community/watching.py says how text is matched)."""

    class Category(models.TextChoices):
        SCAM = "scam", _("scam advertising")
        CONTACT = "contact", _("contact touting")
        ABUSE = "abuse", _("abuse")
        OTHER = "other", _("other")

    class Action(models.TextChoices):
        BLOCK = "block", _("Block: refuse the post")
        FLAG = "flag", _("Flag: send the post to the queue, marked")
        REPLACE = "replace", _("Replace: store the post with the match as ■")

    pattern = models.CharField(
        _("word, phrase or expression"),
        max_length=200,
        help_text=_(
            "Matched without regard to case, full-width or half-width forms, traditional or "
            "simplified characters, spaces, punctuation and symbols: 征信修复 also catches "
            "征 信 修 复 and 徵信修復."
        ),
    )
    is_regex = models.BooleanField(
        _("regular expression"),
        default=False,
        help_text=_(
            "Written for the text as rules read it: lower case, half-width, simplified, "
            "without spaces or punctuation. Repetitions must be bounded, e.g. .{0,20}."
        ),
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WatchedWordQuerySet.as_manager()

    class Meta:
        ordering = ["category", "pattern"]
        constraints = [
            models.UniqueConstraint(fields=["pattern", "is_regex"], name="one_rule_per_pattern")
        ]
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")

    def __str__(self):
        return self.pattern

    def clean(self):
        try:
            watching.compile_rule(self.pattern or "", self.is_regex)
        except watching.UnsafeRule as error:
            raise ValidationError({"pattern": str(error)}) from None
