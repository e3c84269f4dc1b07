"""Operator screens: FAQ editing (H1), moderation of the consultation room (H2), and the
inquiry desk (H3, P1). Every change of state goes through a service."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ukeoi.accounts.models import User
from ukeoi.core.audit import audit
from ukeoi.core.errors import ApplicationError
from ukeoi.helpdesk import services
from ukeoi.helpdesk.enums import InquiryCategory, InquiryStatus
from ukeoi.helpdesk.models import (
    Answer,
    FaqArticle,
    FaqCategory,
    Inquiry,
    Question,
)

MARKUP_HELP = _(
    "Blank line: new paragraph. “## ” starts a heading, “- ” a list item, “1. ” a numbered "
    "item, **bold**. Links: [text](article:slug), [text](url:helpdesk:contact?category=…), "
    "or [text](/path/). Everything else is shown as typed."
)


def _operator(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@admin.register(FaqCategory)
class FaqCategoryAdmin(admin.ModelAdmin):
    list_display = ("name_ja", "name_en", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name_en",)}


class FaqArticleForm(forms.ModelForm):
    class Meta:
        model = FaqArticle
        fields = (
            "category",
            "slug",
            "published",
            "featured",
            "order",
            "keywords",
            "title_ja",
            "body_ja",
            "title_en",
            "body_en",
        )
        widgets = {
            "body_ja": forms.Textarea(attrs={"rows": 24, "cols": 100}),
            "body_en": forms.Textarea(attrs={"rows": 24, "cols": 100}),
        }
        help_texts = {"body_ja": MARKUP_HELP, "body_en": MARKUP_HELP}


@admin.register(FaqArticle)
class FaqArticleAdmin(admin.ModelAdmin):
    form = FaqArticleForm
    list_display = (
        "title_ja",
        "category",
        "published",
        "featured",
        "order",
        "helpful_yes",
        "helpful_no",
        "updated_at",
    )
    list_filter = ("category", "published", "featured")
    list_editable = ("published", "featured", "order")
    search_fields = ("title_ja", "title_en", "body_ja", "body_en", "keywords", "slug")
    list_select_related = ("category",)
    readonly_fields = ("helpful_yes", "helpful_no", "updated_at")
    fieldsets = (
        (None, {"fields": ("category", "slug", "published", "featured", "order", "keywords")}),
        (_("Japanese"), {"fields": ("title_ja", "body_ja")}),
        (_("English"), {"fields": ("title_en", "body_en")}),
        (_("Readers' feedback"), {"fields": ("helpful_yes", "helpful_no", "updated_at")}),
    )


class InquiryAdminForm(forms.ModelForm):
    reply = forms.CharField(
        label=_("Reply to the sender"),
        required=False,
        max_length=services.REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 100}),
        help_text=_(
            "Saving sends this reply by e-mail to the reply address, in the sender's language, "
            "and marks the inquiry answered."
        ),
    )

    class Meta:
        model = Inquiry
        fields = ("user", "internal_note")

    def clean_reply(self) -> str:
        reply: str = self.cleaned_data.get("reply", "").strip()
        if reply and self.instance.status == InquiryStatus.CLOSED:
            raise forms.ValidationError(_("This inquiry is closed. Reopen it before replying."))
        return reply


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    form = InquiryAdminForm
    list_display = (
        "id",
        "subject",
        "category",
        "status",
        "reply_email",
        "user",
        "reply_count",
        "created_at",
    )
    list_display_links = ("id", "subject")
    list_filter = ("status", "category", "language")
    search_fields = ("subject", "body", "reply_email", "user__email", "user__display_name")
    date_hierarchy = "created_at"
    raw_id_fields = ("user",)
    readonly_fields = (
        "status",
        "category",
        "subject",
        "body",
        "reply_email",
        "language",
        "created_at",
        "updated_at",
        "erasure_requested_at",
        "previous_replies",
    )
    fieldsets = (
        (
            _("Inquiry"),
            {"fields": ("status", "category", "subject", "body", "reply_email", "language")},
        ),
        (
            _("Account"),
            {
                "fields": ("user", "erasure_requested_at"),
                "description": _(
                    "Link a signed-out sender's inquiry to their account only after "
                    "confirming that they own it."
                ),
            },
        ),
        (_("Reply"), {"fields": ("previous_replies", "reply")}),
        (_("Operators only"), {"fields": ("internal_note", "created_at", "updated_at")}),
    )
    actions = ["take_up", "close", "reopen", "request_erasure"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inquiry]:
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(replies_n=Count("replies"))
        )

    @admin.display(description=_("replies"), ordering="replies_n")
    def reply_count(self, obj: Inquiry) -> int:
        return obj.replies_n  # type: ignore[attr-defined]

    @admin.display(description=_("replies sent"))
    def previous_replies(self, obj: Inquiry) -> str:
        """The conversation so far, above the box for the next reply; sent replies are a
        record and are never edited."""
        replies = obj.replies.select_related("operator")
        if not replies:
            return "—"
        return format_html_join(
            "",
            '<div class="inquiry-reply"><p><strong>{}</strong> · {}</p><p>{}</p></div>',
            (
                (
                    date_format(localtime(r.sent_at), "SHORT_DATETIME_FORMAT"),
                    r.operator or "—",
                    linebreaksbr(r.body),
                )
                for r in replies
            ),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An inquiry is a record of what was asked and answered; erasure (P2) anonymises it.
        return False

    def save_model(self, request: HttpRequest, obj: Inquiry, form: Any, change: bool) -> None:
        operator = _operator(request)
        if "user" in form.changed_data:
            audit(
                actor=operator,
                subject=obj,
                action="inquiry.account_linked",
                before={"user": form.initial.get("user")},
                after={"user": obj.user_id},
            )
        super().save_model(request, obj, form, change)
        reply = form.cleaned_data.get("reply")
        if reply:
            try:
                services.inquiry_reply(actor=operator, inquiry_id=obj.pk, body=reply)
            except ApplicationError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("The reply was sent to %(email)s.") % {"email": obj.reply_email},
                    messages.SUCCESS,
                )

    def _move(self, request: HttpRequest, queryset: QuerySet[Inquiry], status: str) -> None:
        done = 0
        for inquiry in queryset:
            try:
                services.inquiry_status_set(
                    actor=_operator(request), inquiry_id=inquiry.pk, status=status
                )
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"#{inquiry.pk}: {error.message}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(n)d inquiry updated.", "%(n)d inquiries updated.", done) % {"n": done},
        )

    @admin.action(description=_("Take up the selected inquiries (in progress)"))
    def take_up(self, request: HttpRequest, queryset: QuerySet[Inquiry]) -> None:
        self._move(request, queryset, InquiryStatus.IN_PROGRESS)

    @admin.action(description=_("Close the selected inquiries"))
    def close(self, request: HttpRequest, queryset: QuerySet[Inquiry]) -> None:
        self._move(request, queryset, InquiryStatus.CLOSED)

    @admin.action(description=_("Reopen the selected inquiries"))
    def reopen(self, request: HttpRequest, queryset: QuerySet[Inquiry]) -> None:
        self._move(request, queryset, InquiryStatus.IN_PROGRESS)

    @admin.action(description=_("Start erasure of the sender's personal information (P1)"))
    def request_erasure(self, request: HttpRequest, queryset: QuerySet[Inquiry]) -> None:
        for inquiry in queryset:
            if inquiry.category != InquiryCategory.DELETE_PERSONAL_DATA:
                self.message_user(
                    request,
                    _("#%(n)d is not a “Delete my personal information” inquiry: skipped.")
                    % {"n": inquiry.pk},
                    messages.WARNING,
                )
                continue
            try:
                _inquiry, handled = services.inquiry_request_erasure(
                    actor=_operator(request), inquiry_id=inquiry.pk
                )
            except ApplicationError as error:
                self.message_user(request, f"#{inquiry.pk}: {error.message}", messages.ERROR)
                continue
            if handled:
                self.message_user(
                    request,
                    _("#%(n)d: erasure requested. It runs after the waiting period.")
                    % {"n": inquiry.pk},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _(
                        "#%(n)d: the erasure request is recorded, but no erasure service is "
                        "installed yet. Erase the personal information by hand."
                    )
                    % {"n": inquiry.pk},
                    messages.WARNING,
                )


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    fields = ("created_at", "author", "body", "hidden_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HiddenFilter(admin.SimpleListFilter):
    title = _("visibility")
    parameter_name = "hidden"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Hidden")), ("no", _("Shown"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


class ModerationMixin:
    """Posts are the users' words: operators hide or show them, never edit them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _set(self, request: HttpRequest, queryset: QuerySet[Any], hidden: bool) -> None:
        for post in queryset:
            services.post_hide(actor=_operator(request), post=post, hidden=hidden)
        self.message_user(  # type: ignore[attr-defined]
            request,
            ngettext("%(n)d post updated.", "%(n)d posts updated.", queryset.count())
            % {"n": queryset.count()},
        )

    @admin.action(description=_("Hide the selected posts"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set(request, queryset, True)

    @admin.action(description=_("Show the selected posts again"))
    def show(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set(request, queryset, False)


@admin.register(Question)
class QuestionAdmin(ModerationMixin, admin.ModelAdmin):
    list_display = ("title", "asker", "category", "created_at", "hidden_at", "best_answer")
    list_filter = (HiddenFilter, "category")
    search_fields = ("title", "body", "asker__email", "asker__display_name")
    list_select_related = ("asker",)
    readonly_fields = (
        "asker",
        "category",
        "title",
        "body",
        "created_at",
        "best_answer",
        "hidden_at",
    )
    inlines = [AnswerInline]
    actions = ["hide", "show"]


@admin.register(Answer)
class AnswerAdmin(ModerationMixin, admin.ModelAdmin):
    list_display = ("question", "author", "created_at", "hidden_at")
    list_filter = (HiddenFilter,)
    search_fields = ("body", "author__email", "question__title")
    list_select_related = ("question", "author")
    readonly_fields = ("question", "author", "body", "created_at", "hidden_at")
    actions = ["hide", "show"]
