from django.contrib import admin

from ukeoi.core.models import AuditEvent, OutboxMail


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


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    """Mail not sent yet: normally empty. Rows that stay show the mail server's answer;
    the sweep retries them every minute, and drops them after OUTBOX_GIVE_UP_DAYS."""

    list_display = ("created_at", "template", "to", "attempts", "last_error")
    list_filter = ("template",)
    search_fields = ("to", "template")
    date_hierarchy = "created_at"
    readonly_fields = ("to", "subject", "body", "template", "created_at", "attempts", "last_error")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
