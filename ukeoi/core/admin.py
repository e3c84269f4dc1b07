from django.contrib import admin

from ukeoi.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is read-only: operators search it, nobody edits it."""

    list_display = ("at", "action", "subject_type", "subject_id", "actor")
    list_filter = ("action", "subject_type")
    search_fields = ("action", "subject_type", "subject_id", "actor__email")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
