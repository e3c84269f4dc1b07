from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ukeoi.accounts import services
from ukeoi.accounts.enums import VerificationStatus
from ukeoi.accounts.forms import RegisterForm
from ukeoi.accounts.models import (
    ApiToken,
    Bank,
    BankAccount,
    BankBranch,
    BankMasterLoad,
    IdentityVerification,
    PortfolioItem,
    Profile,
    RetiredIdentifier,
    User,
)
from ukeoi.core.errors import ApplicationError
from ukeoi.core.files import protected_file_response
from ukeoi.core.forms import apply_error


class OperatorUserCreationForm(forms.ModelForm):
    """Operators create accounts through the same rules and service as registration (A1, A5)."""

    username = RegisterForm.base_fields["username"]
    password1 = RegisterForm.base_fields["password1"]
    password2 = RegisterForm.base_fields["password2"]

    class Meta:
        model = User
        fields = ("email", "display_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        if not self.errors:
            problems = services.registration_errors(
                email=data["email"],
                username=data["username"],
                display_name=data["display_name"],
                password=data["password1"],
            )
            for field, field_messages in problems.items():
                for message in field_messages:
                    self.add_error("password1" if field == "password" else field, message)
        return data

    def save(self, commit: bool = True) -> User:
        self.instance = services.user_register(
            email=self.cleaned_data["email"],
            username=self.cleaned_data["username"],
            display_name=self.cleaned_data["display_name"],
            password=self.cleaned_data["password1"],
        )
        return self.instance

    def save_m2m(self) -> None:
        """The admin calls this after save(); a new account has no relations yet."""


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("-date_joined",)
    list_display = (
        "email",
        "username",
        "display_name",
        "status",
        "is_active",
        "identity_verified_at",
        "is_staff",
        "date_joined",
    )
    list_filter = ("status", "is_active", "is_staff", "language")
    search_fields = ("email", "username", "display_name")
    readonly_fields = ("username", "status", "identity_verified_at", "date_joined", "last_login")
    inlines = [ProfileInline]
    add_form = OperatorUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "username", "display_name", "password")}),
        (_("State"), {"fields": ("status", "is_active", "identity_verified_at", "language")}),
        (
            _("Operator rights"),
            {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("date_joined", "last_login")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "username", "display_name", "password1", "password2"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # The username is set once at creation (A1) and never again.
        return self.readonly_fields if obj else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            # The username is not a model-form field (it is never editable); the add form
            # declares it itself.
            kwargs["fields"] = OperatorUserCreationForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request, obj=None):
        # A new account gets its profile from the registration service.
        return self.inlines if obj else []


class IdentityDecisionForm(forms.Form):
    """A4, A6: what the operator reads on the document image, to approve; or a reason, to
    reject."""

    document_number = forms.CharField(
        label=_("Document number, as printed on the document"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth, as printed on the document"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Reason for rejection (shown to the user)"),
        max_length=200,
        required=False,
        initial=_("The document could not be confirmed."),
    )


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(admin.ModelAdmin):
    """A4: operators look at the document image and decide each request on its own page
    (to approve they type the number and birth date they read, A6); rejecting several at
    once stays a list action. The image is served by `document_view`, to operators only."""

    list_display = (
        "user",
        "document_type",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decide_link",
    )
    list_filter = ("status", "document_type")
    search_fields = ("user__email", "user__display_name")
    list_select_related = ("user", "decided_by")
    readonly_fields = (
        "user",
        "document_type",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
    )
    exclude = ("document",)
    actions = ["reject"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/decide/",
                view(self.decide_view),
                name="accounts_identityverification_decide",
            ),
            path(
                "<int:pk>/document/",
                view(self.document_view),
                name="accounts_identityverification_document",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("Decision"))
    def decide_link(self, obj: IdentityVerification) -> str:
        if obj.status != VerificationStatus.PENDING:
            return "—"
        url = reverse("admin:accounts_identityverification_decide", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Check and decide"))

    def document_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        """The document image, shown in the browser to operators who may view requests."""
        verification = IdentityVerification.objects.filter(pk=pk).first()
        return protected_file_response(
            request,
            verification.document if verification is not None else None,
            allowed=self.has_view_permission(request, verification),
            inline=True,
        )

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        verification = (
            IdentityVerification.objects.select_related("user", "user__profile")
            .filter(pk=pk)
            .first()
        )
        if verification is None or not self.has_change_permission(request, verification):
            raise Http404(_("That verification request does not exist."))
        form = IdentityDecisionForm(request.POST or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            approve = "approve" in request.POST
            try:
                services.identity_verification_decide(
                    actor=request.user,  # type: ignore[arg-type]
                    verification_id=pk,
                    approve=approve,
                    reason=form.cleaned_data["reason"],
                    document_number=form.cleaned_data["document_number"],
                    birth_date=form.cleaned_data["birth_date"],
                )
            except ApplicationError as error:
                apply_error(form, error)
                status = error.status
            else:
                self.message_user(
                    request,
                    _("The request is approved.") if approve else _("The request is rejected."),
                )
                return redirect("admin:accounts_identityverification_changelist")
        elif request.method == "POST":
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Check an identity document"),
            "verification": verification,
            "form": form,
            "is_pdf": verification.document.name.lower().endswith(".pdf"),
            "document_url": reverse(
                "admin:accounts_identityverification_document", args=[verification.pk]
            ),
        }
        return TemplateResponse(
            request, "admin/accounts/identityverification/decide.html", context, status=status
        )

    @admin.action(description=_("Reject the selected requests"))
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for verification in queryset.filter(status=VerificationStatus.PENDING):
            try:
                services.identity_verification_decide(
                    actor=request.user,  # type: ignore[arg-type]
                    verification_id=verification.pk,
                    approve=False,
                    reason=str(_("The document could not be confirmed.")),
                )
                done += 1
            except ApplicationError as error:
                self.message_user(request, str(error.message), messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)d request decided.", "%(n)d requests decided.", done) % {"n": done},
        )


@admin.register(RetiredIdentifier)
class RetiredIdentifierAdmin(admin.ModelAdmin):
    list_display = ("kind", "value", "retired_at")
    list_filter = ("kind",)
    search_fields = ("value",)


@admin.register(PortfolioItem)
class PortfolioItemAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "created_at")
    search_fields = ("title", "user__email")
    list_select_related = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__email")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kana")
    search_fields = ("code", "name", "kana", "hira", "roma")


@admin.register(BankBranch)
class BankBranchAdmin(admin.ModelAdmin):
    list_display = ("bank", "code", "name", "kana")
    search_fields = ("bank__code", "code", "name", "kana", "hira")
    list_select_related = ("bank",)
    raw_id_fields = ("bank",)


@admin.register(BankMasterLoad)
class BankMasterLoadAdmin(admin.ModelAdmin):
    """Refresh with `manage.py load_bank_master` after upgrading the zengin-code package."""

    list_display = ("data_date", "banks", "branches", "loaded_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "bank", "branch", "account_type", "holder_kana", "updated_at")
    search_fields = ("user__email", "holder_kana", "bank__code")
    list_select_related = ("user", "bank", "branch")
    raw_id_fields = ("user", "bank", "branch")
