from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    IntegerField,
    Value,
    When,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import charts
from community import dashboard, moderation, watching
from community.models import Experience, Member, Report, SavedReason, WatchedWord
from community.queue import (
    EXCERPT_LENGTH,
    LINE_BREAK,
    LINK,
    NEW_ACCOUNT,
    QueueChangeList,
    RejectionForm,
    SignalFilter,
    SingleRejectionForm,
    WatchedCategoryFilter,
    mark_spans,
)


class WatchedWordForm(forms.ModelForm):
    confirm = forms.BooleanField(
        label=_("Save it anyway"),
        required=False,
        help_text=_("Needed only when the rule matches posts moderators already approved."),
    )

    class Meta:
        model = WatchedWord
        fields = ["pattern", "is_regex", "category", "action"]

    def clean(self):
        """Refuse an unsafe rule; ask before saving one that matches approved posts."""
        cleaned = super().clean()
        self.matched = 0
        if "pattern" not in cleaned:
            return cleaned
        try:
            matcher = watching.compile_rule(cleaned["pattern"], cleaned.get("is_regex"))
        except watching.UnsafeRule as error:
            self.add_error("pattern", str(error))
            return cleaned
        rule = watching.Rule(cleaned.get("category"), cleaned.get("action"), matcher)
        recent = Experience.objects.approved().order_by("-moderated_at", "-pk")[:RECENT_APPROVED]
        posts = list(recent.values_list("title", "body"))
        self.matched = sum(1 for post in posts if watching.matching_count(rule, post))
        if self.matched and not cleaned.get("confirm"):
            raise forms.ValidationError(
                ngettext(
                    "This rule matches %(count)d of the last %(total)d approved posts. "
                    "Narrow it, or tick “Save it anyway”.",
                    "This rule matches %(count)d of the last %(total)d approved posts. "
                    "Narrow it, or tick “Save it anyway”.",
                    self.matched,
                )
                % {"count": self.matched, "total": len(posts)},
                code="matches_approved",
            )
        return cleaned


RECENT_APPROVED = 100


@admin.register(WatchedWord)
class WatchedWordAdmin(admin.ModelAdmin):
    form = WatchedWordForm
    list_display = ["pattern", "is_regex", "category", "action", "updated_at"]
    list_filter = ["category", "action", "is_regex"]
    search_fields = ["pattern"]
    fields = ["pattern", "is_regex", "category", "action", "confirm"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.matched:
            self.message_user(
                request,
                ngettext(
                    "Saved although it matches %d recently approved post.",
                    "Saved although it matches %d recently approved posts.",
                    form.matched,
                )
                % form.matched,
                messages.WARNING,
            )


@admin.register(SavedReason)
class SavedReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "text"]
    search_fields = ["label", "text"]


class ReportInline(admin.TabularInline):
    model = Report
    fields = ["reporter", "reason", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True
    verbose_name_plural = _("reports from readers")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Experience)
class ExperienceAdmin(admin.ModelAdmin):
    """The moderation queue: pending posts first, oldest first."""

    # What a decision needs first (the post, its signs, the buttons), then the rest:
    # on a laptop the row's buttons are in view without scrolling sideways.
    list_display = [
        "title",
        "excerpt",
        "signals",
        "decide",
        "author_column",
        "age",
        "report_count",
        "status",
    ]
    list_display_links = ["title"]
    list_filter = ["status", SignalFilter, WatchedCategoryFilter, "created_at", "moderated_at"]
    list_select_related = ["author", "claim__moderator"]
    list_per_page = 100
    # Counting every post twice for "5 of 10,000" costs more than the page itself.
    show_full_result_count = False
    search_fields = ["title", "body", "author__username"]
    actions = [
        "approve_selected",
        "reject_selected",
        "hide_selected",
        "revoke_trust",
        "restore_trust",
    ]
    inlines = [ReportInline]
    readonly_fields = [
        "public_article",
        "author",
        "status",
        "created_at",
        "masked_items",
        "watched_matches",
        "moderated_by",
        "moderated_at",
        "approval_note",
        "rejection_reason",
    ]
    fieldsets = [
        (None, {"fields": ["title", "body", "tags", "public_article"]}),
        (
            _("Moderation"),
            {
                "fields": [
                    "author",
                    "created_at",
                    "masked_items",
                    "watched_matches",
                    "status",
                    "moderated_by",
                    "moderated_at",
                    "approval_note",
                    "rejection_reason",
                ]
            },
        ),
    ]

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_ordering(self, request):
        # The queue: pending posts first, the longest-waiting at the top.
        pending_first = Case(
            When(status=Experience.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "created_at", "id"]

    def has_add_permission(self, request):
        # Posts come from readers through the site, never from the admin.
        return False

    @admin.display(description=_("article"))
    def public_article(self, obj):
        """The article the post is about, if the public may read it.

        Read-only: moderators judge what readers wrote, and may not see
        unpublished articles (an id field would print any article's title).
        """
        article = obj.article
        if article is None or not article.is_public():
            return "-"
        return format_html('<a href="{}">{}</a>', article.get_absolute_url(), article.title)

    @staticmethod
    def _reviewer(obj):
        """Who claimed the post and still holds the claim, if anyone."""
        claim = getattr(obj, "claim", None)
        if claim is None or claim.expires_at <= timezone.now():
            return None
        return claim.moderator.get_username()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening a pending post claims it; a claim by someone else is shown instead."""
        experience = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and experience is not None
            and experience.status == Experience.Status.PENDING
            and self.has_change_permission(request, experience)
        ):
            holder = moderation.claim(experience, moderator=request.user)
            if holder.moderator_id != request.user.pk:
                until = timezone.localtime(holder.expires_at)
                self.message_user(
                    request,
                    _("%(name)s is reviewing this post (until %(time)s).")
                    % {"name": holder.moderator.get_username(), "time": f"{until:%H:%M}"},
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    class Media:
        css = {"all": ["community/queue.css"]}
        js = ["community/queue.js"]

    @admin.display(description=_("beginning"))
    def excerpt(self, obj):
        """The first 200 characters, enough to decide most posts from the queue, with what
        watched words flagged marked."""
        return mark_spans(obj.body, obj.watched_spans.get("body", []), limit=EXCERPT_LENGTH)

    @admin.display(description=_("watched words"))
    def watched_matches(self, obj):
        """The categories flag rules found, and the title and body with the matches marked."""
        if not obj.watched_categories:
            return "-"
        return format_html(
            "<p>{}</p><p><strong>{}</strong></p><p>{}</p>",
            self._category_labels(obj),
            mark_spans(obj.title, obj.watched_spans.get("title", [])),
            mark_spans(obj.body, obj.watched_spans.get("body", [])),
        )

    @staticmethod
    def _category_labels(obj):
        codes = obj.watched_categories.split(",")
        return "、".join(
            str(WatchedWord.Category(code).label)
            for code in codes
            if code in WatchedWord.Category.values
        )

    @admin.display(description=_("decide"))
    def decide(self, obj):
        """Approve and Reject on the row of a pending post; they work without JavaScript."""
        if obj.status != Experience.Status.PENDING:
            return ""
        return format_html(
            '<button type="submit" class="button queue-approve" formaction="{}" '
            'formnovalidate data-key="a">{}</button> '
            '<button type="submit" class="button queue-reject" formaction="{}" '
            'formnovalidate data-key="r">{}</button>',
            reverse("admin:community_experience_approve", args=[obj.pk]),
            _("Approve"),
            reverse("admin:community_experience_reject", args=[obj.pk]),
            _("Reject…"),
        )

    @admin.display(description=_("signals"))
    def signals(self, obj):
        """The warning signs and the author's record, one line each."""
        lines = []
        reviewer = self._reviewer(obj)
        if reviewer:
            lines.append(_("being reviewed by %(name)s") % {"name": reviewer})
        if obj.author_id is not None:
            if obj.author.date_joined > timezone.now() - NEW_ACCOUNT:
                lines.append(_("new account"))
            if obj.author_posts == 1:
                lines.append(_("first post"))
        if LINK.search(obj.body):
            lines.append(_("has links"))
        if obj.watched_categories:
            lines.append(_("watched words: %s") % self._category_labels(obj))
        if obj.report_total:
            lines.append(ngettext("%d report", "%d reports", obj.report_total) % obj.report_total)
        if obj.masked_items:
            lines.append(
                ngettext("%d item masked", "%d items masked", obj.masked_items) % obj.masked_items
            )
        if obj.author_id is not None:
            lines.append(
                _("record: %(approved)s approved, %(rejected)s rejected")
                % {"approved": obj.author_approved, "rejected": obj.author_rejected}
            )
        return format_html_join(LINE_BREAK, "{}", ((line,) for line in lines))

    @admin.display(description=_("author"), ordering="author__username")
    def author_column(self, obj):
        if obj.author_id is None:
            return obj.author_name
        if obj.author_confirmed:
            return obj.author.get_username()
        return format_html(
            '{} <span class="unconfirmed">({})</span>',
            obj.author.get_username(),
            _("e-mail not confirmed"),
        )

    @admin.display(description=_("waiting"), ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at, timezone.now(), depth=1)

    @admin.display(description=_("reports"))
    def report_count(self, obj):
        return obj.report_total

    @admin.action(description=_("Approve the selected posts"), permissions=["change"])
    def approve_selected(self, request, queryset):
        posts = queryset.exclude(status=Experience.Status.APPROVED).select_related("author")
        count = self._decide_each(
            request,
            posts,
            lambda post: moderation.approve(post, moderator=request.user),
            _("Approved."),
        )
        self.message_user(
            request,
            ngettext("%d post approved.", "%d posts approved.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject the selected posts…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        form = RejectionForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["text"]
            count = self._decide_each(
                request,
                queryset.select_related("author"),
                lambda post: moderation.reject(post, moderator=request.user, reason=reason),
                _("Rejected: %s") % reason,
            )
            self.message_user(
                request,
                ngettext("%d post rejected.", "%d posts rejected.", count) % count,
                messages.SUCCESS,
            )
            return None
        # First visit, or no reason given: ask for the reason on an intermediate page.
        return TemplateResponse(
            request,
            "admin/community/experience/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject posts"),
                "opts": self.model._meta,
                "form": form,
                "posts": queryset,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description=_("Hide the selected posts (back to pending)"), permissions=["change"]
    )
    def hide_selected(self, request, queryset):
        count = self._decide_each(
            request,
            queryset.filter(status=Experience.Status.APPROVED),
            lambda post: moderation.hide(post, moderator=request.user),
            _("Hidden from the site."),
        )
        self.message_user(
            request,
            ngettext("%d post hidden.", "%d posts hidden.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Revoke the authors' trust (their posts wait for a moderator)"),
        permissions=["change"],
    )
    def revoke_trust(self, request, queryset):
        count = self._set_trust(queryset, revoked=True)
        self.message_user(
            request,
            ngettext(
                "%d author's new posts will wait for a moderator.",
                "%d authors' new posts will wait for a moderator.",
                count,
            )
            % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Restore the authors' trust"), permissions=["change"])
    def restore_trust(self, request, queryset):
        count = self._set_trust(queryset, revoked=False)
        self.message_user(
            request,
            ngettext("%d author may be trusted again.", "%d authors may be trusted again.", count)
            % count,
            messages.SUCCESS,
        )

    def _set_trust(self, queryset, *, revoked):
        authors = set(queryset.exclude(author=None).values_list("author", flat=True))
        return Member.objects.filter(user__in=authors).update(trust_revoked=revoked)

    def _decide_each(self, request, posts, decide, log_message):
        """Apply `decide` to each post and log it in the admin history; return how many."""
        # A loop through the workflow, not update(): each decision is recorded,
        # logged and, for approvals and rejections, e-mailed to its author.
        decided, elsewhere, claimed = 0, [], []
        now = timezone.now()
        for experience in posts:
            holder = getattr(experience, "claim", None)
            if holder and holder.moderator_id != request.user.pk and holder.expires_at > now:
                claimed.append(experience.title)
            try:
                decide(experience)
            except moderation.AlreadyDecided:
                elsewhere.append(experience.title)
                continue
            self.log_change(request, experience, log_message)
            decided += 1
        if claimed:
            self.message_user(
                request,
                _("Another moderator was reviewing: %(titles)s. Tell them you decided.")
                % {"titles": "、".join(claimed)},
                messages.WARNING,
            )
        if elsewhere:
            self.message_user(
                request,
                _("Decided by someone else meanwhile, so left as they are: %(titles)s.")
                % {"titles": "、".join(elsewhere)},
                messages.WARNING,
            )
        return decided

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:object_id>/hide/", view(self.hide_view), name="community_experience_hide"),
            path(
                "<int:object_id>/approve/",
                view(self.approve_view),
                name="community_experience_approve",
            ),
            path(
                "<int:object_id>/reject/",
                view(self.reject_view),
                name="community_experience_reject",
            ),
            path("dashboard/", view(self.dashboard_view), name="community_experience_dashboard"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        """Charts of the queue and the decisions over the last 30 or 90 days."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        period = 90 if request.GET.get("days") == "90" else 30
        figures = dashboard.build(period)

        def day(value):
            return f"{value:%m-%d}"

        def per_day(points):
            return [(day(date), value) for date, value in points]

        sections = [
            (
                _("Posts waiting"),
                charts.line_chart(
                    "pending",
                    _("Posts waiting at the end of each day"),
                    _("One point a day, oldest on the left."),
                    per_day(figures.pending),
                    unit=_("posts"),
                ),
                figures.pending,
            ),
            (
                _("Median time to a decision"),
                charts.bar_chart(
                    "decision",
                    _("Median hours from submission to a moderator's decision, by day"),
                    _("One bar a day with decisions, oldest on the left."),
                    per_day(figures.decision_hours),
                    unit=_("hours"),
                ),
                [(date, value) for date, value in figures.decision_hours if value is not None],
            ),
            (
                _("Decisions by moderator"),
                charts.hbar_chart(
                    "moderators",
                    _("Approvals and rejections by moderator"),
                    _("One bar a moderator, most decisions first."),
                    figures.by_moderator,
                ),
                figures.by_moderator,
            ),
            (
                _("Rejection reasons"),
                charts.hbar_chart(
                    "reasons",
                    _("Rejections by saved reason"),
                    _("One bar a reason, most used first."),
                    figures.reasons,
                ),
                figures.reasons,
            ),
            (
                _("Reports from readers"),
                charts.bar_chart(
                    "reports",
                    _("Reports from readers, by day"),
                    _("One bar a day, oldest on the left."),
                    per_day(figures.reports),
                    unit=_("reports"),
                ),
                [(date, value) for date, value in figures.reports if value],
            ),
        ]
        return TemplateResponse(
            request,
            "admin/community/experience/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Moderation dashboard"),
                "opts": self.model._meta,
                "period": period,
                "periods": dashboard.PERIODS,
                "sections": sections,
            },
        )

    def _pending_post(self, request, object_id):
        """The post a row button is about, or None (with a message) if it was decided."""
        experience = get_object_or_404(
            Experience.objects.select_related("author", "claim__moderator"), pk=object_id
        )
        if not self.has_change_permission(request, experience):
            raise PermissionDenied
        if experience.status != Experience.Status.PENDING:
            self.message_user(
                request,
                _("“%(title)s” was decided by someone else meanwhile, so it is left as it is.")
                % {"title": experience.title},
                messages.WARNING,
            )
            return None
        return experience

    @staticmethod
    def _next(request):
        """The queue page the moderator came from (its filters and page), or "" if none.

        Only an address inside the queue on this site: anything else is dropped.
        """
        target = request.POST.get("next") or request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        queue = reverse("admin:community_experience_changelist")
        return target if safe and target.startswith(queue) else ""

    def _back_to_queue(self, request):
        return redirect(self._next(request) or "admin:community_experience_changelist")

    def approve_view(self, request, object_id):
        """The row's Approve button (a POST from the queue's form)."""
        if request.method != "POST":
            return self._back_to_queue(request)
        experience = self._pending_post(request, object_id)
        if experience is not None:
            decided = self._decide_each(
                request,
                [experience],
                lambda post: moderation.approve(post, moderator=request.user),
                _("Approved."),
            )
            if decided:
                self.message_user(
                    request,
                    _("Approved: %(title)s") % {"title": experience.title},
                    messages.SUCCESS,
                )
        return self._back_to_queue(request)

    def reject_view(self, request, object_id):
        """The row's Reject button: pick a saved reason or write one, then back to the queue."""
        experience = self._pending_post(request, object_id)
        if experience is None:
            return self._back_to_queue(request)
        deciding = request.method == "POST" and "decide" in request.POST
        form = SingleRejectionForm(request.POST if deciding else None)
        if form.is_valid():
            reason = form.cleaned_data["text"]
            decided = self._decide_each(
                request,
                [experience],
                lambda post: moderation.reject(post, moderator=request.user, reason=reason),
                _("Rejected: %s") % reason,
            )
            if decided:
                self.message_user(
                    request,
                    _("Rejected: %(title)s") % {"title": experience.title},
                    messages.SUCCESS,
                )
            return self._back_to_queue(request)
        return TemplateResponse(
            request,
            "admin/community/experience/reject_one.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject this post"),
                "opts": self.model._meta,
                "form": form,
                "experience": experience,
                "excerpt": mark_spans(
                    experience.body, experience.watched_spans.get("body", []), limit=600
                ),
                "next": self._next(request),
            },
        )

    def hide_view(self, request, object_id):
        """Confirm, then take one approved post off the site (from its change page)."""
        experience = get_object_or_404(Experience, pk=object_id)
        if not self.has_change_permission(request, experience):
            raise PermissionDenied
        change_url = reverse("admin:community_experience_change", args=[experience.pk])
        if request.method == "POST" and experience.is_public():
            moderation.hide(experience, moderator=request.user)
            self.log_change(request, experience, _("Hidden from the site."))
            self.message_user(request, _("The post is hidden and back in the queue."))
            return redirect(change_url)
        return TemplateResponse(
            request,
            "admin/community/experience/hide.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Hide this post?"),
                "opts": self.model._meta,
                "object": experience,
                "change_url": change_url,
            },
        )
