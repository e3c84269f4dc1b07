"""Receivers of the jobs app's signals (jobs never imports contracts). Each runs inside the
sending service's transaction, so a refusal here undoes the whole action."""

from typing import Any

from ukeoi.jobs.enums import JobFormat
from ukeoi.jobs.models import ClientPayment, Proposal
from ukeoi.jobs.signals import client_payment_confirmed, proposal_selected


def on_proposal_selected(
    sender: Any, *, proposal: Proposal, job: Any, actor: Any, **_: Any
) -> None:
    """B1, B3: a project's selected proposal becomes a contract."""
    from ukeoi.contracts.services import contract_create_from_proposal

    if job.format == JobFormat.PROJECT:
        contract_create_from_proposal(actor=actor, proposal_id=proposal.pk)


def on_client_payment_confirmed(
    sender: Any, *, payment: ClientPayment, actor: Any, **_: Any
) -> None:
    """B3: a confirmed milestone payment becomes the milestone's escrow."""
    from ukeoi.contracts.services import payment_confirmed

    payment_confirmed(payment=payment, actor=actor)


def connect() -> None:
    proposal_selected.connect(on_proposal_selected, dispatch_uid="contracts.proposal_selected")
    client_payment_confirmed.connect(
        on_client_payment_confirmed, dispatch_uid="contracts.client_payment_confirmed"
    )
