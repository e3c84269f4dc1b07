"""Hiring (B1, B3): the client's selection of a proposal, and the contract it makes."""

from django.db import transaction

from ukeoi.accounts.models import User
from ukeoi.contracts.services.plan import contract_create_from_proposal
from ukeoi.jobs import services as jobs
from ukeoi.jobs.enums import JobFormat
from ukeoi.jobs.models import Proposal


def proposal_hire(*, actor: User, proposal_id: int) -> Proposal:
    """B1, B3: the client selects a proposal (`jobs.proposal_select`: refusals, the
    lancer's mail, a competition's prize and close), and a project's selected proposal
    becomes its contract (agreeing, one milestone of the proposal's amount), in one
    transaction: a refusal of either step undoes both. The way every caller selects."""
    with transaction.atomic():
        proposal = jobs.proposal_select(actor=actor, proposal_id=proposal_id)
        if proposal.job.format == JobFormat.PROJECT:
            contract_create_from_proposal(actor=actor, proposal_id=proposal.pk)
    return proposal
