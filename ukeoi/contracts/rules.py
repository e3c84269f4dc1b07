"""Pure rules of contracts: who may take which step when, fees, and B7's clock.

No ORM, no clock, no I/O: services and selectors build the facts (frozen dataclasses) and
pass "now" in. Refusals are `ukeoi.core.errors.Refusal` (code, message, HTTP family)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from ukeoi.contracts.enums import (
    CANCELLATION_OPEN_STEPS,
    CONTRACT_OPEN_STATUSES,
    MILESTONE_FUNDED_STATUSES,
    CancellationStep,
    ContractStatus,
    MilestoneStatus,
    RatingValue,
)
from ukeoi.core.errors import Refusal
from ukeoi.core.fees import FeeRates, permille_text
from ukeoi.jobs.rules import (
    MAX_YEN,
    Problems,
)
from ukeoi.payouts import calendar

MILESTONE_TITLE_MAX = 100
MAX_MILESTONES = 20
MAX_DUE_DAYS = 730
DELIVERY_BODY_MAX = 5000
CHANGE_REQUEST_MAX = 5000
REASON_MAX = 2000
RATING_COMMENT_MAX = 2000
# B7's clock, the one definition (models, services, auto steps and withdrawal ask here):
# a cancellation step is taken automatically this long after it started, with reminder mail
# one day before; a contract without activity this long is cancelled automatically, with
# warning mail this long before.
STEP_DAYS = 7
REMINDER_BEFORE = timedelta(days=1)
INACTIVITY_DAYS = 365
INACTIVITY_WARNING_DAYS = 30


def _add(problems: Problems, field: str, message: Any) -> None:
    problems.setdefault(field, []).append(message)


# --- Fees (B6) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fees:
    """B6: every fee of one milestone amount, shown before the action that incurs it."""

    amount: int
    client_fee: int
    # What the client pays into escrow (仮払い): amount + client fee.
    client_total: int
    lancer_fee: int
    # What reaches the lancer's reward balance on acceptance: amount - lancer fee.
    lancer_net: int
    client_fee_permille: int
    lancer_fee_permille: int

    @property
    def client_fee_percent(self) -> str:
        return permille_text(self.client_fee_permille)

    @property
    def lancer_fee_percent(self) -> str:
        return permille_text(self.lancer_fee_permille)


def fees_for(amount: int, rates: FeeRates) -> Fees:
    """B6: the fees of a milestone amount at its contract's rates (`core.fees.rates_of`),
    in whole yen, each rounded down."""
    client_fee = rates.client_fee(amount)
    lancer_fee = rates.lancer_fee(amount)
    return Fees(
        amount=amount,
        client_fee=client_fee,
        client_total=amount + client_fee,
        lancer_fee=lancer_fee,
        lancer_net=amount - lancer_fee,
        client_fee_permille=rates.client_permille,
        lancer_fee_permille=rates.lancer_permille,
    )


# --- Milestone plans ------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneDraft:
    """One milestone (計画) as the client enters it."""

    title: str
    amount: int | None
    due_date: date | None = None


def milestone_drafts_problems(drafts: Sequence[MilestoneDraft], *, today: date) -> Problems:
    """Bad input in a proposed plan, per field `milestones.<i>.<field>` (and `milestones`
    for the plan as a whole). Amounts are whole yen from 1 to 100,000,000."""
    problems: Problems = {}
    if not drafts:
        _add(problems, "milestones", _("Add at least one milestone."))
    elif len(drafts) > MAX_MILESTONES:
        _add(
            problems,
            "milestones",
            _("A plan has at most %(max)d milestones.") % {"max": MAX_MILESTONES},
        )
    for index, draft in enumerate(drafts[:MAX_MILESTONES]):
        prefix = f"milestones.{index}"
        title = draft.title.strip()
        if not title:
            _add(problems, f"{prefix}.title", _("Enter the milestone's title."))
        elif len(title) > MILESTONE_TITLE_MAX:
            _add(
                problems,
                f"{prefix}.title",
                _("Use at most %(max)d characters.") % {"max": MILESTONE_TITLE_MAX},
            )
        amount = draft.amount
        if amount is None or isinstance(amount, bool) or not isinstance(amount, int):
            _add(problems, f"{prefix}.amount", _("Enter an amount in whole yen."))
        elif amount < 1:
            _add(problems, f"{prefix}.amount", _("Enter an amount of at least 1 yen."))
        elif amount > MAX_YEN:
            _add(problems, f"{prefix}.amount", _("Enter an amount of at most 100,000,000 yen."))
        if draft.due_date is not None:
            if draft.due_date < today:
                _add(problems, f"{prefix}.due_date", _("The due date must not be in the past."))
            elif draft.due_date > today + timedelta(days=MAX_DUE_DAYS):
                _add(problems, f"{prefix}.due_date", _("The due date must be within two years."))
    return problems


def text_problems(field: str, value: str, limit: int, *, required: bool = True) -> Problems:
    problems: Problems = {}
    if required and not value.strip():
        _add(problems, field, _("This field is required."))
    elif len(value) > limit:
        _add(problems, field, _("Use at most %(max)d characters.") % {"max": limit})
    return problems


# --- Facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractFacts:
    pk: int
    client_id: int
    lancer_id: int
    status: str
    # Any milestone was ever escrowed (B5: work started).
    work_started: bool = False

    @classmethod
    def of(cls, contract: Any) -> "ContractFacts":
        return cls(
            contract.pk,
            contract.client_id,
            contract.lancer_id,
            contract.status,
            contract.work_started_at is not None,
        )

    @property
    def is_open(self) -> bool:
        return self.status in CONTRACT_OPEN_STATUSES

    def is_side(self, user_id: int) -> bool:
        return user_id in (self.client_id, self.lancer_id)


@dataclass(frozen=True)
class MilestoneFacts:
    pk: int
    status: str
    has_payment_pending: bool = False

    @classmethod
    def of(cls, milestone: Any, *, has_payment_pending: bool = False) -> "MilestoneFacts":
        return cls(milestone.pk, milestone.status, has_payment_pending)


@dataclass(frozen=True)
class CancellationFacts:
    pk: int
    proposed_by_id: int
    step: str
    next_actor_id: int | None
    step_due_at: datetime | None

    @classmethod
    def of(cls, cancellation: Any) -> "CancellationFacts":
        return cls(
            cancellation.pk,
            cancellation.proposed_by_id,
            cancellation.step,
            cancellation.next_actor_id,
            cancellation.step_due_at,
        )


def _not_side(contract: ContractFacts, actor_id: int) -> Refusal | None:
    if not contract.is_side(actor_id):
        return Refusal(
            "not_a_side",
            _("Only the client and the lancer of this contract can do this."),
            status=403,
        )
    return None


def _only(contract: ContractFacts, actor_id: int, side: str) -> Refusal | None:
    refusal = _not_side(contract, actor_id)
    if refusal is not None:
        return refusal
    if side == "client" and actor_id != contract.client_id:
        return Refusal("not_client", _("Only the client of this contract can do this."), 403)
    if side == "lancer" and actor_id != contract.lancer_id:
        return Refusal("not_lancer", _("Only the lancer of this contract can do this."), 403)
    return None


def _contract_state_refusal(contract: ContractFacts) -> Refusal | None:
    """Milestone work happens only on a contract that is open and not being cancelled."""
    if contract.status == ContractStatus.CANCELLING:
        return Refusal(
            "cancellation_under_way",
            _(
                "A cancellation of this contract is under way. Finish it, or decline it, "
                "before changing the milestones."
            ),
        )
    if not contract.is_open:
        return Refusal(
            "contract_closed",
            _("This contract has ended (it is %(status)s).")
            % {"status": ContractStatus(contract.status).label},
        )
    return None


# --- Milestones -----------------------------------------------------------------------------


def milestones_propose_refusal(*, actor_id: int, contract: ContractFacts) -> Refusal | None:
    """The client proposes the plan (計画); refused while cancelling or after the end."""
    return _only(contract, actor_id, "client") or _contract_state_refusal(contract)


def milestones_agree_refusal(
    *, actor_id: int, contract: ContractFacts, proposed: int
) -> Refusal | None:
    """The lancer agrees to the proposed milestones (契約の承諾)."""
    refusal = _only(contract, actor_id, "lancer") or _contract_state_refusal(contract)
    if refusal is not None:
        return refusal
    if contract.status != ContractStatus.AGREEING or proposed == 0:
        return Refusal("nothing_to_agree", _("There are no proposed milestones to agree to."))
    return None


def escrow_refusal(
    *, actor_id: int, contract: ContractFacts, milestone: MilestoneFacts
) -> Refusal | None:
    """B3: the client pays an agreed milestone into escrow (仮払い)."""
    refusal = _only(contract, actor_id, "client") or _contract_state_refusal(contract)
    if refusal is not None:
        return refusal
    if milestone.status == MilestoneStatus.PROPOSED:
        return Refusal(
            "not_agreed",
            _("The lancer has not agreed to this milestone yet; it cannot be escrowed."),
        )
    if milestone.status != MilestoneStatus.AWAITING_ESCROW:
        return Refusal(
            "already_escrowed",
            _("This milestone is not waiting for escrow (it is %(status)s).")
            % {"status": MilestoneStatus(milestone.status).label},
        )
    return None


def deliver_refusal(
    *, actor_id: int, contract: ContractFacts, milestone: MilestoneFacts
) -> Refusal | None:
    """B3: the lancer delivers (納品) an escrowed milestone, once until the client decides."""
    refusal = _only(contract, actor_id, "lancer") or _contract_state_refusal(contract)
    if refusal is not None:
        return refusal
    if milestone.status == MilestoneStatus.DELIVERED:
        return Refusal(
            "already_delivered",
            _("This milestone is already delivered and waits for the client's acceptance."),
        )
    if milestone.status != MilestoneStatus.ESCROWED:
        return Refusal(
            "not_escrowed",
            _("Only an escrowed milestone can be delivered (it is %(status)s).")
            % {"status": MilestoneStatus(milestone.status).label},
        )
    return None


def client_decision_refusal(
    *, actor_id: int, contract: ContractFacts, milestone: MilestoneFacts
) -> Refusal | None:
    """B3: the client accepts (検収) a delivery or asks for changes."""
    refusal = _only(contract, actor_id, "client") or _contract_state_refusal(contract)
    if refusal is not None:
        return refusal
    if milestone.status in (MilestoneStatus.PROPOSED, MilestoneStatus.AWAITING_ESCROW):
        return Refusal(
            "not_escrowed",
            _("This milestone is not escrowed yet; there is nothing to accept."),
        )
    if milestone.status == MilestoneStatus.ESCROWED:
        return Refusal("not_delivered", _("The lancer has not delivered this milestone yet."))
    if milestone.status != MilestoneStatus.DELIVERED:
        return Refusal(
            "already_decided",
            _("This milestone can no longer be accepted (it is %(status)s).")
            % {"status": MilestoneStatus(milestone.status).label},
        )
    return None


# --- Cancellation (B4) ----------------------------------------------------------------------


# The action that completes each open step, and the side who takes it. Step (1)'s side is
# "other": the side that did not propose.
STEP_ACTIONS: dict[str, tuple[str, str]] = {
    CancellationStep.PROPOSED: ("agree", "other"),
    CancellationStep.AGREED: ("escrow_cancel", "lancer"),
    CancellationStep.ESCROW_CANCELLED: ("plan_delete", "client"),
    CancellationStep.PLAN_DELETED: ("deletion_approve", "lancer"),
}
# What each action moves the cancellation to.
STEP_TARGETS: dict[str, str] = {
    "agree": CancellationStep.AGREED,
    "decline": CancellationStep.DECLINED,
    "escrow_cancel": CancellationStep.ESCROW_CANCELLED,
    "plan_delete": CancellationStep.PLAN_DELETED,
    "deletion_approve": CancellationStep.DONE,
}


def next_actor_id(*, step: str, contract: ContractFacts, proposed_by_id: int) -> int | None:
    """B4: who must take the next step (None once the attempt ended)."""
    if step not in STEP_ACTIONS:
        return None
    side = STEP_ACTIONS[step][1]
    if side == "other":
        return contract.lancer_id if proposed_by_id == contract.client_id else contract.client_id
    return contract.client_id if side == "client" else contract.lancer_id


def cancellation_propose_refusal(
    *, actor_id: int, contract: ContractFacts, reason: str
) -> Refusal | None:
    """B4 (1): either side proposes cancelling an open contract, with a reason."""
    refusal = _not_side(contract, actor_id)
    if refusal is not None:
        return refusal
    if contract.status == ContractStatus.CANCELLING:
        return Refusal(
            "cancellation_under_way", _("A cancellation of this contract is already under way.")
        )
    if not contract.is_open:
        return Refusal(
            "contract_closed",
            _("This contract has ended (it is %(status)s).")
            % {"status": ContractStatus(contract.status).label},
        )
    return None


def cancellation_step_refusal(
    action: str,
    *,
    actor_id: int,
    contract: ContractFacts,
    cancellation: CancellationFacts | None,
) -> Refusal | None:
    """B4: may `actor_id` take `action` (agree, decline, escrow_cancel, plan_delete,
    deletion_approve) now? Each step only by the side named and only in its order."""
    if action not in STEP_TARGETS:
        raise ValueError(f"unknown cancellation action {action!r}")
    refusal = _not_side(contract, actor_id)
    if refusal is not None:
        return refusal
    if cancellation is None or cancellation.step not in CANCELLATION_OPEN_STEPS:
        return Refusal("no_cancellation", _("No cancellation of this contract is under way."))
    expected = "agree" if action == "decline" else action
    step_action, _side = STEP_ACTIONS[cancellation.step]
    if expected != step_action:
        return Refusal(
            "wrong_step",
            _("This is not the step the cancellation is waiting for: %(step)s.")
            % {"step": _STEP_WAITING[step_action]},
        )
    if actor_id != cancellation.next_actor_id:
        if cancellation.step == CancellationStep.PROPOSED:
            message = _("You proposed this cancellation; the other side must agree or decline.")
        elif cancellation.next_actor_id == contract.lancer_id:
            message = _("Only the lancer can take this step of the cancellation.")
        else:
            message = _("Only the client can take this step of the cancellation.")
        return Refusal("not_your_step", message, status=403)
    return None


_STEP_WAITING = {
    "agree": _("(1) agreement to cancel"),
    "escrow_cancel": _("(2) escrow cancellation by the lancer"),
    "plan_delete": _("(3) plan deletion by the client"),
    "deletion_approve": _("(4) approval of the deletion by the lancer"),
}


# --- B7 clock -------------------------------------------------------------------------------


def step_due(started: datetime) -> datetime:
    """B7: a step started at `started` is taken automatically at this moment."""
    return started + timedelta(days=STEP_DAYS)


# --- L2: the inspection period and the payment date --------------------------------------

# Notice to both sides this long before a delivery is accepted automatically.
INSPECTION_REMINDER_BEFORE = timedelta(days=3)
# §4 of the freelance act: paid within this many days of the day the work was received.
PAYMENT_WITHIN_DAYS = 60
# The periodic acceptance runs every few minutes; a deadline late in the evening may be
# taken after midnight. The latest payment date allows for one day of it.
AUTO_ACCEPT_SLACK = timedelta(days=1)


def inspection_due(delivered_at: datetime, *, days: int) -> datetime:
    """L2: when a delivery made at `delivered_at` is accepted automatically."""
    return delivered_at + timedelta(days=days)


def inspection_reminder_due(
    *, due_at: datetime | None, reminded_at: datetime | None, now: datetime
) -> bool:
    """L2: the notice 3 days before the automatic acceptance, once per delivery."""
    return (
        due_at is not None
        and due_at - INSPECTION_REMINDER_BEFORE <= now < due_at
        and (reminded_at is None or reminded_at < due_at - INSPECTION_REMINDER_BEFORE)
    )


def inspection_over(*, due_at: datetime | None, now: datetime) -> bool:
    return due_at is not None and due_at <= now


def payment_date(accepted_on: date) -> date:
    """M3, L2: the payout day of a reward accepted (credited) on this day."""
    return calendar.cycle_for_confirmation(accepted_on).pay_date


def latest_payment_date(delivered_on: date, *, inspection_days: int) -> date:
    """L2: the latest day a milestone delivered on `delivered_on` is paid: accepted at the
    latest when its inspection period ends (by the client, or automatically, allowing one
    day for the periodic run), then paid on the payout day of the close that follows."""
    accepted_by = delivered_on + timedelta(days=inspection_days) + AUTO_ACCEPT_SLACK
    return payment_date(accepted_by)


def inspection_days_problem(days: int, *, years: Sequence[int]) -> str | None:
    """L2: why an inspection period could pay some delivery of these years later than 60
    days after it (None when it cannot): checked for every delivery day."""
    if days < 1:
        return f"INSPECTION_DAYS must be at least 1 (it is {days})."
    day = date(min(years), 1, 1)
    while day.year <= max(years):
        latest = latest_payment_date(day, inspection_days=days)
        if (latest - day).days > PAYMENT_WITHIN_DAYS:
            return (
                f"INSPECTION_DAYS={days} would pay a delivery of {day} on {latest}, "
                f"{(latest - day).days} days later: the law allows {PAYMENT_WITHIN_DAYS}."
            )
        day += timedelta(days=1)
    return None


def cancellation_done_by(*, step: str, step_due_at: datetime | None) -> datetime | None:
    """B4, B7: the latest moment an open cancellation ends on its own: the pending step is
    taken at its due time, and each later open step STEP_DAYS after the one before (step
    (5) follows (4) at once). None while no step is running."""
    if step_due_at is None:
        return None
    remaining = 0
    if step in CANCELLATION_OPEN_STEPS:
        remaining = len(CANCELLATION_OPEN_STEPS) - 1 - CANCELLATION_OPEN_STEPS.index(step)
    return step_due_at + timedelta(days=STEP_DAYS * remaining)


def inactivity_cancel_at(last_activity_at: datetime) -> datetime:
    """B7: when a contract untouched since `last_activity_at` is cancelled."""
    return last_activity_at + timedelta(days=INACTIVITY_DAYS)


def step_overdue(cancellation: CancellationFacts, *, now: datetime) -> bool:
    return (
        cancellation.step in CANCELLATION_OPEN_STEPS
        and cancellation.step_due_at is not None
        and cancellation.step_due_at <= now
    )


def step_reminder_due(
    cancellation: CancellationFacts, *, reminded_step: str, now: datetime
) -> bool:
    """B7: one day before the automatic step, once per step."""
    return (
        cancellation.step in CANCELLATION_OPEN_STEPS
        and cancellation.step_due_at is not None
        and cancellation.step_due_at - REMINDER_BEFORE <= now < cancellation.step_due_at
        and reminded_step != cancellation.step
    )


def inactivity_cancel_due(
    *, status: str, has_open_cancellation: bool, last_activity_at: datetime, now: datetime
) -> bool:
    """B7: a contract untouched for a year is cancelled (an open cancellation finishes on
    its own within four steps, so it is left to do so)."""
    return (
        status in CONTRACT_OPEN_STATUSES
        and not has_open_cancellation
        and inactivity_cancel_at(last_activity_at) <= now
    )


def inactivity_warning_due(
    *,
    status: str,
    has_open_cancellation: bool,
    last_activity_at: datetime,
    warned_at: datetime | None,
    now: datetime,
) -> bool:
    """B7: warning mail a month before the inactivity cancellation, once per quiet spell."""
    return (
        status in CONTRACT_OPEN_STATUSES
        and not has_open_cancellation
        and last_activity_at + timedelta(days=INACTIVITY_DAYS - INACTIVITY_WARNING_DAYS) <= now
        and (warned_at is None or warned_at < last_activity_at)
    )


# --- Ratings (B5) ---------------------------------------------------------------------------


def can_be_rated(contract: ContractFacts) -> bool:
    """B5: after completion, or after a cancellation once work had started."""
    return contract.status == ContractStatus.COMPLETED or (
        contract.status == ContractStatus.CANCELLED and contract.work_started
    )


def rating_refusal(
    *, actor_id: int, contract: ContractFacts, already_rated: bool, value: str, comment: str
) -> Refusal | None:
    refusal = _not_side(contract, actor_id)
    if refusal is not None:
        return refusal
    if not can_be_rated(contract):
        if contract.status == ContractStatus.CANCELLED:
            return Refusal(
                "no_work",
                _("This contract was cancelled before any work started; it is not rated."),
            )
        return Refusal("not_ended", _("A contract can be rated once it has ended."))
    if already_rated:
        return Refusal("already_rated", _("You have already rated this contract."))
    if value not in RatingValue.values:
        return Refusal(
            "bad_value", _("Choose satisfied or disappointed."), status=400, field="value"
        )
    return None


def funded(status: str) -> bool:
    return status in MILESTONE_FUNDED_STATUSES
