from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
