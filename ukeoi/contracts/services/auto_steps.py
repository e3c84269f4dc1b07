"""B7, L2: nothing strands. Deliveries past their inspection period are accepted, overdue
cancellation steps taken and inactive contracts cancelled."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from ukeoi.contracts import rules
from ukeoi.contracts.enums import (
    CANCELLATION_OPEN_STEPS,
    CONTRACT_OPEN_STATUSES,
    CONTRACT_TRANSITIONS,
    ContractStatus,
    MilestoneStatus,
)
from ukeoi.contracts.locks import (
    lock_milestone,
    lock_milestones,
    lock_open_cancellation,
)
from ukeoi.contracts.models import Cancellation, Contract, Milestone

# The ledger names a milestone's escrow account by this subject (M1).
from ukeoi.contracts.services._common import _lock, _Locked, _mail_both
from ukeoi.contracts.services.cancellation import _cancel_escrow, _delete_plan, _take_step
from ukeoi.contracts.services.delivery import accept_delivered
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.transitions import transition


@dataclass
class AutoStepReport:
    reminded: int = 0
    stepped: int = 0
    warned: int = 0
    cancelled: int = 0
    inspection_reminded: int = 0
    accepted: int = 0


def contracts_auto_step(*, now: datetime | None = None) -> AutoStepReport:
    """B7, L2, periodic (Celery beat and `manage.py contracts_auto_step`):

    - a delivery whose inspection period ends in 3 days: notice to both, once per delivery;
    - a delivery whose inspection period has ended: accepted automatically through the same
      acceptance as the client's (same posting, same key), mail to both;
    - a cancellation step due in under a day: reminder mail to both, once per step;
    - a step left undone 7 days: taken automatically for the side who must act, mail to both;
    - a contract without activity for 335 days: warning mail, once per quiet spell;
    - for 365 days: cancelled, escrow (and client fee) refunded, pending payments cancelled,
      milestones not funded deleted, mail to both.

    Idempotent and safe to run concurrently: each item is handled in its own transaction
    after re-reading it under the same row locks the services take (users, contract,
    cancellation), so a second run finds it done and does nothing."""
    now = now or clock.now()
    report = AutoStepReport()
    _inspections(now, report)
    open_cancellations = Cancellation.objects.filter(
        step__in=CANCELLATION_OPEN_STEPS, step_due_at__lte=now + rules.REMINDER_BEFORE
    ).order_by("step_due_at", "pk")
    for pk, contract_id in list(open_cancellations.values_list("pk", "contract_id")):
        with transaction.atomic():
            locked = _lock(None, contract_id)
            cancellation = lock_open_cancellation(locked.contract)
            if cancellation is None or cancellation.pk != pk:
                continue
            facts = rules.CancellationFacts.of(cancellation)
            if rules.step_overdue(facts, now=now):
                action = rules.STEP_ACTIONS[cancellation.step][0]
                _take_step(
                    action,
                    locked=locked,
                    cancellation=cancellation,
                    actor=None,
                    now=now,
                    automatic=True,
                )
                report.stepped += 1
            elif rules.step_reminder_due(facts, reminded_step=cancellation.reminded_step, now=now):
                cancellation.reminded_step = cancellation.step
                cancellation.save(update_fields=["reminded_step"])
                audit(
                    actor=None,
                    subject=cancellation,
                    action="cancellation.reminded",
                    after={"step": cancellation.step},
                )
                _mail_both(
                    locked.contract,
                    locked.users,
                    "cancellation_reminder",
                    cancellation=cancellation,
                    action=rules.STEP_ACTIONS[cancellation.step][0],
                )
                report.reminded += 1
    quiet_since = now - timedelta(days=rules.INACTIVITY_DAYS - rules.INACTIVITY_WARNING_DAYS)
    quiet = Contract.objects.filter(
        status__in=CONTRACT_OPEN_STATUSES,
        open_cancellation__isnull=True,
        last_activity_at__lte=quiet_since,
    ).order_by("last_activity_at", "pk")
    for contract_id in list(quiet.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = _lock(None, contract_id)
            contract = locked.contract
            quiet_facts: dict[str, Any] = {
                "status": contract.status,
                "has_open_cancellation": contract.open_cancellation_id is not None,
                "last_activity_at": contract.last_activity_at,
                "now": now,
            }
            if rules.inactivity_cancel_due(**quiet_facts):
                _cancel_inactive(locked, now=now)
                report.cancelled += 1
            elif rules.inactivity_warning_due(
                warned_at=contract.inactivity_warned_at, **quiet_facts
            ):
                contract.inactivity_warned_at = now
                contract.save(update_fields=["inactivity_warned_at"])
                audit(actor=None, subject=contract, action="contract.inactivity_warned")
                _mail_both(contract, locked.users, "inactivity_warning")
                report.warned += 1
    return report


def _inspections(now: datetime, report: AutoStepReport) -> None:
    """L2: the deliveries whose period ends within 3 days, each in its own transaction,
    re-read under the contract's locks (a client's acceptance or request for changes in
    the meantime wins; a second run finds nothing to do)."""
    due = Milestone.objects.filter(
        status=MilestoneStatus.DELIVERED,
        inspection_due_at__lte=now + rules.INSPECTION_REMINDER_BEFORE,
    ).order_by("inspection_due_at", "pk")
    for pk, contract_id in list(due.values_list("pk", "contract_id")):
        with transaction.atomic():
            locked = _lock(None, contract_id)
            milestone = lock_milestone(pk)
            if milestone.status != MilestoneStatus.DELIVERED:
                continue
            if rules.inspection_over(due_at=milestone.inspection_due_at, now=now):
                accept_delivered(locked, milestone, actor=None, now=now)
                report.accepted += 1
            elif rules.inspection_reminder_due(
                due_at=milestone.inspection_due_at,
                reminded_at=milestone.inspection_reminded_at,
                now=now,
            ):
                milestone.inspection_reminded_at = now
                milestone.save(update_fields=["inspection_reminded_at"])
                audit(actor=None, subject=milestone, action="milestone.inspection_reminded")
                _mail_both(
                    locked.contract, locked.users, "inspection_reminder", milestone=milestone
                )
                report.inspection_reminded += 1


def _cancel_inactive(locked: _Locked, *, now: datetime) -> None:
    contract = locked.contract
    milestones = lock_milestones(contract)
    # L3: delivered work is accepted first (and may complete the contract); only what was
    # not delivered is cancelled.
    for milestone in milestones:
        if milestone.status == MilestoneStatus.DELIVERED:
            accept_delivered(locked, milestone, actor=None, now=now)
    if contract.status == ContractStatus.COMPLETED:
        return
    _cancel_escrow(milestones, locked=locked, actor=None)
    _delete_plan(milestones, actor=None)
    contract.cancelled_at = now
    contract.updated_at = now
    transition(
        contract,
        ContractStatus.CANCELLED,
        table=CONTRACT_TRANSITIONS,
        actor=None,
        action="contract.cancelled_inactive",
        fields=["cancelled_at", "updated_at"],
    )
    _mail_both(contract, locked.users, "inactivity_cancelled")
