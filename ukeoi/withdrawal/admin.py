from django.contrib import admin
from django.http import HttpRequest

from ukeoi.withdrawal.models import Withdrawal, WithdrawWhenClear


class ReadOnlyAdmin(admin.ModelAdmin):
    """Withdrawals change only through the services (audited); operators look."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    list_display = ("user", "reason", "keep_profile", "forfeited", "automatic", "withdrawn_at")
    list_filter = ("reason", "keep_profile", "automatic")
    search_fields = ("user__display_name", "reason_text", "comments")
    list_select_related = ("user",)
    date_hierarchy = "withdrawn_at"


@admin.register(WithdrawWhenClear)
class WithdrawWhenClearAdmin(ReadOnlyAdmin):
    list_display = ("user", "status", "balance_choice", "created_at", "checked_at", "finished_at")
    list_filter = ("status", "balance_choice")
    search_fields = ("user__display_name",)
    list_select_related = ("user",)
