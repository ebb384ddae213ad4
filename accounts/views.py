"""Accounts: sign-up, login, and the reader's own account at /accounts/.

Password reset and change are Django's own views (signed one-time links that
expire, PASSWORD_RESET_TIMEOUT), with the site's templates and limits.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import emails
from accounts.deletion import delete_account
from accounts.exporting import as_json, export
from accounts.forms import DeleteAccountForm, EmailChangeForm, PasswordChangeForm
from caching import ratelimit
from community import members
from community.forms import SignupForm
from community.models import Experience
from community.views import TOO_MANY, rate_limited, too_many

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    """Django's login, throttled against password guessing."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not ratelimit.allow_login_attempt(request):
            return rate_limited(request, back_url=request.path)
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self):
        """The `next` address, unless it is this login page (then LOGIN_REDIRECT_URL)."""
        url = super().get_redirect_url()
        return "" if urlsplit(url).path == self.request.path else url


def signup(request):
    """Create a contributor account and sign it in."""
    if request.user.is_authenticated:
        return redirect("community:mine")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        address = ratelimit.client_address(request)
        if not ratelimit.allow("signup-attempt", address):
            # Filled again but not checked: its errors would say whether a name is taken.
            filled = {name: request.POST.get(name, "") for name in ("username", "email")}
            context = {
                "form": SignupForm(initial=filled),
                "notice": _("Too many submissions in the last hour. Please try again later."),
            }
            return render(request, "registration/signup.html", context, status=TOO_MANY)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow("signup", address):
            return too_many(request, "registration/signup.html", {"form": form})
        user = form.save()
        login(request, user)
        _send_confirmation(request, user.email)
        messages.success(
            request,
            _("Welcome! You can now share your experience. We sent a link to confirm %(email)s.")
            % {"email": user.email},
        )
        return redirect("community:new")
    return render(request, "registration/signup.html", {"form": form})


@never_cache  # every account page is the reader's own: private, never stored
@login_required
def account(request):
    """The account page: the e-mail address, the password, the reader's posts and data."""
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow("account-email", request.user.pk):
            form.add_error(None, _("Too many e-mails in the last hour. Please try again later."))
            return _account_page(request, form, status=TOO_MANY)
        _send_confirmation(request, form.cleaned_data["email"])
        messages.success(
            request,
            _("We sent a link to %(email)s. Your address changes when you open it.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("accounts:account")
    return _account_page(request, form)


def _account_page(request, form, status=200):
    counts = dict(
        Experience.objects.filter(author=request.user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    posts = [(label, counts.get(value, 0)) for value, label in Experience.Status.choices]
    context = {
        "form": form,
        "member": members.member(request.user),
        "posts": posts,
        "staff": request.user.is_staff,
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_POST
def send_confirmation(request):
    """Send the confirmation link for the account's current address again."""
    if not ratelimit.allow("account-email", request.user.pk):
        messages.error(request, _("Too many e-mails in the last hour. Please try again later."))
    else:
        _send_confirmation(request, request.user.email)
        messages.success(
            request, _("We sent a new link to %(email)s.") % {"email": request.user.email}
        )
    return redirect("accounts:account")


def _send_confirmation(request, email):
    token = members.confirmation_token(request.user, email)
    link = request.build_absolute_uri(reverse("accounts:confirm", args=[token]))
    emails.send(
        "confirm",
        email,
        {"user": request.user, "link": link, "change": email != request.user.email},
        request=request,
    )


def confirm(request, token):
    """Open a confirmation link: the address becomes the account's, confirmed."""
    try:
        user = members.confirm(token)
    except members.LinkExpired:
        return _link_problem(request, _("This link has expired or was used already."))
    except members.LinkInvalid:
        problem = _("This link is not valid. Copy the whole link from the e-mail.")
        return _link_problem(request, problem)
    if request.user.is_authenticated and request.user.pk == user.pk:
        confirmed = _("Your e-mail address %(email)s is confirmed.") % {"email": user.email}
        messages.success(request, confirmed)
        return redirect("accounts:account")
    return render(request, "accounts/confirmed.html", {"email": user.email})


def _link_problem(request, problem):
    return render(request, "accounts/link_problem.html", {"problem": problem}, status=400)


@never_cache
@login_required
def delete(request):
    """Delete the account, after the password and the reader's choice for their posts."""
    if request.user.is_staff:
        # The admin history names staff: their accounts are closed by an administrator.
        return render(request, "accounts/delete_staff.html", status=403)
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["approved_posts"] == DeleteAccountForm.KEEP
        name = request.user.get_username()
        email = delete_account(request, keep_published_posts=keep)
        if email:
            emails.send("deleted", email, {"name": name, "kept": keep}, request=request)
        messages.success(request, _("Your account is deleted. Thank you for being here."))
        return redirect("home")
    published = Experience.objects.filter(author=request.user).approved().count()
    return render(request, "accounts/delete.html", {"form": form, "published": published})


@never_cache
@login_required
def download(request):
    """Download my data (PIPL art. 45): a JSON file of everything the site holds about me."""
    data = as_json(export(request))
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    name = f"account-{request.user.get_username()}.json"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(self, *args, **kwargs):
        """Send the link; a mail server that is down gets the same answer as any request."""
        try:
            super().send_mail(*args, **kwargs)
        except Exception:
            logger.exception("could not send a password reset e-mail")


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link: the same answer whether or not the address has an account."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")
    extra_email_context = {"site_name": settings.SITE_NAME}

    def form_valid(self, form):
        email = form.cleaned_data["email"].casefold()
        if not (
            ratelimit.allow("password-reset", ratelimit.client_address(self.request))
            and ratelimit.allow("password-reset-email", email)
        ):
            form.add_error(None, _("Too many requests in the last hour. Please try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=TOO_MANY)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
