from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.core.validators import slug_unicode_re
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Article
from community import members
from community.masking import mask_personal_data
from community.models import MAX_TAGS, Experience, Report, WatchedWord

MAX_TAG_LENGTH = 20


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug that refuses anything not shaped like a slug before querying."""

    def to_python(self, value):
        if value not in self.empty_values and not slug_unicode_re.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ExperienceForm(forms.ModelForm):
    # The related article comes from the article page's "share" link, by slug,
    # so the form never lists every article.
    article = SlugChoiceField(
        queryset=Article.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Experience
        fields = ["title", "body", "tags", "article"]
        labels = {"title": _("Title"), "body": _("What happened"), "tags": _("Tags")}
        help_texts = {
            "title": _("5 to 80 characters."),
            "body": _(
                "20 to 5,000 characters. Phone, ID and bank card numbers, e-mail addresses "
                "and WeChat and QQ IDs are masked automatically; please leave out names and "
                "addresses too."
            ),
            "tags": _("Up to 5, separated by commas, e.g. 网贷, 爆通讯录."),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.published()
        self.fields["tags"].required = False
        if self.instance.article_id:
            self.initial["article"] = self.instance.article.slug

    def clean_tags(self):
        tags = self.cleaned_data.get("tags") or []
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(
                ngettext("Use at most %(max)d tag.", "Use at most %(max)d tags.", MAX_TAGS)
                % {"max": MAX_TAGS}
            )
        if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            raise forms.ValidationError(
                _("Each tag can have at most %(max)d characters.") % {"max": MAX_TAG_LENGTH}
            )
        # Tags are shown as they are (tag pages, links), so they must hold no personal data.
        if any(mask_personal_data(tag).count for tag in tags):
            raise forms.ValidationError(
                _("Tags cannot contain phone, ID or bank card numbers or e-mail addresses.")
            )
        return tags

    def clean(self):
        """Apply the watched words to the title and body as they will be stored (masked).

        A block rule refuses the post, naming its category but never the rule; replace
        rules blank out what they match; flag rules mark the post for the moderators.
        """
        cleaned = super().clean()
        title, body = cleaned.get("title"), cleaned.get("body")
        if title is None or body is None:
            return cleaned
        title, body = mask_personal_data(title), mask_personal_data(body)
        screening = WatchedWord.objects.ruleset().screen([title.text, body.text])
        if screening.blocked:
            category = WatchedWord.Category(screening.blocked[0]).label
            raise ValidationError(
                _(
                    "This post contains wording that is not allowed here (%(category)s). "
                    "Please remove it and submit again."
                )
                % {"category": category},
                code="watched_word",
            )
        cleaned["title"], cleaned["body"] = screening.texts
        experience = self.instance
        # The text is stored masked already, so the model counts nothing more: count here.
        experience.masked_items += title.count + body.count
        experience.watched_categories = ",".join(screening.flagged)
        experience.watched_spans = {
            name: [[span.start, span.end, span.category] for span in spans]
            for name, spans in zip(["title", "body"], screening.flag_spans, strict=True)
            if spans
        }
        return cleaned


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_(
            "We send a link to confirm it, and use it only for the moderators' decisions on "
            "your posts and for your account."
        ),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_username(self):
        username = super().clean_username()  # None when it is taken, whatever its case
        if username and members.look_alike_taken(username):
            raise ValidationError(
                _("This name looks too much like an existing one. Please choose another."),
                code="look_alike",
            )
        return username
