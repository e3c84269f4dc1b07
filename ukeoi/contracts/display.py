"""What the contract pages and the API both show: who must act next, each milestone's
money with its fees (B6), plan totals. Reads of rows already loaded; no queries of their
own except `with_milestones`, which adds one prefetch to a list."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ukeoi.contracts import rules
from ukeoi.contracts.enums import MilestoneStatus
from ukeoi.contracts.models import Contract, Milestone
from ukeoi.core.fees import rates_of
from ukeoi.core.withholding import withholding_tax
from ukeoi.jobs.enums import PaymentStatus

# --- Who acts next ----------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """One line saying who must act next on a contract, and whether it is the viewer."""

    text: str
    mine: bool


def next_step(
    contract: Contract,
    milestones: Sequence[Milestone],
    viewer_id: int,
    *,
    rated: bool | None = None,
) -> NextStep:
    """Who must act next, from already loaded rows (no query): the open cancellation's next
    actor (B4), else the first milestone waiting for someone (B3); on an ended contract the
    viewer can still rate, when the caller says whether they have (`rated`, B5)."""
    client, lancer = contract.client_id == viewer_id, contract.lancer_id == viewer_id
    cancellation = contract.open_cancellation if contract.open_cancellation_id else None
    if cancellation is not None:
        mine = cancellation.next_actor_id == viewer_id
        action = rules.STEP_ACTIONS[cancellation.step][0]
        label = {
            "agree": _("agree to or decline the cancellation"),
            "escrow_cancel": _("cancel the escrow"),
            "plan_delete": _("delete the plan"),
            "deletion_approve": _("approve the deletion"),
        }[action]
        if mine:
            return NextStep(_("Your turn: %(action)s") % {"action": label}, True)
        return NextStep(_("Waiting for the other side to %(action)s") % {"action": label}, False)
    if not contract.is_open:
        facts = rules.ContractFacts.of(contract) if rated is False else None
        if facts is not None and rules.can_be_rated(facts):
            return NextStep(_("Your turn: rate the other side (評価)"), True)
        return NextStep("", False)
    statuses = [m.status for m in milestones]
    if MilestoneStatus.PROPOSED in statuses:
        if lancer:
            return NextStep(_("Your turn: agree to the milestones"), True)
        return NextStep(_("Waiting for the lancer to agree to the milestones"), False)
    if MilestoneStatus.DELIVERED in statuses:
        if client:
            return NextStep(_("Your turn: check the delivery (検収)"), True)
        return NextStep(_("Waiting for the client's acceptance (検収)"), False)
    for m in milestones:
        if m.status == MilestoneStatus.AWAITING_ESCROW:
            paying = m.payment_id is not None and m.payment.status == PaymentStatus.AWAITING  # type: ignore[union-attr]
            if paying:
                return NextStep(_("Waiting for the payment to be confirmed (入金確認)"), False)
            if client:
                return NextStep(_("Your turn: escrow the next milestone (仮払い)"), True)
            return NextStep(_("Waiting for the client's escrow (仮払い)"), False)
    if MilestoneStatus.ESCROWED in statuses:
        if lancer:
            return NextStep(_("Your turn: work and deliver (納品)"), True)
        return NextStep(_("The lancer is working on it"), False)
    return NextStep("", False)


def with_milestones(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """The milestones (and their payments) of a page of contracts in one more query."""
    return contracts.prefetch_related(
        Prefetch(
            "milestones",
            queryset=Milestone.objects.select_related("payment").order_by("position", "id"),
            to_attr="plan",
        )
    )


def plan_total(milestones: Sequence[Milestone]) -> int:
    """The amounts still in the plan: not deleted and not refunded (B4 step 2)."""
    gone = (MilestoneStatus.DELETED, MilestoneStatus.ESCROW_CANCELLED)
    return sum(m.amount for m in milestones if m.status not in gone)


@dataclass(frozen=True)
class FeeView:
    """B6: a milestone's money as both sides see it before the action that incurs it."""

    amount: int
    client_fee: int
    client_total: int
    lancer_fee: int
    # T3: the income tax withheld on acceptance (what it will be, before it).
    withholding: int
    lancer_net: int
    # The fees are not yet fixed on the milestone: its contract's rates applied to the
    # amount proposed (the lancer has not agreed to it yet).
    estimated: bool


def fee_view(milestone: Milestone) -> FeeView:
    """B6: fixed fees once the lancer agreed, else what the contract's rates (stored on it,
    `core.fees.rates_of`) make of the proposed amount. T3: the tax withheld once accepted,
    else what the law's rate makes of the amount when the contract withholds."""
    withheld = milestone.withholding_tax
    if milestone.status != MilestoneStatus.ACCEPTED and milestone.contract.withholding:
        withheld = withholding_tax(milestone.amount)
    if milestone.status == MilestoneStatus.PROPOSED or not (
        milestone.client_fee or milestone.lancer_fee
    ):
        fees = rules.fees_for(milestone.amount, rates_of(milestone.contract))
        return FeeView(
            fees.amount,
            fees.client_fee,
            fees.client_total,
            fees.lancer_fee,
            withheld,
            fees.lancer_net - withheld,
            True,
        )
    return FeeView(
        milestone.amount,
        milestone.client_fee,
        milestone.client_total,
        milestone.lancer_fee,
        withheld,
        milestone.amount - milestone.lancer_fee - withheld,
        False,
    )
    return FeeView(
        milestone.amount,
        milestone.client_fee,
        milestone.client_total,
        milestone.lancer_fee,
        milestone.lancer_net,
        False,
    )
