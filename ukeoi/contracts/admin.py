from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ukeoi.contracts import services
from ukeoi.contracts.models import Cancellation, Contract, Delivery, Milestone, Rating
from ukeoi.jobs.admin import ReadOnlyAdmin


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False
    fields = ("position", "title", "amount", "status", "client_fee", "lancer_fee", "payment")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CancellationInline(admin.TabularInline):
    model = Cancellation
    fk_name = "contract"
    extra = 0
    can_delete = False
    fields = ("proposed_by", "reason", "step", "next_actor", "step_due_at", "finished_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("title", "client", "lancer", "status", "last_activity_at", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "client__email", "lancer__email", "client__display_name")
    list_select_related = ("client", "lancer")
    date_hierarchy = "created_at"
    inlines = [MilestoneInline, CancellationInline]
    actions = ["run_auto_step"]

    @admin.action(description=_("Take overdue steps now (B7, as the periodic task does)"))
    def run_auto_step(self, request: HttpRequest, queryset: QuerySet[Contract]) -> None:
        report = services.contracts_auto_step()
        self.message_user(
            request,
            _(
                "Reminded %(reminded)d, stepped %(stepped)d, warned %(warned)d, "
                "cancelled %(cancelled)d."
            )
            % vars(report),
            messages.SUCCESS,
        )


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("title", "contract", "amount", "status", "escrowed_at", "accepted_at")
    list_filter = ("status",)
    search_fields = ("title", "contract__title")
    list_select_related = ("contract",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("milestone", "created_at", "change_requested_at")
    list_select_related = ("milestone",)


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("contract", "rater", "ratee", "value", "created_at")
    list_filter = ("value",)
    list_select_related = ("contract", "rater", "ratee")
