"""Operator screens: erasure requests (cancel), export records, and the "request erasure"
action added to the user list (accounts never imports privacy: the action is attached
here, from above)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.admin import UserAdmin
from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError
from ukeoi.privacy import services
from ukeoi.privacy.enums import ErasureSource, ErasureStatus
from ukeoi.privacy.models import DataExport, ErasureRequest


def _operator(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@admin.action(description=_("Request erasure of personal data (runs in 14 days)"))
def request_erasure(modeladmin: Any, request: HttpRequest, queryset: QuerySet[User]) -> None:
    """P2: an operator asks for the erasure of the selected withdrawn accounts."""
    scheduled = 0
    for user in queryset.order_by("pk"):
        try:
            services.erasure_request(
                actor=_operator(request), user_id=user.pk, source=ErasureSource.OPERATOR
            )
        except ApplicationError as error:
            messages.error(request, f"{user.email}: {error.message}")
        else:
            scheduled += 1
    if scheduled:
        messages.success(
            request, _("Erasure scheduled for %(count)d account(s).") % {"count": scheduled}
        )


# Added to the class the accounts app registered, so any other extension of it keeps working.
UserAdmin.actions = [*(UserAdmin.actions or []), request_erasure]  # type: ignore[misc]


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "source",
        "status",
        "requested_at",
        "scheduled_for",
        "done_at",
        "retain_until",
    )
    list_filter = ("status", "source")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in ErasureRequest._meta.fields]
    actions = ["cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Cancel the selected scheduled erasures"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[ErasureRequest]) -> None:
        for erasure in queryset.filter(status=ErasureStatus.REQUESTED).order_by("pk"):
            try:
                services.erasure_cancel(actor=_operator(request), request_id=erasure.pk)
            except ApplicationError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("Erasure cancelled: %(user)s") % {"user": erasure.user})


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "created_at", "finished_at", "expires_at")
    list_filter = ("status",)
    list_select_related = ("user",)
    # The archive holds the user's personal data: operators see that it exists, not its file.
    readonly_fields = ("user", "status", "created_at", "finished_at", "expires_at")
    exclude = ("file",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
