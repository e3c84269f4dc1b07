"""Contracts use cases (B3–B7, B6, M1, M2, W6).

Each is one transaction that locks its rows in the order of `ukeoi.contracts.locks` (both
sides' user rows first), refuses a withdrawn actor, asks a pure rule, writes through the
transition tables (audited), posts money only through `ledger.post` with keys derived from
the object, and sends its mail after commit.

Escrow (仮払い) goes through the jobs app's client payments: `milestone_escrow` (the
client) creates a `jobs.ClientPayment` of purpose `milestone` for amount + client fee and
mails the transfer instructions; an operator confirms the transfer with the one
confirmation service, `jobs.services.client_payment_confirm`, which posts bank -> the
client's payments and sends `jobs.signals.client_payment_confirmed`. The receiver here
(`payment_confirmed`) moves the milestone to escrowed and posts client payments -> the
milestone's escrow (`escrow_account("contracts.milestone", pk)`) + client fee revenue.
jobs never imports contracts (DESIGN.md's dependency direction).

Money (B6: every fee at the contract's rates, the ones in force when it was made and stored
on it, `ukeoi.core.fees`; a milestone's fees are fixed when the lancer agrees to it):
- acceptance: escrow -> lancer reward (amount - lancer fee) + lancer fee revenue,
  key `milestone:<pk>:accept`;
- B4 step (2) and B7 inactivity: escrow -> the client's refunds account, and the client fee
  back from client fee revenue, key `milestone:<pk>:escrow_cancel`. The client fee is
  refunded too: B6 charges fees on accepted amounts, and a cancelled milestone was never
  accepted.

B4 step (2) with nothing in escrow (no milestone escrowed or delivered) is recorded as done
automatically when both agree ("cancellation.escrow_cancel_skipped"), so the client is next.
Pending payments of milestones awaiting escrow are cancelled at step (2) (or its skip).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.contracts import rules, selectors
from ukeoi.contracts.enums import (
    CANCELLATION_OPEN_STEPS,
    CANCELLATION_TRANSITIONS,
    CONTRACT_OPEN_STATUSES,
    CONTRACT_TRANSITIONS,
    MILESTONE_FUNDED_STATUSES,
    MILESTONE_TRANSITIONS,
    CancellationStep,
    ContractStatus,
    MilestoneStatus,
)
from ukeoi.contracts.locks import (
    lock_contract,
    lock_milestone,
    lock_milestones,
    lock_open_cancellation,
)
from ukeoi.contracts.models import Cancellation, Contract, Delivery, Milestone, Rating
from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.core import clock, fees
from ukeoi.core.audit import audit
from ukeoi.core.errors import ApplicationError, Conflict, InvalidInput, NotAllowed, NotFound
from ukeoi.core.mail import absolute_url, notify
from ukeoi.core.transitions import transition
from ukeoi.core.validators import DELIVERY_TYPES, MB, upload_validators
from ukeoi.jobs.enums import (
    PAYMENT_TRANSITIONS,
    JobFormat,
    PaymentPurpose,
    PaymentStatus,
)
from ukeoi.jobs.locks import lock_payment, lock_proposal, lock_users
from ukeoi.jobs.models import ClientPayment, Proposal
from ukeoi.jobs.rules import Refusal
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind

__all__ = [
    "MilestoneDraft",
    "cancellation_agree",
    "cancellation_decline",
    "cancellation_deletion_approve",
    "cancellation_escrow_cancel",
    "cancellation_plan_delete",
    "cancellation_propose",
    "contract_complete",
    "contract_create_from_proposal",
    "contracts_auto_step",
    "milestone_accept",
    "milestone_deliver",
    "milestone_escrow",
    "milestone_request_changes",
    "milestones_agree",
    "milestones_propose",
    "payment_confirmed",
    "rating_submit",
]

# The ledger names a milestone's escrow account by this subject (M1).
ESCROW_SUBJECT = "contracts.milestone"


class ActionRefused(Conflict):
    """Not possible in the current state (409)."""


class ActionNotAllowed(NotAllowed):
    """Not this account's to do (403)."""


class AccountWithdrawn(NotAllowed):
    code = "account_withdrawn"


def _refuse(refusal: Refusal) -> NoReturn:
    if refusal.status == 400:
        raise InvalidInput(
            refusal.message,
            code=refusal.code,
            fields={refusal.field: [refusal.message]} if refusal.field else None,
        )
    error_class: type[ApplicationError] = (
        ActionNotAllowed if refusal.status == 403 else ActionRefused
    )
    raise error_class(refusal.message, code=refusal.code)


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
        raise AccountWithdrawn(_("This account has been withdrawn and can no longer do this."))
    return _Locked(users=users, contract=lock_contract(contract_id))


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
        raise ActionRefused(
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
        raise ActionRefused(
            _("This is not possible in the current state."), code="invalid_transition"
        )
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


# --- Creation and plan ----------------------------------------------------------------------


def contract_create_from_proposal(*, actor: User | None, proposal_id: int) -> Contract:
    """B1, B3: a selected project proposal becomes a contract (status agreeing) with one
    milestone of the proposal's amount, proposed and waiting for the lancer's agreement.

    Called by the receiver of `jobs.signals.proposal_selected` inside the selection's
    transaction. Idempotent: a proposal has at most one contract (returns it). W6: refused
    when either side has withdrawn (checked with both user rows locked)."""
    existing = Contract.objects.filter(proposal_id=proposal_id).first()
    if existing is not None:
        return existing
    head = (
        Proposal.objects.filter(pk=proposal_id)
        .values("lancer_id", "job__client_id", "job__format")
        .first()
    )
    if head is None:
        raise NotFound(_("That proposal does not exist."))
    if head["job__format"] != JobFormat.PROJECT:
        raise ActionRefused(
            _("Only a project's proposal becomes a contract."), code="not_a_project"
        )
    with transaction.atomic():
        users = lock_users(head["lancer_id"], head["job__client_id"])
        # W6: a contract is a new obligation; none with an account that has left (jobs
        # refuses the selection first; this holds whoever calls, under the same locks).
        if any(user.is_withdrawn for user in users.values()):
            raise ActionRefused(
                _("One side has withdrawn from ukeoi; no contract can be made with them."),
                code="side_withdrawn",
            )
        proposal = lock_proposal(proposal_id)
        existing = Contract.objects.filter(proposal=proposal).first()
        if existing is not None:
            return existing
        job = proposal.job
        now = clock.now()
        # B6: the contract is the agreement: charged at the rates in force now, for good.
        rates = fees.rates_in_force()
        contract = Contract.objects.create(
            job=job,
            proposal=proposal,
            client_id=job.client_id,
            lancer_id=proposal.lancer_id,
            thread=getattr(proposal, "thread", None),
            title=job.title,
            status=ContractStatus.AGREEING,
            client_fee_permille=rates.client_permille,
            lancer_fee_permille=rates.lancer_permille,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        milestone = Milestone.objects.create(
            contract=contract,
            position=1,
            title=job.title[: rules.MILESTONE_TITLE_MAX],
            amount=proposal.amount,
            due_date=proposal.delivery_date,
            created_at=now,
        )
        audit(
            actor=actor,
            subject=contract,
            action="contract.created",
            after={
                "status": contract.status,
                "proposal": proposal.pk,
                "milestone": milestone.pk,
                "amount": milestone.amount,
                "client_fee_permille": contract.client_fee_permille,
                "lancer_fee_permille": contract.lancer_fee_permille,
            },
        )
        # No mail of its own: jobs tells the lancer the proposal was selected, and the
        # client made the selection.
    return contract


def milestones_propose(
    *, actor: User, contract_id: int, milestones: Sequence[MilestoneDraft]
) -> list[Milestone]:
    """The client proposes milestones (計画: title, amount, due date). They replace any
    proposals the lancer has not agreed to yet; agreed milestones stay. An in-progress
    contract goes back to agreeing until the lancer agrees. Amounts are whole yen >= 1."""
    problems = rules.milestone_drafts_problems(list(milestones), today=clock.today())
    if problems:
        raise InvalidInput.of(problems)
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        refusal = rules.milestones_propose_refusal(
            actor_id=actor.pk, contract=rules.ContractFacts.of(contract)
        )
        if refusal is not None:
            _refuse(refusal)
        now = clock.now()
        existing = lock_milestones(contract)
        for old in existing:
            if old.status == MilestoneStatus.PROPOSED:
                _move_milestone(
                    old, MilestoneStatus.DELETED, actor=actor, action="milestone.replaced"
                )
        position = (
            Milestone.objects.filter(contract=contract).aggregate(top=Max("position"))["top"] or 0
        )
        created = []
        for draft in milestones:
            position += 1
            assert draft.amount is not None
            created.append(
                Milestone.objects.create(
                    contract=contract,
                    position=position,
                    title=draft.title.strip(),
                    amount=draft.amount,
                    due_date=draft.due_date,
                    created_at=now,
                )
            )
        audit(
            actor=actor,
            subject=contract,
            action="milestones.proposed",
            after={"milestones": [[m.pk, m.amount] for m in created]},
        )
        if contract.status == ContractStatus.IN_PROGRESS:
            _move_contract(
                contract, ContractStatus.AGREEING, actor=actor, action="contract.agreeing"
            )
        _touch(contract, now)
        _mail(
            locked.lancer,
            "milestones_proposed",
            contract=contract,
            milestones=created,
            link=absolute_url(contract.get_absolute_url()),
        )
    return created


def milestones_agree(*, actor: User, contract_id: int) -> Contract:
    """The lancer agrees to the proposed milestones: they await escrow, with their fees
    fixed at the contract's rates (B6), and the contract is in progress. Refused if either
    side has withdrawn (W6)."""
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        milestones = lock_milestones(contract)
        proposed = [m for m in milestones if m.status == MilestoneStatus.PROPOSED]
        refusal = rules.milestones_agree_refusal(
            actor_id=actor.pk, contract=rules.ContractFacts.of(contract), proposed=len(proposed)
        )
        if refusal is not None:
            _refuse(refusal)
        _refuse_if_other_withdrawn(locked, actor)
        now = clock.now()
        rates = fees.rates_of(contract)
        for milestone in proposed:
            milestone_fees = rules.fees_for(milestone.amount, rates)
            milestone.agreed_at = now
            milestone.client_fee = milestone_fees.client_fee
            milestone.lancer_fee = milestone_fees.lancer_fee
            _move_milestone(
                milestone,
                MilestoneStatus.AWAITING_ESCROW,
                actor=actor,
                action="milestone.agreed",
                fields=["agreed_at", "client_fee", "lancer_fee"],
            )
        _move_contract(contract, ContractStatus.IN_PROGRESS, actor=actor, action="contract.agreed")
        _touch(contract, now)
        _mail(
            locked.client,
            "milestones_agreed",
            contract=contract,
            milestones=proposed,
            link=absolute_url(contract.get_absolute_url()),
        )
    return contract


# --- Escrow, delivery, acceptance (B3, B6) --------------------------------------------------


def milestone_escrow(*, actor: User, milestone_id: int) -> Milestone:
    """B3: the client asks to escrow (仮払い) an agreed milestone: a client payment of
    amount + client fee (B6, as fixed at agreement) is created and its transfer instructions
    mailed; the milestone is escrowed when an operator confirms the transfer
    (`jobs.client_payment_confirm`).
    Idempotent: asking again while the payment is pending returns the milestone unchanged.
    W6: refused for a withdrawn client or lancer."""
    contract_id = _contract_of_milestone(milestone_id, actor=actor)
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        milestone = lock_milestone(milestone_id)
        if (
            milestone.payment_id is not None
            and milestone.status == MilestoneStatus.AWAITING_ESCROW
            and ClientPayment.objects.filter(
                pk=milestone.payment_id, status=PaymentStatus.AWAITING
            ).exists()
            and actor.pk == contract.client_id
        ):
            return milestone
        refusal = rules.escrow_refusal(
            actor_id=actor.pk,
            contract=rules.ContractFacts.of(contract),
            milestone=rules.MilestoneFacts.of(milestone),
        )
        if refusal is not None:
            _refuse(refusal)
        _refuse_if_other_withdrawn(locked, actor)
        # B6: the fees fixed when the lancer agreed, at the contract's rates.
        payment = ClientPayment.objects.create(
            client_id=contract.client_id,
            purpose=PaymentPurpose.MILESTONE,
            job_id=contract.job_id,
            escrow_amount=milestone.amount,
            client_fee=milestone.client_fee,
            amount=milestone.client_total,
        )
        audit(
            actor=actor,
            subject=payment,
            action="client_payment.requested",
            after={
                "amount": payment.amount,
                "escrow_amount": payment.escrow_amount,
                "client_fee": payment.client_fee,
                "milestone": milestone.pk,
            },
        )
        milestone.payment = payment
        milestone.save(update_fields=["payment"])
        audit(
            actor=actor,
            subject=milestone,
            action="milestone.escrow_requested",
            after={"payment": payment.pk, "client_total": payment.amount},
        )
        now = clock.now()
        _touch(contract, now)
        _mail(
            locked.client,
            "escrow_instructions",
            contract=contract,
            milestone=milestone,
            payment=payment,
            link=absolute_url(contract.get_absolute_url()),
        )
    return milestone


def payment_confirmed(*, payment: ClientPayment, actor: User | None) -> Milestone | None:
    """Receiver of `jobs.signals.client_payment_confirmed`, inside the confirmation's
    transaction (the client's row, the job and the payment are locked): the milestone the
    payment is for becomes escrowed and its money moves client payments -> escrow + client
    fee revenue (B6). Returns None for payments that are not for a milestone."""
    if payment.purpose != PaymentPurpose.MILESTONE:
        return None
    head = Milestone.objects.filter(payment=payment).values("pk", "contract_id").first()
    if head is None:
        raise ActionRefused(_("This payment is not for a milestone."), code="no_milestone")
    # The confirmation holds the client's row: every contracts service locks it first too,
    # so they are serialized. The lancer's row is not locked here: taking it after the job
    # and the payment would invert the users-first order (deadlock), and escrow creates no
    # obligation the lancer could withdraw from (the open contract already blocks W1).
    contract = lock_contract(head["contract_id"])
    locked = _Locked(
        users=User.objects.in_bulk([contract.client_id, contract.lancer_id]), contract=contract
    )
    milestone = lock_milestone(head["pk"])
    if milestone.status != MilestoneStatus.AWAITING_ESCROW or not contract.is_open:
        raise ActionRefused(
            _("This milestone is no longer waiting for its escrow."), code="milestone_not_awaiting"
        )
    cancellation = lock_open_cancellation(contract)
    if cancellation is not None and cancellation.step not in (
        CancellationStep.PROPOSED,
        CancellationStep.AGREED,
    ):
        raise ActionRefused(
            _("This contract's escrow has been cancelled; the payment cannot be taken."),
            code="escrow_cancelled",
        )
    received = ledger.client_payments_account(client=locked.client)
    escrow = ledger.escrow_account(subject_type=ESCROW_SUBJECT, subject_id=milestone.pk)
    legs = [(received, -payment.amount), (escrow, payment.escrow_amount)]
    if payment.client_fee:
        legs.append(
            (ledger.platform_account(kind=AccountKind.FEE_REVENUE_CLIENT), payment.client_fee)
        )
    ledger.post(
        key=f"client_payment:{payment.pk}:escrow",
        kind="milestone.escrow",
        legs=legs,
        memo=f"{payment.reference} {milestone.title}"[:200],
    )
    now = clock.now()
    milestone.escrow_amount = payment.escrow_amount
    milestone.client_fee = payment.client_fee
    milestone.escrowed_at = now
    _move_milestone(
        milestone,
        MilestoneStatus.ESCROWED,
        actor=actor,
        action="milestone.escrowed",
        fields=["escrow_amount", "client_fee", "escrowed_at"],
    )
    if contract.work_started_at is None:
        contract.work_started_at = now
        contract.save(update_fields=["work_started_at"])
    _touch(contract, now)
    _mail_both(contract, locked.users, "escrowed", milestone=milestone)
    return milestone


# A delivery file: at most this size, and of a kind whose content matches its name.
DELIVERY_VALIDATORS = upload_validators(max_bytes=20 * MB, kinds=DELIVERY_TYPES)


def _file_problems(file: File) -> dict[str, list[Any]]:
    messages: list[Any] = []
    for validate in DELIVERY_VALIDATORS:
        try:
            validate(file)
        except ValidationError as error:
            messages.extend(error.messages)
    return {"file": messages} if messages else {}


def milestone_deliver(
    *, actor: User, milestone_id: int, body: str = "", file: File | None = None
) -> Delivery:
    """B3: the lancer delivers (納品) an escrowed milestone: a note and/or a file. Refused
    twice in a row (it waits for the client) and before escrow."""
    contract_id = _contract_of_milestone(milestone_id, actor=actor)
    body = (body or "").strip()
    problems = rules.text_problems("body", body, rules.DELIVERY_BODY_MAX, required=file is None)
    if file is not None:
        problems.update(_file_problems(file))
    if problems:
        raise InvalidInput.of(problems)
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        milestone = lock_milestone(milestone_id)
        refusal = rules.deliver_refusal(
            actor_id=actor.pk,
            contract=rules.ContractFacts.of(contract),
            milestone=rules.MilestoneFacts.of(milestone),
        )
        if refusal is not None:
            _refuse(refusal)
        now = clock.now()
        delivery = Delivery(milestone=milestone, body=body, created_at=now)
        if file is not None:
            delivery.file = file
        delivery.save()
        milestone.delivered_at = now
        _move_milestone(
            milestone,
            MilestoneStatus.DELIVERED,
            actor=actor,
            action="milestone.delivered",
            fields=["delivered_at"],
        )
        _touch(contract, now)
        _mail(
            locked.client,
            "delivered",
            contract=contract,
            milestone=milestone,
            link=absolute_url(contract.get_absolute_url()),
        )
    return delivery


def milestone_accept(*, actor: User, milestone_id: int) -> Milestone:
    """B3, B6: the client accepts (検収) a delivered milestone: its escrow moves to the
    lancer's reward balance minus the lancer fee, which goes to fee revenue (key
    `milestone:<pk>:accept`). When every milestone still in the plan is accepted, the
    contract is completed. Refused for an unfunded or undelivered milestone."""
    contract_id = _contract_of_milestone(milestone_id, actor=actor)
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        milestone = lock_milestone(milestone_id)
        refusal = rules.client_decision_refusal(
            actor_id=actor.pk,
            contract=rules.ContractFacts.of(contract),
            milestone=rules.MilestoneFacts.of(milestone),
        )
        if refusal is not None:
            _refuse(refusal)
        now = clock.now()
        milestone.accepted_at = now
        _move_milestone(
            milestone,
            MilestoneStatus.ACCEPTED,
            actor=actor,
            action="milestone.accepted",
            fields=["accepted_at"],
        )
        _release(milestone, lancer=locked.lancer)
        _touch(contract, now)
        _mail_both(contract, locked.users, "accepted", milestone=milestone)
        _complete_if_done(contract, actor=actor, users=locked.users, now=now)
    return milestone


def _release(milestone: Milestone, *, lancer: User) -> None:
    amount = milestone.escrow_amount
    legs = [
        (ledger.escrow_account(subject_type=ESCROW_SUBJECT, subject_id=milestone.pk), -amount),
        (ledger.reward_account(lancer=lancer), amount - milestone.lancer_fee),
    ]
    if milestone.lancer_fee:
        legs.append(
            (ledger.platform_account(kind=AccountKind.FEE_REVENUE_LANCER), milestone.lancer_fee)
        )
    ledger.post(
        key=f"milestone:{milestone.pk}:accept",
        kind="milestone.accept",
        legs=legs,
        memo=milestone.title[:200],
    )


def _complete_if_done(
    contract: Contract, *, actor: User | None, users: dict[int, User], now: datetime
) -> None:
    statuses = set(
        Milestone.objects.filter(contract=contract).values_list("status", flat=True).distinct()
    )
    if MilestoneStatus.ACCEPTED in statuses and not statuses & {
        MilestoneStatus.PROPOSED,
        MilestoneStatus.AWAITING_ESCROW,
        *MILESTONE_FUNDED_STATUSES,
    }:
        contract.completed_at = now
        _move_contract(
            contract,
            ContractStatus.COMPLETED,
            actor=actor,
            action="contract.completed",
            fields=["completed_at"],
        )
        _mail_both(contract, users, "completed")


def contract_complete(*, actor: User, contract_id: int) -> Contract:
    """Completion is automatic when the last milestone is accepted (`milestone_accept`);
    this is the same check on request: refused unless every milestone still in the plan is
    accepted."""
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        refusal = rules.milestones_propose_refusal(
            actor_id=actor.pk, contract=rules.ContractFacts.of(contract)
        )
        if refusal is not None:
            _refuse(refusal)
        _complete_if_done(contract, actor=actor, users=locked.users, now=clock.now())
        if contract.status != ContractStatus.COMPLETED:
            raise ActionRefused(
                _("The contract is completed once every milestone is accepted."),
                code="milestones_open",
            )
    return contract


def milestone_request_changes(*, actor: User, milestone_id: int, comment: str) -> Milestone:
    """B3: the client asks for changes to a delivery (修正依頼): the milestone goes back to
    work (escrowed) and the lancer is told what to change."""
    contract_id = _contract_of_milestone(milestone_id, actor=actor)
    comment = (comment or "").strip()
    problems = rules.text_problems("comment", comment, rules.CHANGE_REQUEST_MAX)
    if problems:
        raise InvalidInput.of(problems)
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        milestone = lock_milestone(milestone_id)
        refusal = rules.client_decision_refusal(
            actor_id=actor.pk,
            contract=rules.ContractFacts.of(contract),
            milestone=rules.MilestoneFacts.of(milestone),
        )
        if refusal is not None:
            _refuse(refusal)
        now = clock.now()
        delivery = milestone.deliveries.order_by("-created_at", "-id").first()
        if delivery is not None:
            delivery.change_request = comment
            delivery.change_requested_at = now
            delivery.save(update_fields=["change_request", "change_requested_at"])
        _move_milestone(
            milestone, MilestoneStatus.ESCROWED, actor=actor, action="milestone.changes_requested"
        )
        _touch(contract, now)
        _mail(
            locked.lancer,
            "changes_requested",
            contract=contract,
            milestone=milestone,
            comment=comment,
            link=absolute_url(contract.get_absolute_url()),
        )
    return milestone


# --- Cancellation (B4) ----------------------------------------------------------------------


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
            _refuse(refusal)
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
            _refuse(refusal)
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
    cancelled."""
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


# --- B7: nothing strands --------------------------------------------------------------------


@dataclass
class AutoStepReport:
    reminded: int = 0
    stepped: int = 0
    warned: int = 0
    cancelled: int = 0


def contracts_auto_step(*, now: datetime | None = None) -> AutoStepReport:
    """B7, periodic (Celery beat and `manage.py contracts_auto_step`):

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


def _cancel_inactive(locked: _Locked, *, now: datetime) -> None:
    contract = locked.contract
    milestones = lock_milestones(contract)
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


# --- Ratings (B5) ---------------------------------------------------------------------------


def rating_submit(*, actor: User, contract_id: int, value: str, comment: str) -> Rating:
    """B5: after completion, or a cancellation once work had started, each side rates the
    other once: satisfied (満足) or disappointed (残念), with a comment."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        refusal = rules.rating_refusal(
            actor_id=actor.pk,
            contract=rules.ContractFacts.of(contract),
            already_rated=Rating.objects.filter(contract=contract, rater_id=actor.pk).exists(),
            value=value,
            comment=comment,
        )
        if refusal is not None:
            _refuse(refusal)
        problems = rules.text_problems("comment", comment, rules.RATING_COMMENT_MAX)
        if problems:
            raise InvalidInput.of(problems)
        ratee = locked.users[contract.other_side_id(actor.pk)]
        rating = Rating.objects.create(
            contract=contract, rater=actor, ratee=ratee, value=value, comment=comment
        )
        audit(
            actor=actor,
            subject=rating,
            action="rating.submitted",
            after={"value": value, "ratee": ratee.pk},
        )
        _mail(
            ratee,
            "rated",
            contract=contract,
            rating=rating,
            link=absolute_url(contract.get_absolute_url()),
        )
    return rating
