"""Delivery, acceptance, changes requested and completion of milestones (B3, B6)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.contracts import rules
from ukeoi.contracts.enums import (
    MILESTONE_FUNDED_STATUSES,
    ContractStatus,
    MilestoneStatus,
)
from ukeoi.contracts.models import Contract, Delivery, Milestone

# The ledger names a milestone's escrow account by this subject (M1).
from ukeoi.contracts.services._common import (
    ESCROW_SUBJECT,
    _contract_of_milestone,
    _lock,
    _lock_milestone_step,
    _Locked,
    _mail,
    _mail_both,
    _move_contract,
    _move_milestone,
    _touch,
)
from ukeoi.contracts.tax_documents import acceptance_documents_issue
from ukeoi.core import clock
from ukeoi.core.errors import Conflict, InvalidInput, refuse
from ukeoi.core.mail import absolute_url
from ukeoi.core.validators import DELIVERY_TYPES, MB, upload_validators
from ukeoi.core.withholding import withholding_tax
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind

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
        locked, milestone = _lock_milestone_step(
            actor, contract_id, milestone_id, rules.deliver_refusal
        )
        contract = locked.contract
        now = clock.now()
        delivery = Delivery(milestone=milestone, body=body, created_at=now)
        if file is not None:
            delivery.file = file
        delivery.save()
        milestone.delivered_at = now
        milestone.inspection_due_at = rules.inspection_due(now, days=settings.INSPECTION_DAYS)
        milestone.inspection_reminded_at = None
        _move_milestone(
            milestone,
            MilestoneStatus.DELIVERED,
            actor=actor,
            action="milestone.delivered",
            fields=["delivered_at", "inspection_due_at", "inspection_reminded_at"],
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
        locked, milestone = _lock_milestone_step(
            actor, contract_id, milestone_id, rules.client_decision_refusal
        )
        accept_delivered(locked, milestone, actor=actor, now=clock.now())
    return milestone


def accept_delivered(
    locked: _Locked,
    milestone: Milestone,
    *,
    actor: User | None,
    now: datetime,
    complete: bool = True,
) -> None:
    """B3, L2, L3: the acceptance of a delivered milestone, by the client (`actor`) or
    automatically (None: the inspection period ended, or B7 cancels the contract): the same
    posting with the same key either way, mail to both, the contract completed when it was
    the last (unless `complete` is False: a cancellation goes on with the rest). Call with
    the contract and the milestone locked."""
    automatic = actor is None
    milestone.accepted_at = now
    milestone.accepted_automatically = automatic
    milestone.inspection_due_at = None
    # T3: withheld from this one payment (the escrow), at the law's rate, rounded down.
    milestone.withholding_tax = (
        withholding_tax(milestone.escrow_amount) if locked.contract.withholding else 0
    )
    _move_milestone(
        milestone,
        MilestoneStatus.ACCEPTED,
        actor=actor,
        action="milestone.accepted_automatically" if automatic else "milestone.accepted",
        fields=["accepted_at", "accepted_automatically", "inspection_due_at", "withholding_tax"],
    )
    _release(milestone, locked=locked)
    # T2: the fee invoice and the reward invoice (or payment notice), with the posting.
    acceptance_documents_issue(contract=locked.contract, milestone=milestone, users=locked.users)
    _touch(locked.contract, now)
    _mail_both(
        locked.contract,
        locked.users,
        "accepted_automatically" if automatic else "accepted",
        milestone=milestone,
    )
    if complete:
        _complete_if_done(locked.contract, actor=actor, users=locked.users, now=now)


def _release(milestone: Milestone, *, locked: _Locked) -> None:
    """B3, B6, T3: the escrow goes to the lancer's reward balance, less the lancer's fee
    (platform revenue) and, when the contract is subject to withholding, the income tax
    withheld (owed by the client to the tax office). Gross = net + fee + withheld."""
    amount = milestone.escrow_amount
    withheld = milestone.withholding_tax
    legs = [
        (ledger.escrow_account(subject_type=ESCROW_SUBJECT, subject_id=milestone.pk), -amount),
        (ledger.reward_account(lancer=locked.lancer), amount - milestone.lancer_fee - withheld),
    ]
    if milestone.lancer_fee:
        legs.append(
            (ledger.platform_account(kind=AccountKind.FEE_REVENUE_LANCER), milestone.lancer_fee)
        )
    if withheld:
        legs.append((ledger.withholding_account(client=locked.client), withheld))
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
            refuse(refusal)
        _complete_if_done(contract, actor=actor, users=locked.users, now=clock.now())
        if contract.status != ContractStatus.COMPLETED:
            raise Conflict(
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
        locked, milestone = _lock_milestone_step(
            actor, contract_id, milestone_id, rules.client_decision_refusal
        )
        contract = locked.contract
        now = clock.now()
        delivery = milestone.deliveries.order_by("-created_at", "-id").first()
        if delivery is not None:
            delivery.change_request = comment
            delivery.change_requested_at = now
            delivery.save(update_fields=["change_request", "change_requested_at"])
        # L2: the inspection period starts again with the next delivery.
        milestone.inspection_due_at = None
        _move_milestone(
            milestone,
            MilestoneStatus.ESCROWED,
            actor=actor,
            action="milestone.changes_requested",
            fields=["inspection_due_at"],
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
