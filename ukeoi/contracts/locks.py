"""Row locks of the contracts app, in one fixed order so concurrent services never deadlock:

    users (both sides, by pk) -> contract -> milestones (by pk) -> cancellation
    -> client payments -> ledger

Every service locks the two sides' user rows first (FOR NO KEY UPDATE, as jobs does): the
withdrawal service locks the same rows (W6), and the operators' payment confirmation
(`jobs.client_payment_confirm`) locks the client's row first too, so a confirmation and a
cancellation step of the same contract never interleave."""

from django.utils.translation import gettext_lazy as _

from ukeoi.contracts.models import Cancellation, Contract, Milestone
from ukeoi.core.errors import NotFound


def lock_contract(contract_id: int) -> Contract:
    contract = Contract.objects.select_for_update(no_key=True).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(_("That contract does not exist."))
    return contract


def lock_milestones(contract: Contract) -> list[Milestone]:
    return list(
        Milestone.objects.select_for_update(no_key=True).filter(contract=contract).order_by("pk")
    )


def lock_milestone(milestone_id: int) -> Milestone:
    milestone = Milestone.objects.select_for_update(no_key=True).filter(pk=milestone_id).first()
    if milestone is None:
        raise NotFound(_("That milestone does not exist."))
    return milestone


def lock_open_cancellation(contract: Contract) -> Cancellation | None:
    if contract.open_cancellation_id is None:
        return None
    return (
        Cancellation.objects.select_for_update(no_key=True)
        .filter(pk=contract.open_cancellation_id)
        .first()
    )
