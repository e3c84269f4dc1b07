"""Operators' payout screens (M5): batches with "mark paid", payouts with "mark failed"
(the reason typed next to the action is mailed to the user). Everything goes through the
services; nothing is edited by hand."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError
from ukeoi.payouts import services
from ukeoi.payouts.models import Payout, PayoutBatch, PayoutFile, PayoutSettings


def _operator(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PayoutFileInline(admin.TabularInline):
    """The batch's Zengin files, to download and upload to the bank."""

    model = PayoutFile
    fields = ("part", "file", "record_count", "total", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "close_date",
        "payment_date",
        "status",
        "payout_count",
        "total_amount",
        "total_fee",
        "runs",
        "exported_at",
        "paid_at",
    )
    list_filter = ("status",)
    date_hierarchy = "close_date"
    inlines = [PayoutFileInline]
    actions = ["mark_paid"]

    @admin.action(description=_("Mark the selected batches paid (the bank made the transfers)"))
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[PayoutBatch]) -> None:
        done = 0
        for batch in queryset:
            try:
                services.payout_batch_mark_paid(actor=_operator(request), batch_id=batch.pk)
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"{batch.close_date}: {error.message}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d batch marked paid.", "%(n)d batches marked paid.", done)
                % {"n": done},
                messages.SUCCESS,
            )


class PayoutActionForm(ActionForm):
    reason = forms.CharField(label=_("Reason (mailed to the user)"), required=False, max_length=200)


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "user",
        "batch",
        "amount",
        "fee",
        "net",
        "status",
        "is_final",
        "bank_code",
        "branch_code",
        "created_at",
    )
    list_filter = ("status", "is_final", "batch__close_date")
    search_fields = ("=id", "user__email", "user__display_name")
    list_select_related = ("user", "batch")
    action_form = PayoutActionForm
    actions = ["mark_failed"]

    @admin.action(description=_("Mark the selected payouts failed (money back to the balance)"))
    def mark_failed(self, request: HttpRequest, queryset: QuerySet[Payout]) -> None:
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            self.message_user(
                request,
                _("Type the reason next to the action: the user receives it by mail."),
                messages.ERROR,
            )
            return
        done = 0
        for payout in queryset.order_by("pk"):
            try:
                services.payout_mark_failed(
                    actor=_operator(request), payout_id=payout.pk, reason=reason
                )
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"#{payout.pk}: {error.message}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d payout marked failed.", "%(n)d payouts marked failed.", done)
                % {"n": done},
                messages.SUCCESS,
            )


@admin.register(PayoutSettings)
class PayoutSettingsAdmin(ReadOnlyAdmin):
    list_display = ("user", "mode", "final_payout", "updated_at")
    list_filter = ("mode", "final_payout")
    search_fields = ("user__email", "user__display_name")
    list_select_related = ("user",)
