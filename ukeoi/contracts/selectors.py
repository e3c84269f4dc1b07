"""Reads of the contracts app: list pages, the contract page's facts (steps, who acts
next), the withdrawal blockers (W1), ratings (B5, A4, A6) and the counterpart check (A2)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.accounts.selectors import reputation_account_ids
from ukeoi.contracts import rules
from ukeoi.contracts.enums import (
    CANCELLATION_OPEN_STEPS,
    CONTRACT_OPEN_STATUSES,
    MILESTONE_FUNDED_STATUSES,
    CancellationStep,
    MilestoneStatus,
    RatingValue,
)
from ukeoi.contracts.models import Cancellation, Contract, Delivery, Milestone, Rating
from ukeoi.core.errors import NotFound
from ukeoi.core.withholding import payment_due
from ukeoi.jobs.enums import PaymentStatus

# --- Lists ----------------------------------------------------------------------------------


def _either_side(user_id: int) -> Q:
    return Q(client_id=user_id) | Q(lancer_id=user_id)


def contract_list(
    *,
    user_id: int,
    role: Literal["client", "lancer"] | str | None = None,
    status: str | None = None,
) -> QuerySet[Contract]:
    """My contracts: as client, as lancer or both, optionally of one status; newest
    activity first, with both sides, the job and the open cancellation."""
    if role == "client":
        contracts = Contract.objects.filter(client_id=user_id)
    elif role == "lancer":
        contracts = Contract.objects.filter(lancer_id=user_id)
    else:
        contracts = Contract.objects.filter(_either_side(user_id))
    if status:
        contracts = contracts.filter(status=status)
    return contracts.select_related(
        "client", "lancer", "job", "open_cancellation", "open_cancellation__next_actor"
    ).order_by("-updated_at", "-id")


def rated_by(user_id: int) -> Exists:
    """B5: for a contract queryset, whether this user has rated the contract (one EXISTS
    per row of the same query, no query of its own)."""
    return Exists(Rating.objects.filter(contract_id=OuterRef("pk"), rater_id=user_id))


def contracts_in_progress_list(*, user_id: int) -> QuerySet[Contract]:
    """W1 `contract_in_progress`: the user's contracts (either side) agreeing, in progress or
    being cancelled, with the open cancellation (its step, `next_actor`, `step_due_at`) so a
    page can show what clears it and `auto_step_at` when it clears on its own (W2, B7)."""
    return (
        Contract.objects.filter(_either_side(user_id), status__in=CONTRACT_OPEN_STATUSES)
        .select_related(
            "client", "lancer", "job", "open_cancellation", "open_cancellation__next_actor"
        )
        .order_by("created_at", "id")
    )


def unfinished_payments_list(*, user_id: int) -> QuerySet[Milestone]:
    """W1 `unfinished_payment`: milestones of the user's contracts (either side) whose money
    is not settled: awaiting escrow with a payment pending, escrowed, or delivered."""
    return (
        Milestone.objects.filter(Q(contract__client_id=user_id) | Q(contract__lancer_id=user_id))
        .filter(
            Q(status__in=MILESTONE_FUNDED_STATUSES)
            | Q(status=MilestoneStatus.AWAITING_ESCROW, payment__status=PaymentStatus.AWAITING)
        )
        .select_related("contract", "contract__open_cancellation", "payment")
        .order_by("contract_id", "position", "id")
    )


# --- One contract ---------------------------------------------------------------------------


def contract_get(*, contract_id: int, viewer: User) -> Contract:
    """A contract page is for its two sides (and the operators); to anyone else it does
    not exist."""
    contract = (
        Contract.objects.select_related(
            "client",
            "lancer",
            "job",
            "proposal",
            "thread",
            "open_cancellation",
            "open_cancellation__next_actor",
            "open_cancellation__proposed_by",
        )
        .filter(pk=contract_id)
        .first()
    )
    if contract is None or not may_see(viewer, contract.client_id, contract.lancer_id):
        raise NotFound(_("That contract does not exist."))
    return contract


def contract_id_for_proposal(*, proposal_id: int, viewer: User) -> int:
    """The contract a selected proposal became (the jobs pages link there), for the
    contract's two sides and the operators; to anyone else it does not exist."""
    row = (
        Contract.objects.filter(proposal_id=proposal_id)
        .values("pk", "client_id", "lancer_id")
        .first()
    )
    if row is None or not may_see(viewer, row["client_id"], row["lancer_id"]):
        raise NotFound(_("That contract does not exist."))
    return int(row["pk"])


def may_see(viewer: User, client_id: int, lancer_id: int) -> bool:
    """A2: a contract (its milestones, cancellation, ratings) is seen by its two sides and
    the operators; to anyone else it does not exist."""
    return viewer.pk in (client_id, lancer_id) or bool(getattr(viewer, "is_staff", False))


def milestone_get(*, milestone_id: int, viewer: User) -> Milestone:
    """One milestone with its contract, for the contract's two sides and the operators; to
    anyone else it does not exist."""
    milestone = Milestone.objects.select_related("contract").filter(pk=milestone_id).first()
    if milestone is None or not may_see(
        viewer, milestone.contract.client_id, milestone.contract.lancer_id
    ):
        raise NotFound(_("That milestone does not exist."))
    return milestone


def delivery_get(*, delivery_id: int, viewer: User) -> Delivery:
    """One delivery (納品) with its milestone and contract, for the contract's two sides
    only (operators see deliveries in the admin); to anyone else it does not exist."""
    delivery = Delivery.objects.select_related("milestone__contract").filter(pk=delivery_id).first()
    if delivery is None or viewer.pk not in (
        delivery.milestone.contract.client_id,
        delivery.milestone.contract.lancer_id,
    ):
        raise NotFound(_("That delivery does not exist."))
    return delivery


def milestones_list(*, contract: Contract, include_deleted: bool = True) -> QuerySet[Milestone]:
    milestones = contract.milestones.select_related("payment").prefetch_related("deliveries")
    if not include_deleted:
        milestones = milestones.exclude(status=MilestoneStatus.DELETED)
    return milestones.order_by("position", "id")


def deliveries_list(*, milestone: Milestone) -> QuerySet[Delivery]:
    return milestone.deliveries.order_by("created_at", "id")


def cancellations_list(*, contract: Contract) -> QuerySet[Cancellation]:
    return contract.cancellations.select_related("proposed_by", "next_actor").order_by(
        "-created_at", "-id"
    )


def ratings_list(*, contract: Contract) -> QuerySet[Rating]:
    return contract.ratings.select_related("rater", "ratee").order_by("created_at", "id")


@dataclass(frozen=True)
class StepView:
    """B4: one of the five steps as the contract page shows it."""

    number: int
    label: str | Promise
    # "client", "lancer" or "either" (step 1: the side that did not propose); "system" (5).
    side: str
    done: bool
    current: bool
    # The action the viewer's button posts ("agree", "escrow_cancel", ...) if it is theirs.
    viewer_action: str | None
    # The user who must take it, while it is the current step.
    actor_id: int | None


STEP_LABELS: list[tuple[str, str | Promise, str]] = [
    ("agree", _("Both sides agree to cancel"), "either"),
    ("escrow_cancel", _("The lancer cancels the escrow"), "lancer"),
    ("plan_delete", _("The client deletes the plan"), "client"),
    ("deletion_approve", _("The lancer approves the deletion"), "lancer"),
    ("", _("The contract is cancelled"), "system"),
]

_DONE_THROUGH = {
    CancellationStep.PROPOSED: 0,
    CancellationStep.AGREED: 1,
    CancellationStep.ESCROW_CANCELLED: 2,
    CancellationStep.PLAN_DELETED: 3,
    CancellationStep.DONE: 5,
    CancellationStep.DECLINED: 0,
}


@dataclass(frozen=True)
class WaitingStep:
    """B4: the step an open cancellation waits for, named as the contract page names it."""

    number: int
    label: str | Promise
    # As `StepView.side`: "either" (step 1), "lancer" or "client".
    side: str


def cancellation_waiting_step(step: str) -> WaitingStep | None:
    """B4: the number (1 to 4) and the contract page's name of the step a cancellation at
    `step` (what has been done so far) waits for; None once it has ended."""
    if step not in CANCELLATION_OPEN_STEPS:
        return None
    number = _DONE_THROUGH[CancellationStep(step)] + 1
    _action, label, side = STEP_LABELS[number - 1]
    return WaitingStep(number=number, label=label, side=side)


def cancellation_steps(*, cancellation: Cancellation, viewer_id: int | None) -> list[StepView]:
    """B4: all five steps, which are done, which is current and who must act (with the
    action for the viewer's button only when it is theirs)."""
    done_through = _DONE_THROUGH[CancellationStep(cancellation.step)]
    is_open = cancellation.is_open
    steps = []
    for index, (action, label, side) in enumerate(STEP_LABELS, start=1):
        current = is_open and index == done_through + 1
        steps.append(
            StepView(
                number=index,
                label=label,
                side=side,
                done=index <= done_through,
                current=current,
                viewer_action=(
                    action
                    if current and viewer_id is not None and viewer_id == cancellation.next_actor_id
                    else None
                ),
                actor_id=cancellation.next_actor_id if current else None,
            )
        )
    return steps


@dataclass(frozen=True)
class ContractActions:
    """What the viewer may do on the contract page now (buttons to show)."""

    propose_milestones: bool
    agree_milestones: bool
    # Milestone ids per action.
    escrow: list[int]
    deliver: list[int]
    accept: list[int]
    request_changes: list[int]
    propose_cancellation: bool
    # "agree"/"decline"/"escrow_cancel"/... the viewer can take on the open cancellation.
    cancellation_actions: list[str]
    rate: bool


def contract_actions_get(
    *, contract: Contract, viewer: User, milestones: Sequence[Milestone] | None = None
) -> ContractActions:
    """The buttons for this viewer, asked of the same rules the services apply."""
    facts = rules.ContractFacts.of(contract)
    items = list(milestones) if milestones is not None else list(milestones_list(contract=contract))
    uid = viewer.pk

    def ok(refusal: object) -> bool:
        return refusal is None

    def pending(m: Milestone) -> bool:
        return (
            m.payment_id is not None
            and m.payment is not None
            and (m.payment.status == PaymentStatus.AWAITING)
        )

    escrow, deliver, accept = [], [], []
    for m in items:
        mf = rules.MilestoneFacts.of(m)
        if ok(rules.escrow_refusal(actor_id=uid, contract=facts, milestone=mf)) and not pending(m):
            escrow.append(m.pk)
        if ok(rules.deliver_refusal(actor_id=uid, contract=facts, milestone=mf)):
            deliver.append(m.pk)
        if ok(rules.client_decision_refusal(actor_id=uid, contract=facts, milestone=mf)):
            accept.append(m.pk)
    cancellation = contract.open_cancellation if contract.open_cancellation_id else None
    cancellation_actions = []
    if cancellation is not None:
        cfacts = rules.CancellationFacts.of(cancellation)
        for action in ("agree", "decline", "escrow_cancel", "plan_delete", "deletion_approve"):
            if ok(
                rules.cancellation_step_refusal(
                    action, actor_id=uid, contract=facts, cancellation=cfacts
                )
            ):
                cancellation_actions.append(action)
    proposed = sum(1 for m in items if m.status == MilestoneStatus.PROPOSED)
    return ContractActions(
        propose_milestones=ok(rules.milestones_propose_refusal(actor_id=uid, contract=facts)),
        agree_milestones=ok(
            rules.milestones_agree_refusal(actor_id=uid, contract=facts, proposed=proposed)
        ),
        escrow=escrow,
        deliver=deliver,
        accept=accept,
        request_changes=list(accept),
        propose_cancellation=ok(
            rules.cancellation_propose_refusal(actor_id=uid, contract=facts, reason="-")
        ),
        cancellation_actions=cancellation_actions,
        rate=rules.can_be_rated(facts)
        and facts.is_side(uid)
        and not Rating.objects.filter(contract=contract, rater_id=uid).exists(),
    )


def escrow_total(*, contract: Contract) -> int:
    """Whole yen held in escrow for the contract now."""
    return sum(
        contract.milestones.filter(status__in=MILESTONE_FUNDED_STATUSES).values_list(
            "escrow_amount", flat=True
        )
    )


# --- Ratings (B5, A4, A6) -------------------------------------------------------------------


@dataclass(frozen=True)
class RatingSummary:
    count: int
    satisfied: int
    # Whole per cent satisfied; None without ratings.
    share_percent: int | None
    # How many of `count` came from predecessor accounts (A6).
    carried: int


def rating_summary_get(*, user_id: int) -> RatingSummary:
    """B5, A6: ratings received by the user and by the withdrawn accounts verified as the
    same person (`accounts.selectors.reputation_account_ids`)."""
    ids = reputation_account_ids(user_id=user_id)
    rows = (
        Rating.objects.filter(ratee_id__in=ids)
        .values("ratee_id")
        .annotate(total=Count("pk"), satisfied=Count("pk", filter=Q(value=RatingValue.SATISFIED)))
    )
    count = satisfied = carried = 0
    for row in rows:
        count += row["total"]
        satisfied += row["satisfied"]
        if row["ratee_id"] != user_id:
            carried += row["total"]
    share = round(100 * satisfied / count) if count else None
    return RatingSummary(count=count, satisfied=satisfied, share_percent=share, carried=carried)


def ratings_counts(user_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """A4: the ratings source registered with jobs' trust signals: {user id: (ratings
    received, of which satisfied)}, one query. (Carrying over predecessors' ratings, A6,
    is done by `rating_summary_get`, which profiles use.)"""
    rows = (
        Rating.objects.filter(ratee_id__in=list(user_ids))
        .values("ratee_id")
        .annotate(total=Count("pk"), satisfied=Count("pk", filter=Q(value=RatingValue.SATISFIED)))
    )
    return {row["ratee_id"]: (row["total"], row["satisfied"]) for row in rows}


def ratings_received_list(*, user_id: int) -> QuerySet[Rating]:
    """B5: the ratings shown on a profile (own and carried, A6), newest first."""
    return (
        Rating.objects.filter(ratee_id__in=reputation_account_ids(user_id=user_id))
        .select_related("rater", "contract")
        .order_by("-created_at", "-id")
    )


# --- Counterparts (A2) ----------------------------------------------------------------------


def has_contract_between(viewer: User, subject: User) -> bool:
    """A2: the two accounts transact (a contract between them, whatever became of it)."""
    return Contract.objects.filter(
        Q(client_id=viewer.pk, lancer_id=subject.pk) | Q(client_id=subject.pk, lancer_id=viewer.pk)
    ).exists()


# --- B7 -------------------------------------------------------------------------------------


def auto_step_at(contract: Contract) -> datetime | None:
    """W2, B7: when this contract next moves on its own (see `Contract.auto_step_at`)."""
    return contract.auto_step_at


@dataclass(frozen=True)
class WithholdingMonth:
    """T3: the income tax a client withheld in one month, and the day it is due."""

    month: date
    payments: int
    withheld: int
    due: date


def withholding_months_list(*, client_id: int) -> list[WithholdingMonth]:
    """T3: per month of acceptance, newest first, what the client withheld from its
    lancers' rewards and must pay to the tax office by `due` (core.withholding). One query."""
    rows = (
        Milestone.objects.filter(contract__client_id=client_id, withholding_tax__gt=0)
        .annotate(month=TruncMonth("accepted_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(payments=Count("pk"), withheld=Sum("withholding_tax"))
        .order_by("-month")
    )
    months = []
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        months.append(
            WithholdingMonth(
                month=month,
                payments=row["payments"],
                withheld=row["withheld"],
                due=payment_due(month),
            )
        )
    return months
