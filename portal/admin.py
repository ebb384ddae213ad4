from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device

from caching import ratelimit
from community.views import rate_limited


class StaffLoginForm(AdminAuthenticationForm):
    """The admin login: password, then a code from the staff member's authenticator app."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        required=False,
        help_text=_("Leave it empty the first time: you will set up the app next."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean(self):
        cleaned = super().clean()  # the password, and that the account is staff
        user = self.get_user()
        if user is not None and user_has_device(user):
            token = "".join(cleaned.get("otp_token", "").split())
            device = match_token(user, token) if token else None
            if device is None:
                raise ValidationError(
                    _("Enter the current code from your authenticator app, or a recovery code."),
                    code="otp",
                )
            user.otp_device = device  # django.contrib.auth.login() records it in the session
        return cleaned


class PortalAdminSite(admin.AdminSite):
    site_header = _("Portal administration")
    site_title = _("Portal administration")
    login_form = StaffLoginForm
    login_template = "admin/portal_login.html"

    def has_permission(self, request):
        """Staff, signed in with their second factor (accounts/two_factor.py)."""
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        # The admin login is the most valuable one to guess: same throttle as the site's.
        if request.method == "POST" and not ratelimit.allow_login_attempt(request):
            return rate_limited(request, back_url=request.get_full_path())
        user = request.user
        if (
            request.method == "GET"
            and user.is_active
            and user.is_staff
            and not user.is_verified()
            and not user_has_device(user)
        ):
            # Signed in with the password alone, and no app yet: set one up first.
            target = request.GET.get("next", reverse("admin:index"))
            return redirect(f"{reverse('accounts:two-factor')}?{urlencode({'next': target})}")
        return super().login(request, extra_context)
