"""Cancellation in five steps (B4): agreed, escrow cancelled, plan deleted, approved."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from ukeoi.accounts.models import User
from ukeoi.contracts import rules
from ukeoi.contracts.enums import (
    MILESTONE_FUNDED_STATUSES,
    CancellationStep,
    ContractStatus,
    MilestoneStatus,
)
from ukeoi.contracts.locks import (
    lock_milestones,
    lock_open_cancellation,
)
from ukeoi.contracts.models import Cancellation, Milestone
from ukeoi.contracts.services._common import (
    ESCROW_SUBJECT,
    _lock,
    _Locked,
    _mail_both,
    _move_cancellation,
    _move_contract,
    _move_milestone,
    _touch,
)

# The ledger names a milestone's escrow account by this subject (M1).
from ukeoi.contracts.services.delivery import accept_delivered
from ukeoi.contracts.statement import statement_issue
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import InvalidInput, refuse
from ukeoi.core.transitions import transition
from ukeoi.jobs.enums import (
    PAYMENT_TRANSITIONS,
    PaymentStatus,
)
from ukeoi.jobs.locks import lock_payment
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind


def cancellation_propose(*, actor: User, contract_id: int, reason: str) -> Cancellation:
    """B4 (1): either side proposes cancelling the contract, with a reason; the other side
    must agree or decline within 7 days, or it is agreed automatically (B7)."""
    reason = (reason or "").strip()
    problems = rules.text_problems("reason", reason, rules.REASON_MAX)
    if problems:
        raise InvalidInput.of(problems)
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        refusal = rules.cancellation_propose_refusal(
            actor_id=actor.pk, contract=rules.ContractFacts.of(contract), reason=reason
        )
        if refusal is not None:
            refuse(refusal)
        now = clock.now()
        cancellation = Cancellation.objects.create(
            contract=contract,
            proposed_by=actor,
            reason=reason,
            step=CancellationStep.PROPOSED,
            step_due_at=rules.step_due(now),
            next_actor_id=contract.other_side_id(actor.pk),
            created_at=now,
        )
        audit(
            actor=actor,
            subject=cancellation,
            action="cancellation.proposed",
            after={"step": cancellation.step, "next_actor": cancellation.next_actor_id},
        )
        contract.open_cancellation = cancellation
        _move_contract(
            contract,
            ContractStatus.CANCELLING,
            actor=actor,
            action="contract.cancelling",
            fields=["open_cancellation"],
        )
        _touch(contract, now)
        _mail_both(contract, locked.users, "cancellation_proposed", cancellation=cancellation)
    return cancellation


def _step(action: str, *, actor: User, contract_id: int) -> Cancellation:
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        cancellation = lock_open_cancellation(contract)
        refusal = rules.cancellation_step_refusal(
            action,
            actor_id=actor.pk,
            contract=rules.ContractFacts.of(contract),
            cancellation=rules.CancellationFacts.of(cancellation) if cancellation else None,
        )
        if refusal is not None:
            refuse(refusal)
        assert cancellation is not None
        _take_step(action, locked=locked, cancellation=cancellation, actor=actor, now=clock.now())
    return cancellation


def _take_step(
    action: str,
    *,
    locked: _Locked,
    cancellation: Cancellation,
    actor: User | None,
    now: datetime,
    automatic: bool = False,
) -> None:
    """Do `action`'s effects on a locked contract whose open cancellation waits for it."""
    contract = locked.contract
    prefix = "cancellation.auto." if automatic else "cancellation."
    target = rules.STEP_TARGETS[action]
    if action == "decline":
        _move_cancellation(
            cancellation,
            target,
            contract=contract,
            actor=actor,
            action=prefix + "declined",
            now=now,
        )
        contract.open_cancellation = None
        back = (
            ContractStatus.AGREEING
            if Milestone.objects.filter(contract=contract, status=MilestoneStatus.PROPOSED).exists()
            else ContractStatus.IN_PROGRESS
        )
        _move_contract(
            contract,
            back,
            actor=actor,
            action="contract.cancel_declined",
            fields=["open_cancellation"],
        )
        _touch(contract, now)
        _mail_both(contract, locked.users, "cancellation_declined", cancellation=cancellation)
        return
    milestones = lock_milestones(contract)
    if action == "escrow_cancel":
        _cancel_escrow(milestones, locked=locked, actor=actor)
    elif action == "plan_delete":
        _delete_plan(milestones, actor=actor)
    _move_cancellation(
        cancellation, target, contract=contract, actor=actor, action=prefix + action, now=now
    )
    if action == "agree" and not any(m.status in MILESTONE_FUNDED_STATUSES for m in milestones):
        # B4 (2) has nothing to return: recorded as done, the client is next.
        _cancel_pending_payments(milestones, actor=actor)
        _move_cancellation(
            cancellation,
            CancellationStep.ESCROW_CANCELLED,
            contract=contract,
            actor=None,
            action="cancellation.escrow_cancel_skipped",
            now=now,
        )
    if action == "deletion_approve":
        contract.open_cancellation = None
        contract.cancelled_at = now
        _move_contract(
            contract,
            ContractStatus.CANCELLED,
            actor=actor,
            action="contract.cancelled",
            fields=["open_cancellation", "cancelled_at"],
        )
        # L1: the cancellation ends the terms; its statement records it.
        statement_issue(contract=contract, users=locked.users)
    _touch(contract, now)
    template = "cancellation_auto_step" if automatic else "cancellation_step"
    _mail_both(contract, locked.users, template, cancellation=cancellation, action=action)


def _cancel_pending_payments(milestones: Sequence[Milestone], *, actor: User | None) -> None:
    for milestone in milestones:
        if milestone.status == MilestoneStatus.AWAITING_ESCROW and milestone.payment_id:
            payment = lock_payment(milestone.payment_id)
            if payment.status == PaymentStatus.AWAITING:
                transition(
                    payment,
                    PaymentStatus.CANCELLED,
                    table=PAYMENT_TRANSITIONS,
                    actor=actor,
                    action="client_payment.cancelled",
                )


def _cancel_escrow(milestones: Sequence[Milestone], *, locked: _Locked, actor: User | None) -> None:
    """B4 (2), B7: every funded milestone's escrow, and its client fee (B6: fees are charged
    on accepted amounts), goes to the client's refunds account; pending payments are
    cancelled.

    L3: an automatic step (`actor` None: B4's step taken after 7 days, B7's inactivity)
    never takes a delivered milestone's money from the lancer: it is accepted first (L2),
    and only escrow for work not delivered goes back to the client."""
    if actor is None:
        now = clock.now()
        for milestone in milestones:
            if milestone.status == MilestoneStatus.DELIVERED:
                accept_delivered(locked, milestone, actor=None, now=now, complete=False)
    refunds = ledger.refunds_account(client=locked.client)
    for milestone in milestones:
        if milestone.status not in MILESTONE_FUNDED_STATUSES:
            continue
        legs = [
            (
                ledger.escrow_account(subject_type=ESCROW_SUBJECT, subject_id=milestone.pk),
                -milestone.escrow_amount,
            ),
            (refunds, milestone.escrow_amount + milestone.client_fee),
        ]
        if milestone.client_fee:
            legs.append(
                (
                    ledger.platform_account(kind=AccountKind.FEE_REVENUE_CLIENT),
                    -milestone.client_fee,
                )
            )
        ledger.post(
            key=f"milestone:{milestone.pk}:escrow_cancel",
            kind="milestone.escrow_cancel",
            legs=legs,
            memo=milestone.title[:200],
        )
        _move_milestone(
            milestone,
            MilestoneStatus.ESCROW_CANCELLED,
            actor=actor,
            action="milestone.escrow_cancelled",
        )
    _cancel_pending_payments(milestones, actor=actor)


def _delete_plan(milestones: Sequence[Milestone], *, actor: User | None) -> None:
    """B4 (3): every milestone not paid or refunded leaves the plan (計画削除)."""
    _cancel_pending_payments(milestones, actor=actor)
    for milestone in milestones:
        if milestone.status in (MilestoneStatus.PROPOSED, MilestoneStatus.AWAITING_ESCROW):
            _move_milestone(
                milestone, MilestoneStatus.DELETED, actor=actor, action="milestone.deleted"
            )


def cancellation_agree(*, actor: User, contract_id: int) -> Cancellation:
    """B4 (1): the side who did not propose agrees. With nothing in escrow, step (2) is
    recorded as done at once and the client is next; otherwise the lancer is."""
    return _step("agree", actor=actor, contract_id=contract_id)


def cancellation_decline(*, actor: User, contract_id: int) -> Cancellation:
    """B4 (1): the side who did not propose declines: this attempt ends, the contract goes
    on (back to agreeing or in progress)."""
    return _step("decline", actor=actor, contract_id=contract_id)


def cancellation_escrow_cancel(*, actor: User, contract_id: int) -> Cancellation:
    """B4 (2): the lancer cancels the escrow (仮払いキャンセル): each escrowed or delivered
    milestone's money (and client fee) goes to the client's refunds account."""
    return _step("escrow_cancel", actor=actor, contract_id=contract_id)


def cancellation_plan_delete(*, actor: User, contract_id: int) -> Cancellation:
    """B4 (3): the client deletes the plan (計画削除): milestones not escrowed are deleted."""
    return _step("plan_delete", actor=actor, contract_id=contract_id)


def cancellation_deletion_approve(*, actor: User, contract_id: int) -> Cancellation:
    """B4 (4) and (5): the lancer approves the deletion and the contract is cancelled."""
    return _step("deletion_approve", actor=actor, contract_id=contract_id)
