"""Contract creation from a selected proposal and its plan of milestones (B3, B6)."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.locks import lock_users
from ukeoi.accounts.models import User
from ukeoi.contracts import rules
from ukeoi.contracts.enums import (
    ContractStatus,
    MilestoneStatus,
)
from ukeoi.contracts.locks import (
    lock_milestones,
)
from ukeoi.contracts.models import Contract, Milestone
from ukeoi.contracts.rules import MilestoneDraft

# The ledger names a milestone's escrow account by this subject (M1).
from ukeoi.contracts.services._common import (
    _lock,
    _mail,
    _move_contract,
    _move_milestone,
    _refuse_if_other_withdrawn,
    _touch,
)
from ukeoi.contracts.statement import statement_issue
from ukeoi.core import clock, fees
from ukeoi.core.audit import audit
from ukeoi.core.errors import Conflict, InvalidInput, NotFound, refuse
from ukeoi.core.mail import absolute_url
from ukeoi.jobs.enums import (
    JobFormat,
)
from ukeoi.jobs.locks import lock_proposal
from ukeoi.jobs.models import Proposal


def contract_create_from_proposal(*, actor: User | None, proposal_id: int) -> Contract:
    """B1, B3: a selected project proposal becomes a contract (status agreeing) with one
    milestone of the proposal's amount, proposed and waiting for the lancer's agreement.

    Called by `proposal_hire` (services/hiring.py) inside the selection's transaction.
    Idempotent: a proposal has at most one contract (returns it). W6: refused
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
        raise Conflict(_("Only a project's proposal becomes a contract."), code="not_a_project")
    with transaction.atomic():
        users = lock_users(head["lancer_id"], head["job__client_id"])
        # W6: a contract is a new obligation; none with an account that has left (jobs
        # refuses the selection first; this holds whoever calls, under the same locks).
        if any(user.is_withdrawn for user in users.values()):
            raise Conflict(
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
            # T3: whether the client withholds is a term of the agreement, as the job said.
            withholding=job.withholding,
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
        # L1: the selected proposal's amount and date are the terms both accepted. Version 1
        # is on the contract page at once; jobs' selection notice is today's only mail here.
        statement_issue(contract=contract, users=users, include_proposed=True)
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
            refuse(refusal)
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
            refuse(refusal)
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
        # L1: agreed milestones change the terms: the next version of the statement.
        statement_issue(contract=contract, users=locked.users)
        _mail(
            locked.client,
            "milestones_agreed",
            contract=contract,
            milestones=proposed,
            link=absolute_url(contract.get_absolute_url()),
        )
    return contract
