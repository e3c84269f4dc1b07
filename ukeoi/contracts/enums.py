"""Choices of the contracts app and the allowed transitions of each of its state machines.

A service moves a status only through `ukeoi.core.transitions.transition`, which checks
these tables and writes the audit event."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContractStatus(models.TextChoices):
    # Milestones proposed and waiting for the other side's agreement (計画の合意待ち).
    AGREEING = "agreeing", _("Agreeing on milestones")
    # 進行中 (W1 contract_in_progress); "In progress" alone is the help desk's 対応中.
    IN_PROGRESS = "in_progress", pgettext_lazy("contract status", "In progress")
    # A cancellation (B4) is under way.
    CANCELLING = "cancelling", _("Being cancelled")
    COMPLETED = "completed", pgettext_lazy("contract status", "Completed")
    # Lancers' label: キャンセル済み (a plain "Cancelled" is jobs' payments' 取消).
    CANCELLED = "cancelled", pgettext_lazy("contract status", "Cancelled")


CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    # Both sides agreed the milestones; cancellation proposed; B7 inactivity.
    ContractStatus.AGREEING: {
        ContractStatus.IN_PROGRESS,
        ContractStatus.CANCELLING,
        ContractStatus.CANCELLED,
    },
    # New milestones proposed (back to agreeing); all accepted; cancellation; B7 inactivity.
    ContractStatus.IN_PROGRESS: {
        ContractStatus.AGREEING,
        ContractStatus.COMPLETED,
        ContractStatus.CANCELLING,
        ContractStatus.CANCELLED,
    },
    # Declined (back to where it was) or step (5) done.
    ContractStatus.CANCELLING: {
        ContractStatus.AGREEING,
        ContractStatus.IN_PROGRESS,
        ContractStatus.CANCELLED,
    },
    ContractStatus.COMPLETED: set(),
    ContractStatus.CANCELLED: set(),
}

# W1 `contract_in_progress` (進行中): a contract in one of these states blocks withdrawal.
CONTRACT_OPEN_STATUSES = (
    ContractStatus.AGREEING,
    ContractStatus.IN_PROGRESS,
    ContractStatus.CANCELLING,
)


class MilestoneStatus(models.TextChoices):
    # Proposed by the client, waiting for the lancer's agreement.
    PROPOSED = "proposed", _("Proposed")
    # Agreed by both; waiting for the client's escrow (仮払い待ち).
    AWAITING_ESCROW = "awaiting_escrow", _("Awaiting escrow")
    # Escrow confirmed (仮払い済み): the lancer works on it.
    ESCROWED = "escrowed", _("Escrowed, in work")
    # Delivered (納品済み), waiting for the client's acceptance (検収待ち).
    DELIVERED = "delivered", _("Delivered, awaiting acceptance")
    # Accepted (検収済み): the escrow went to the lancer's reward balance.
    ACCEPTED = "accepted", _("Accepted")
    # B4 step (2): the lancer cancelled the escrow; the money went back to the client.
    ESCROW_CANCELLED = "escrow_cancelled", _("Escrow cancelled")
    # Removed from the plan (計画削除): replaced before agreement, or B4 step (3).
    DELETED = "deleted", _("Deleted from the plan")


MILESTONE_TRANSITIONS: dict[str, set[str]] = {
    MilestoneStatus.PROPOSED: {MilestoneStatus.AWAITING_ESCROW, MilestoneStatus.DELETED},
    MilestoneStatus.AWAITING_ESCROW: {MilestoneStatus.ESCROWED, MilestoneStatus.DELETED},
    MilestoneStatus.ESCROWED: {MilestoneStatus.DELIVERED, MilestoneStatus.ESCROW_CANCELLED},
    # Accepted, changes requested (back to work), or escrow cancelled (B4 step 2).
    MilestoneStatus.DELIVERED: {
        MilestoneStatus.ACCEPTED,
        MilestoneStatus.ESCROWED,
        MilestoneStatus.ESCROW_CANCELLED,
    },
    MilestoneStatus.ACCEPTED: set(),
    MilestoneStatus.ESCROW_CANCELLED: set(),
    MilestoneStatus.DELETED: set(),
}

# Money held in escrow for these (B3): refunded by B4 step (2) or B7.
MILESTONE_FUNDED_STATUSES = (MilestoneStatus.ESCROWED, MilestoneStatus.DELIVERED)
# Still part of the plan: not yet paid, refunded or deleted.
MILESTONE_OPEN_STATUSES = (
    MilestoneStatus.PROPOSED,
    MilestoneStatus.AWAITING_ESCROW,
    MilestoneStatus.ESCROWED,
    MilestoneStatus.DELIVERED,
)


class CancellationStep(models.TextChoices):
    """B4: the five steps. Each value names what has been done; `next_actor` must do the
    next one."""

    # (1) proposed by one side; the other agrees or declines.
    PROPOSED = "proposed", _("Cancellation proposed")
    # (1) done: both agreed; the lancer cancels the escrow (2).
    AGREED = "agreed", _("Both agreed to cancel")
    # (2) done: escrow returned to the client; the client deletes the plan (3).
    ESCROW_CANCELLED = "escrow_cancelled", _("Escrow cancelled")
    # (3) done: plan deleted; the lancer approves the deletion (4).
    PLAN_DELETED = "plan_deleted", _("Plan deleted")
    # (4) and (5) done: the contract is cancelled.
    DONE = "done", _("Contract cancelled")
    # The other side declined in (1): this attempt ended, the contract goes on.
    DECLINED = "declined", _("Cancellation declined")


CANCELLATION_TRANSITIONS: dict[str, set[str]] = {
    CancellationStep.PROPOSED: {CancellationStep.AGREED, CancellationStep.DECLINED},
    CancellationStep.AGREED: {CancellationStep.ESCROW_CANCELLED},
    CancellationStep.ESCROW_CANCELLED: {CancellationStep.PLAN_DELETED},
    CancellationStep.PLAN_DELETED: {CancellationStep.DONE},
    CancellationStep.DONE: set(),
    CancellationStep.DECLINED: set(),
}

CANCELLATION_OPEN_STEPS = (
    CancellationStep.PROPOSED,
    CancellationStep.AGREED,
    CancellationStep.ESCROW_CANCELLED,
    CancellationStep.PLAN_DELETED,
)


class Side(models.TextChoices):
    CLIENT = "client", _("Client")
    LANCER = "lancer", _("Lancer")


class RatingValue(models.TextChoices):
    """B5: the two-value scale Lancers uses since 2022."""

    SATISFIED = "satisfied", _("Satisfied")
    DISAPPOINTED = "disappointed", _("Disappointed")
