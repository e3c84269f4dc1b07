from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ukeoi.core.errors import ApplicationError
from ukeoi.jobs import services
from ukeoi.jobs.enums import PaymentStatus
from ukeoi.jobs.models import (
    AppendNote,
    ClientPayment,
    Job,
    Message,
    MessageThread,
    Proposal,
    TaskSubmission,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows change only through the services (audited); operators look, and act through
    the actions offered."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("title", "client", "format", "category", "status", "budget_max", "deadline")
    list_filter = ("status", "format", "category")
    search_fields = ("title", "client__email", "client__display_name")
    list_select_related = ("client",)
    date_hierarchy = "created_at"


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("job", "lancer", "amount", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("job__title", "lancer__email", "lancer__display_name")
    list_select_related = ("job", "lancer")


@admin.register(AppendNote)
class AppendNoteAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "created_at")
    list_select_related = ("proposal", "proposal__job", "proposal__lancer")


@admin.register(MessageThread)
class MessageThreadAdmin(ReadOnlyAdmin):
    list_display = ("client", "lancer", "proposal", "created_at")
    list_select_related = ("client", "lancer", "proposal", "proposal__job", "proposal__lancer")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("thread", "sender", "created_at", "read_at")
    list_select_related = ("thread", "thread__client", "thread__lancer", "sender")


@admin.register(TaskSubmission)
class TaskSubmissionAdmin(ReadOnlyAdmin):
    list_display = ("job", "lancer", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("job", "lancer")


@admin.register(ClientPayment)
class ClientPaymentAdmin(ReadOnlyAdmin):
    """入金確認: operators match bank transfers (by reference) and confirm them."""

    list_display = (
        "reference_column",
        "client",
        "job",
        "purpose",
        "amount",
        "status",
        "created_at",
        "confirmed_at",
        "confirmed_by",
    )
    list_filter = ("status", "purpose", "method")
    search_fields = ("client__email", "client__display_name", "job__title")
    list_select_related = ("client", "job", "confirmed_by")
    actions = ["confirm"]

    @admin.display(description=_("transfer reference"))
    def reference_column(self, obj: ClientPayment) -> str:
        return obj.reference

    @admin.action(description=_("Confirm receipt of the selected payments (入金確認)"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[ClientPayment]) -> None:
        done = 0
        for payment in queryset.filter(status=PaymentStatus.AWAITING).order_by("pk"):
            try:
                services.client_payment_confirm(
                    actor=request.user,  # type: ignore[arg-type]
                    payment_id=payment.pk,
                )
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"{payment.reference}: {error.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)d payment confirmed.", "%(n)d payments confirmed.", done) % {"n": done},
        )
