from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from caching import ratelimit


def check_allowed(user):
    """Count one check of `user`'s password; refuse once their hourly allowance is used.

    The same count as the login throttle's per-name one ("login-user"): a session
    that is not its owner's cannot guess the password through these forms either.
    """
    if not ratelimit.allow("login-user", ratelimit.login_name(user.get_username())):
        raise ValidationError(
            _("Too many password attempts in the last hour. Please try again later."),
            code="too_many",
        )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def clean_old_password(self):
        check_allowed(self.user)
        return super().clean_old_password()


class PasswordCheckMixin:
    """A form that asks for the account's current password before it acts."""

    password_label = _("Current password")

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password"] = forms.CharField(
            label=self.password_label,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        )

    def clean_password(self):
        password = self.cleaned_data["password"]
        check_allowed(self.user)
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your current password."), code="wrong_password")
        return password


class EmailChangeForm(PasswordCheckMixin, forms.Form):
    email = forms.EmailField(label=_("New e-mail address"))

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.casefold() == self.user.email.casefold():
            raise ValidationError(_("That is already your address."), code="same")
        # Whether another account uses the address is not said: the form would tell
        # anyone signed in which addresses have accounts here.
        return email


class DeleteAccountForm(PasswordCheckMixin, forms.Form):
    KEEP, DELETE = "keep", "delete"
    approved_posts = forms.ChoiceField(
        label=_("Your published posts"),
        choices=[
            (DELETE, _("Delete them with my account")),
            (KEEP, _("Keep them on the site, signed “Deleted user” and linked to no account")),
        ],
        widget=forms.RadioSelect,
    )
    password_label = _("Your password, to confirm")
