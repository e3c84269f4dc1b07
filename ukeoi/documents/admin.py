"""Operator screens: issued documents are read-only (T4: kept as issued); search by kind,
number and issue date."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from ukeoi.documents.models import Document


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
    list_filter = ("kind", "series")
    search_fields = ("=number", "subject_id", "sha256")
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
