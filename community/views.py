from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import slug_unicode_re
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from articles.models import Article
from articles.views import marked_helpful
from caching import ratelimit
from caching.canonical import object_id
from caching.dependencies import depends_on
from community import keys, moderation
from community.forms import ExperienceForm, ReportForm
from community.models import Experience, public_tags

TOO_MANY = 429


class ExperienceListView(ListView):
    """Approved experiences, newest first, optionally for one tag."""

    paginate_by = 20
    template_name = "community/experience_list.html"

    def get(self, request, *args, **kwargs):
        slug = request.GET.get("tag")
        if slug and not slug_unicode_re.match(slug):
            raise Http404
        self.tag = get_object_or_404(public_tags(), slug=slug) if slug else None
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        experiences = Experience.objects.approved().for_listing()
        if self.tag:
            experiences = experiences.filter(tags=self.tag)
        return experiences

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        shown = context["page_obj"]
        depends_on(keys.PUBLIC_EXPERIENCES, *shown, *(experience.author for experience in shown))
        if self.tag:
            depends_on(self.tag, keys.tagged_experiences(self.tag.pk))
        return context


class ExperienceDetailView(DetailView):
    """An experience: public once approved; its author also sees it before that."""

    template_name = "community/experience_detail.html"

    def get_queryset(self):
        return Experience.objects.visible_to(self.request.user).for_listing()

    def get_context_data(self, **kwargs):
        experience = self.object
        depends_on(experience, experience.author, *experience.tags.all())
        if experience.article_id:
            depends_on(experience.article)
        user = self.request.user
        # The shared page carries the form for the script to show to readers who
        # may report; a page rendered for a signed-in reader shows it only if they may.
        can_report = experience.can_be_reported_by(user) if user.is_authenticated else None
        return super().get_context_data(report_form=ReportForm(), can_report=can_report, **kwargs)


@login_required
def new_experience(request):
    """Post an experience; it waits for a moderator."""
    form = ExperienceForm(request.POST or None, initial={"article": request.GET.get("article")})
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow("experience", request.user.pk):
            return too_many(request, "community/experience_form.html", {"form": form})
        experience = form.save(commit=False)
        experience.author = request.user
        with transaction.atomic():  # the post, its tags and its index entry, or nothing
            experience.save()
            form.save_m2m()
            moderation.approve_if_trusted(experience)
        return redirect("community:submitted", pk=experience.pk)
    context = {"form": form, "related_article": _related_article(form)}
    return render(request, "community/experience_form.html", context)


@login_required
def edit_experience(request, pk):
    """Let the author correct a rejected post and send it back for review."""
    experience = get_object_or_404(Experience.objects.editable_by(request.user), pk=pk)
    form = ExperienceForm(request.POST or None, instance=experience)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow("experience", request.user.pk):
            return too_many(
                request, "community/experience_form.html", {"form": form, "editing": experience}
            )
        experience = form.save(commit=False)
        experience.status = Experience.Status.PENDING
        experience.approval_note = ""
        with transaction.atomic():  # a rejected post always goes back to a moderator
            experience.save()
            form.save_m2m()
        return redirect("community:submitted", pk=experience.pk)
    return render(request, "community/experience_form.html", {"form": form, "editing": experience})


@login_required
def submitted(request, pk):
    """Tell the author their post waits for review, and what was masked."""
    experience = get_object_or_404(Experience, pk=pk, author=request.user)
    return render(request, "community/experience_submitted.html", {"experience": experience})


@login_required
def my_experiences(request):
    """The author's own posts with their status and any rejection reason."""
    experiences = request.user.experiences.select_related("article").order_by("-created_at")
    return render(request, "community/experience_mine.html", {"experiences": experiences})


@login_required
def report_experience(request, pk):
    """Record a reader's report on an approved post; without a post, show the form."""
    experience = get_object_or_404(Experience.objects.approved(), pk=pk)
    if request.method != "POST":
        context = {"experience": experience, "report_form": ReportForm()}
        context["can_report"] = experience.can_be_reported_by(request.user)
        return render(request, "community/report_form.html", context)
    form = ReportForm(request.POST)
    if experience.author == request.user:
        messages.error(request, _("You cannot report your own post."))
    elif not form.is_valid():
        messages.error(request, _("Choose one of the reasons to report this post."))
    elif not ratelimit.allow("report", request.user.pk):
        return rate_limited(request, back_url=experience.get_absolute_url())
    else:
        try:
            hidden = moderation.report(
                experience, reporter=request.user, reason=form.cleaned_data["reason"]
            )
        except moderation.AlreadyReported:
            messages.info(request, _("You have already reported this post."))
        else:
            messages.success(request, _("Thank you. A moderator will look at this post."))
            if hidden:
                return redirect("community:list")
    return redirect(experience)


def rate_limited(request, *, back_url):
    """The page shown, with HTTP 429, when a limit is used up."""
    return render(request, "community/rate_limited.html", {"back_url": back_url}, status=TOO_MANY)


def _related_article(form):
    slug = str(form["article"].value() or "")
    if not slug_unicode_re.match(slug):
        return None
    return Article.objects.published().filter(slug=slug).first()


def too_many(request, template, context):
    form = context["form"]
    form.add_error(None, _("Too many submissions in the last hour. Please try again later."))
    return render(request, template, context, status=TOO_MANY)


def reader_state(request):
    """Say what the shared page shows differently to this browser's reader, as JSON.

    Pages are the same for every reader, signed in or not; static/js/reader.js
    asks here, uncached, for the rest: the account menu, whether the article
    is already marked helpful, the reader's own post about it still waiting
    for a moderator, and whether they may report the experience shown.
    """
    user = request.user
    state = {"signed_in": user.is_authenticated}
    article_id = object_id(request.GET.get("article"))
    experience_id = object_id(request.GET.get("experience"))
    if article_id:
        state["helpful"] = article_id in marked_helpful(request)
    if user.is_authenticated and article_id:
        pending = (
            user.experiences.filter(article_id=article_id, status=Experience.Status.PENDING)
            .order_by("-created_at")
            .values_list("pk", "title")
            .first()
        )
        if pending:
            pk, title = pending
            state["pending"] = {"title": title, "url": reverse("community:detail", args=[pk])}
    if user.is_authenticated and experience_id:
        experience = Experience.objects.approved().filter(pk=experience_id).first()
        state["can_report"] = bool(experience and experience.can_be_reported_by(user))
    return JsonResponse(state)
