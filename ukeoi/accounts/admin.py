from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
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


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(admin.ModelAdmin):
    list_display = ("user", "document_type", "status", "submitted_at", "decided_at", "decided_by")
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
    )
    actions = ["approve", "reject"]

    def has_add_permission(self, request, obj=None):
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet, approve: bool) -> None:
        done = 0
        for verification in queryset.filter(status=VerificationStatus.PENDING):
            try:
                services.identity_verification_decide(
                    actor=request.user,  # type: ignore[arg-type]
                    verification_id=verification.pk,
                    approve=approve,
                    reason="" if approve else str(_("The document could not be confirmed.")),
                )
                done += 1
            except ApplicationError as error:
                self.message_user(request, str(error.message), messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)d request decided.", "%(n)d requests decided.", done) % {"n": done},
        )

    @admin.action(description=_("Approve the selected requests"))
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject the selected requests"))
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, False)


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
