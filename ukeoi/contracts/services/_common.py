"""What the contracts services share: refusals, the contract lock, notices, transitions."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.locks import lock_users
from ukeoi.accounts.models import User
from ukeoi.contracts import rules, selectors
from ukeoi.contracts.enums import (
    CANCELLATION_OPEN_STEPS,
    CANCELLATION_TRANSITIONS,
    CONTRACT_TRANSITIONS,
    MILESTONE_TRANSITIONS,
)
from ukeoi.contracts.locks import (
    lock_contract,
    lock_milestone,
)
from ukeoi.contracts.models import Cancellation, Contract, Milestone
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import AccountWithdrawn, Conflict, NotFound, Refusal, refuse
from ukeoi.core.mail import absolute_url, notify
from ukeoi.core.transitions import transition

# The ledger names a milestone's escrow account by this subject (M1).


ESCROW_SUBJECT = "contracts.milestone"


def _mail(recipient: User, template: str, **context: Any) -> None:
    """A notice of this app (templates `contracts_<name>`); none to a withdrawn account."""
    notify(recipient, f"contracts_{template}", **context)


def _mail_both(contract: Contract, users: dict[int, User], template: str, **context: Any) -> None:
    for pk in (contract.client_id, contract.lancer_id):
        _mail(
            users[pk],
            template,
            contract=contract,
            link=absolute_url(contract.get_absolute_url()),
            **context,
        )


@dataclass
class _Locked:
    users: dict[int, User]
    contract: Contract

    @property
    def client(self) -> User:
        return self.users[self.contract.client_id]

    @property
    def lancer(self) -> User:
        return self.users[self.contract.lancer_id]


def _lock(actor: User | None, contract_id: int) -> _Locked:
    """Lock both sides (and the actor) in pk order, then the contract. W6: a withdrawn actor
    is refused. A2: to an actor who may not see the contract it does not exist (404), so no
    refusal tells a stranger that it does. Call inside transaction.atomic()."""
    head = Contract.objects.filter(pk=contract_id).values("client_id", "lancer_id").first()
    if head is None or (
        actor is not None and not selectors.may_see(actor, head["client_id"], head["lancer_id"])
    ):
        raise NotFound(_("That contract does not exist."))
    others = [head["client_id"], head["lancer_id"]]
    users = lock_users(*([actor.pk] if actor is not None else []), *others)
    if actor is not None and (actor.pk not in users or users[actor.pk].is_withdrawn):
        raise AccountWithdrawn()
    return _Locked(users=users, contract=lock_contract(contract_id))


MilestoneRule = Callable[..., Refusal | None]


def _lock_milestone_step(
    actor: User, contract_id: int, milestone_id: int, rule: MilestoneRule
) -> tuple[_Locked, Milestone]:
    """Lock both sides and the contract (`_lock`), then the milestone, and refuse what the
    step's rule refuses (`rule(actor_id=, contract=, milestone=)`, a rules.*_refusal).
    Call inside transaction.atomic()."""
    locked = _lock(actor, contract_id)
    milestone = lock_milestone(milestone_id)
    refusal = rule(
        actor_id=actor.pk,
        contract=rules.ContractFacts.of(locked.contract),
        milestone=rules.MilestoneFacts.of(milestone),
    )
    if refusal is not None:
        refuse(refusal)
    return locked, milestone


def _contract_of_milestone(milestone_id: int, *, actor: User) -> int:
    """The milestone's contract, read before any lock and before the input is checked. A2:
    to an actor who may not see the contract the milestone does not exist (404)."""
    head = (
        Milestone.objects.filter(pk=milestone_id)
        .values("contract_id", "contract__client_id", "contract__lancer_id")
        .first()
    )
    if head is None or not selectors.may_see(
        actor, head["contract__client_id"], head["contract__lancer_id"]
    ):
        raise NotFound(_("That milestone does not exist."))
    return int(head["contract_id"])


def _refuse_if_other_withdrawn(locked: _Locked, actor: User) -> None:
    """W6: no new obligation (agreement, escrow) with an account that has left."""
    other = locked.users[locked.contract.other_side_id(actor.pk)]
    if other.is_withdrawn:
        raise Conflict(
            _("The other side has withdrawn from ukeoi; this contract can only be cancelled."),
            code="counterpart_withdrawn",
        )


def _touch(contract: Contract, now: datetime) -> None:
    """B7: any action of either side restarts the inactivity clock."""
    contract.last_activity_at = now
    contract.updated_at = now
    contract.save(update_fields=["last_activity_at", "updated_at"])


def _move_contract(
    contract: Contract, new: str, *, actor: User | None, action: str, fields: Sequence[str] = ()
) -> None:
    contract.updated_at = clock.now()
    transition(
        contract,
        new,
        table=CONTRACT_TRANSITIONS,
        actor=actor,
        action=action,
        fields=["updated_at", *fields],
    )


def _move_milestone(
    milestone: Milestone, new: str, *, actor: User | None, action: str, fields: Sequence[str] = ()
) -> None:
    transition(
        milestone, new, table=MILESTONE_TRANSITIONS, actor=actor, action=action, fields=fields
    )


def _move_cancellation(
    cancellation: Cancellation,
    new: str,
    *,
    contract: Contract,
    actor: User | None,
    action: str,
    now: datetime,
) -> None:
    """B4: the cancellation's step moves through CANCELLATION_TRANSITIONS (audited); the
    next actor and the B7 due time follow from the new step."""
    before = cancellation.step
    if new not in CANCELLATION_TRANSITIONS.get(before, set()):
        raise Conflict(_("This is not possible in the current state."), code="invalid_transition")
    cancellation.step = new
    cancellation.reminded_step = ""
    if new in CANCELLATION_OPEN_STEPS:
        cancellation.next_actor_id = rules.next_actor_id(
            step=new,
            contract=rules.ContractFacts.of(contract),
            proposed_by_id=cancellation.proposed_by_id,
        )
        cancellation.step_due_at = rules.step_due(now)
        cancellation.finished_at = None
    else:
        cancellation.next_actor_id = None
        cancellation.step_due_at = None
        cancellation.finished_at = now
    cancellation.save(
        update_fields=["step", "reminded_step", "next_actor", "step_due_at", "finished_at"]
    )
    audit(
        actor=actor,
        subject=cancellation,
        action=action,
        before={"step": before},
        after={"step": new, "next_actor": cancellation.next_actor_id},
    )
