"""Operator screens: the ledger is read-only here, as everywhere outside `post()`."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction
from ukeoi.ledger.selectors import kind_totals_list


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False  # no COUNT(*) over the whole ledger on every page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class EntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount", "balance_after")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("account", "account__owner")


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "owner", "subject_type", "subject_id", "balance", "created_at")
    list_filter = ("kind", "subject_type")
    search_fields = ("=id", "owner__email", "owner__username", "owner__display_name", "=subject_id")
    list_select_related = ("owner",)
    change_list_template = "ledger/admin/account_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        totals = path(
            "totals/",
            self.admin_site.admin_view(self.totals_view),
            name="ledger_ledgeraccount_totals",
        )
        return [totals, *super().get_urls()]

    def totals_view(self, request: HttpRequest) -> HttpResponse:
        """Balances summed per account kind; they sum to zero (M1)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        totals = kind_totals_list()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Ledger totals per kind"),
            "totals": totals,
            "grand_total": sum(total.balance for total in totals),
        }
        return TemplateResponse(request, "ledger/admin/totals.html", context)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "key", "kind", "memo", "created_at")
    list_filter = ("kind",)
    search_fields = ("=id", "key", "memo")
    date_hierarchy = "created_at"
    inlines = (EntryInline,)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "transaction", "account", "amount", "balance_after")
    list_filter = ("account__kind",)
    search_fields = ("transaction__key", "=account__id", "account__owner__email")
    list_select_related = ("transaction", "account", "account__owner")
