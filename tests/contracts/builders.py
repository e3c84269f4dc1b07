"""Contracts in every state, built through the real services (jobs and contracts), so the
ledger and the audit trail are as production leaves them. Shared with the contracts web,
demo and withdrawal tests: every builder takes optional accounts and returns the contract.

    contract_agreeing(client=None, lancer=None, amount=10000)
    contract_in_progress(client=None, lancer=None, amount=10000, escrowed=True, delivered=False)
    contract_completed(client=None, lancer=None, amount=10000)
    contract_mid_cancellation(step="proposed", proposed_by="client", escrowed=True, ...)
    escrow(milestone, operator=None)   # request + operator confirmation
"""

from typing import Literal

from tests.factories import JobFactory, OperatorFactory, ProposalFactory, UserFactory
from ukeoi.accounts.models import User
from ukeoi.contracts import services
from ukeoi.contracts.enums import CancellationStep, MilestoneStatus
from ukeoi.contracts.models import Contract, Milestone
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import Proposal

Step = Literal["proposed", "agreed", "escrow_cancelled", "plan_deleted", "done", "declined"]


def project_proposal(
    *,
    client: User | None = None,
    lancer: User | None = None,
    amount: int = 10_000,
    withholding: bool = False,
) -> Proposal:
    client = client or UserFactory.create()
    lancer = lancer or UserFactory.create()
    job = JobFactory.create(client=client, title="ロゴ制作", withholding=withholding)
    return ProposalFactory.create(job=job, lancer=lancer, amount=amount)


def contract_agreeing(
    *,
    client: User | None = None,
    lancer: User | None = None,
    amount: int = 10_000,
    withholding: bool = False,
) -> Contract:
    """Selected proposal -> contract with one proposed milestone of `amount` (agreeing);
    `withholding`: the job is subject to withholding (T3)."""
    proposal = project_proposal(
        client=client, lancer=lancer, amount=amount, withholding=withholding
    )
    services.proposal_hire(actor=proposal.job.client, proposal_id=proposal.pk)
    return Contract.objects.get(proposal=proposal)


def operator() -> User:
    existing = User.objects.filter(is_staff=True, username__startswith="contracts_op").first()
    return existing or OperatorFactory.create(username="contracts_op", email="op@ukeoi.example")


def escrow(milestone: Milestone, *, operator_user: User | None = None) -> Milestone:
    """B3: the client asks for escrow and an operator confirms the transfer."""
    contract = milestone.contract
    milestone = services.milestone_escrow(actor=contract.client, milestone_id=milestone.pk)
    assert milestone.payment_id is not None
    jobs.client_payment_confirm(actor=operator_user or operator(), payment_id=milestone.payment_id)
    milestone.refresh_from_db()
    return milestone


def first_milestone(contract: Contract) -> Milestone:
    return contract.milestones.exclude(status=MilestoneStatus.DELETED).order_by("position").first()  # type: ignore[return-value]


def contract_in_progress(
    *,
    client: User | None = None,
    lancer: User | None = None,
    amount: int = 10_000,
    escrowed: bool = True,
    delivered: bool = False,
    withholding: bool = False,
) -> Contract:
    """Agreed contract with one milestone of `amount`: awaiting escrow, or escrowed
    (confirmed by an operator), or delivered."""
    contract = contract_agreeing(
        client=client, lancer=lancer, amount=amount, withholding=withholding
    )
    services.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
    milestone = first_milestone(contract)
    if escrowed or delivered:
        escrow(milestone)
    if delivered:
        services.milestone_deliver(
            actor=contract.lancer, milestone_id=milestone.pk, body="納品します"
        )
    contract.refresh_from_db()
    return contract


def contract_completed(
    *, client: User | None = None, lancer: User | None = None, amount: int = 10_000
) -> Contract:
    contract = contract_in_progress(client=client, lancer=lancer, amount=amount, delivered=True)
    services.milestone_accept(actor=contract.client, milestone_id=first_milestone(contract).pk)
    contract.refresh_from_db()
    return contract


def contract_mid_cancellation(
    *,
    step: Step = "proposed",
    proposed_by: Literal["client", "lancer"] = "client",
    escrowed: bool = True,
    client: User | None = None,
    lancer: User | None = None,
    amount: int = 10_000,
) -> Contract:
    """B4: a contract whose cancellation has reached `step` (what has been done so far).
    With escrowed=False, agreeing skips step (2) so "agreed" is not reachable."""
    contract = contract_in_progress(client=client, lancer=lancer, amount=amount, escrowed=escrowed)
    proposer = contract.client if proposed_by == "client" else contract.lancer
    other = contract.lancer if proposed_by == "client" else contract.client
    services.cancellation_propose(actor=proposer, contract_id=contract.pk, reason="方針変更のため")
    order = [
        ("agreed", lambda: services.cancellation_agree(actor=other, contract_id=contract.pk)),
        (
            "escrow_cancelled",
            lambda: services.cancellation_escrow_cancel(
                actor=contract.lancer, contract_id=contract.pk
            ),
        ),
        (
            "plan_deleted",
            lambda: services.cancellation_plan_delete(
                actor=contract.client, contract_id=contract.pk
            ),
        ),
        (
            "done",
            lambda: services.cancellation_deletion_approve(
                actor=contract.lancer, contract_id=contract.pk
            ),
        ),
    ]
    if step == "declined":
        services.cancellation_decline(actor=other, contract_id=contract.pk)
    elif step != "proposed":
        for name, act in order:
            current = contract.cancellations.order_by("-pk").first()
            assert current is not None
            if current.step == CancellationStep.ESCROW_CANCELLED and name == "escrow_cancelled":
                pass  # step (2) skipped: nothing was in escrow
            else:
                act()
            if name == step:
                break
    contract.refresh_from_db()
    return contract
