from django.contrib import admin

from ukeoi.core.models import AuditEvent, OutboxMail, OutboxTask


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the code writes and operators only read (or delete, where a subclass allows)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is read-only: operators search it, nobody edits it."""

    list_display = ("at", "action", "subject_type", "subject_id", "actor")
    list_filter = ("action", "subject_type")
    search_fields = ("action", "subject_type", "subject_id", "actor__email")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMail)
class OutboxMailAdmin(ReadOnlyAdmin):
    """Mail not sent yet: normally empty. Rows that stay show the mail server's answer;
    the sweep retries them every minute, and drops them after OUTBOX_GIVE_UP_DAYS."""

    list_display = ("created_at", "template", "to", "attempts", "last_error")
    list_filter = ("template",)
    search_fields = ("to", "template")
    date_hierarchy = "created_at"
    readonly_fields = ("to", "subject", "body", "template", "created_at", "attempts", "last_error")


@admin.register(OutboxTask)
class OutboxTaskAdmin(ReadOnlyAdmin):
    """Tasks not yet handed to the broker: normally empty. Rows stay while the broker is
    away; the sweep publishes them every minute once it is back."""

    list_display = ("created_at", "task", "attempts", "last_error")
    list_filter = ("task",)
    date_hierarchy = "created_at"
    readonly_fields = ("task", "args", "created_at", "attempts", "last_error")
