"""Operator screens: issued documents are read-only (T4: kept as issued); search by issue
date (the date hierarchy), amount range, kind and counterparty (a party's name as issued,
or its account's username or e-mail), all combinable."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ukeoi.documents.models import Document, DocumentParty

# T4: the amount ranges an operator filters by (yen, the document's total).
AMOUNT_RANGES = (
    ("0-9999", _("under 10,000 yen"), 0, 9_999),
    ("10000-99999", _("10,000 to 99,999 yen"), 10_000, 99_999),
    ("100000-999999", _("100,000 to 999,999 yen"), 100_000, 999_999),
    ("1000000-", _("1,000,000 yen or more"), 1_000_000, None),
)


class AmountRangeFilter(admin.SimpleListFilter):
    title = _("amount")
    parameter_name = "amount"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(key, label) for key, label, _low, _high in AMOUNT_RANGES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        for key, _label, low, high in AMOUNT_RANGES:
            if self.value() == key:
                queryset = queryset.filter(total_amount__gte=low)
                return queryset if high is None else queryset.filter(total_amount__lte=high)
        return queryset


class DocumentPartyInline(admin.TabularInline):
    model = DocumentParty
    fields = ("role", "name", "user")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = (
        "display_number",
        "kind",
        "version",
        "subject_type",
        "subject_id",
        "total_amount",
        "issued_at",
        "retain_until",
    )
    list_filter = ("kind", "series", AmountRangeFilter)
    search_fields = (
        "=number",
        "subject_id",
        "sha256",
        "party_rows__name",
        "party_rows__user__username",
        "party_rows__user__email",
    )
    inlines = (DocumentPartyInline,)
    date_hierarchy = "issued_at"
    show_full_result_count = False
    readonly_fields = (
        "kind",
        "series",
        "number",
        "subject_type",
        "subject_id",
        "version",
        "parties",
        "payload",
        "total_amount",
        "sha256",
        "pdf",
        "issued_at",
        "retain_until",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
