"""Two-factor sign-in for staff: a TOTP authenticator app, and recovery codes (django-otp).

Editors, moderators and superusers sign in to the admin with their password
and a code (portal/admin.py). The first time, the admin sends them here: they
scan a QR code, type the code their app shows, and get ten recovery codes,
shown once. Doing it again replaces the app and the codes.
"""

from base64 import b32encode

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

RECOVERY_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The 6-digit code your app shows"),
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@never_cache  # the secret and the recovery codes are for this browser only
@login_required
def enrol(request):
    """Set up (or replace) the staff member's authenticator app."""
    if not request.user.is_staff:
        raise Http404
    if user_has_device(request.user) and not request.user.is_verified():
        # Replacing the app needs the app (or a recovery code): a password alone must not
        # let anyone put their own authenticator in place of the staff member's.
        login = reverse("admin:login")
        return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=_("Authenticator app"), confirmed=False
        )
    elif request.method == "GET":
        # A new secret each time the page is shown: one seen earlier, by anyone, is dead.
        device.key = default_key()
        device.save(update_fields=["key"])
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            codes = _confirm(device)
            otp_login(request, device)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error(
            "code",
            _("That code is not right. Check your phone's clock and type the code shown now."),
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr": qr.svg_inline(scale=4, light="white", title=_("QR code for your authenticator app")),
        "secret": b32encode(device.bin_key).decode(),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor.html", context)


@transaction.atomic
def _confirm(device):
    """Make `device` the user's only app, and give them new recovery codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name=_("Recovery codes"))
    codes = [StaticToken.random_token() for _number in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def _next(request):
    target = request.GET.get("next") or request.POST.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return "/admin/"
    return target
