"""Pure rules of withdrawal (W1, W2, W4, W5, W9): facts in, blockers and refusals out.

No ORM, no clock, no I/O. `ukeoi.withdrawal.selectors.withdrawal_facts_get` builds the facts
(items already carry their links and the day they clear on their own), so every rule here is
a plain function that hypothesis exercises over arbitrary facts."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ukeoi.core.errors import Refusal
from ukeoi.payouts.rules import PayoutFacts
from ukeoi.withdrawal.enums import BalanceChoice, BlockerCode, WithdrawalReason

# W2: how many items of one blocker the page and the API list (the count says how many in all).
MAX_ITEMS = 20
REASON_TEXT_MAX = 1000
COMMENTS_MAX = 2000

# W1: the order the page lists the conditions in.
BLOCKER_ORDER: tuple[str, ...] = tuple(BlockerCode.values)


@dataclass(frozen=True)
class ItemRef:
    """One job, proposal, contract, milestone, task unit, payment or payout behind a blocker."""

    kind: str
    id: int
    title: str
    # Where the item is shown.
    url: str
    # The link that starts clearing it; "" when there is nothing to do but wait.
    action_url: str = ""
    # The day it clears on its own (deadline, automatic cancellation step, payment day).
    clears_on: date | None = None
    # Yen involved (a payout, a milestone), where there is an amount.
    amount: int | None = None
    # Extra state to show, e.g. the cancellation step and who must act next.
    detail: str = ""
    # A milestone: its contract (cleared with it when that contract is listed too).
    contract_id: int | None = None
    # Why it still counts, where that is not plain (a job that hired still takes proposals).
    note: str = ""


@dataclass(frozen=True)
class Items:
    """Up to MAX_ITEMS items of one kind, the count of all of them, and the day by which
    all of them (not only the listed ones) clear on their own, or None if one never does."""

    items: tuple[ItemRef, ...] = ()
    count: int = 0
    clears_on: date | None = None

    @staticmethod
    def merge(*parts: "Items") -> "Items":
        """Several sources behind one blocker (unfinished payments: units, payments, milestones)."""
        present = [part for part in parts if part.count]
        items = tuple(item for part in present for item in part.items)[:MAX_ITEMS]
        days = [part.clears_on for part in present]
        clears_on = None
        if present and all(day is not None for day in days):
            clears_on = max(day for day in days if day is not None)
        return Items(items=items, count=sum(part.count for part in present), clears_on=clears_on)


@dataclass(frozen=True)
class WithdrawalFacts:
    """Everything W1, W2, W5 and W9 need to know about one account."""

    withdrawn: bool
    open_jobs: Items = Items()
    pending_proposals: Items = Items()
    contracts_in_progress: Items = Items()
    unfinished_payments: Items = Items()
    payouts_in_progress: Items = Items()
    # Whole yen in the user's reward account (M1), >= 0.
    reward_balance: int = 0
    # M4: the payout minimum (1,000 yen) and the transfer fee for the user's bank (M6).
    payout_minimum: int = 1000
    transfer_fee: int = 500
    # M4: bank account, automatic mode, name and address are all there (the minimum aside).
    payout_conditions_met: bool = False
    # W9: a final payout needs the bank account and the name and address (not the minimum
    # nor the automatic mode).
    final_payout_possible: bool = False
    # The payout facts read with the above (None for a withdrawn account): the payout
    # conditions a final payout lacks are told from them, without reading them again.
    payout: PayoutFacts | None = None
    # M3: the payment day of the next payout cycle.
    next_payout_on: date | None = None
    # The page each blocker's general action leads to, by blocker code.
    links: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Blocker:
    """W1, W2: one condition that refuses the withdrawal, with what clears it."""

    code: str
    items: tuple[ItemRef, ...]
    count: int
    # What the user can do to clear it.
    clears_by: str | Promise
    # A link that starts clearing it (the list of jobs, proposals, contracts, payout settings).
    action_url: str
    # The day by which it clears on its own, if it does.
    clears_on: date | None = None
    # reward_balance only: the balance in yen.
    amount: int | None = None
    # reward_balance only (W5): below the payout minimum, so it can only be forfeited.
    forfeit_only: bool = False

    @property
    def label(self) -> str | Promise:
        return BlockerCode(self.code).label

    @property
    def clears_on_its_own(self) -> bool:
        return self.clears_on is not None


CLEARS_BY: dict[str, Promise] = {
    BlockerCode.OPEN_JOB: _(
        "Close the job, or wait for its proposal deadline: it closes by itself then."
    ),
    BlockerCode.PENDING_PROPOSAL: _(
        "A sent proposal cannot be taken back. Add an append note asking the client to delete "
        "it, or wait for the job's proposal deadline: then it is no longer pending."
    ),
    BlockerCode.CONTRACT_IN_PROGRESS: _(
        "Finish the contract, or agree with the other side to cancel it (five steps). A "
        "cancellation step left undone for 7 days is taken automatically."
    ),
    BlockerCode.UNFINISHED_PAYMENT: _(
        "Complete the acceptance or the payment, or delete the milestone through the "
        "contract's cancellation."
    ),
    BlockerCode.PAYOUT_IN_PROGRESS: _(
        "Nothing to do: it clears by itself once the payout has been paid."
    ),
}
BALANCE_PAYABLE = _(
    "Wait for the next payout, which transfers the balance to your bank account, or agree in "
    "the withdrawal form to forfeit it."
)
BALANCE_BLOCKED = _(
    "The balance will not be paid out until the payout conditions are met (see the payout "
    "settings), or agree in the withdrawal form to forfeit it."
)
BALANCE_BELOW_MINIMUM = _(
    "A balance below the payout minimum cannot be paid out. To withdraw you must agree in the "
    "withdrawal form to forfeit it; it will be lost."
)


# W2: what each checklist row is about. The row reads as a state of it (「提案中の提案：なし」,
# 「提案中の提案：あり（2件）」), never as a condition whose green tick could be read as "yes,
# this holds" (issue 14 item 6).
ROW_SUBJECTS: dict[str, Promise] = {
    BlockerCode.OPEN_JOB: _("Open jobs you posted"),
    BlockerCode.PENDING_PROPOSAL: _("Pending proposals you sent"),
    BlockerCode.CONTRACT_IN_PROGRESS: _("Contracts in progress"),
    BlockerCode.UNFINISHED_PAYMENT: _("Unfinished payments and approvals"),
    BlockerCode.PAYOUT_IN_PROGRESS: _("Payouts on their way to your bank"),
    BlockerCode.REWARD_BALANCE: _("Reward balance"),
}


def row_state(code: str, blocker: "Blocker | None") -> str:
    """W2: the checklist row of `code` as a state: none, how many items (all of them, not
    only the listed ones), or for the reward balance how much."""
    subject = ROW_SUBJECTS[code]
    if blocker is None:
        return str(_("%(subject)s: none") % {"subject": subject})
    if code == BlockerCode.REWARD_BALANCE:
        amount = _("%(amount)s yen") % {"amount": f"{blocker.amount or 0:,}"}
        return str(_("%(subject)s: %(amount)s") % {"subject": subject, "amount": amount})
    return str(_("%(subject)s: %(count)s") % {"subject": subject, "count": blocker.count})


def _items_of(facts: WithdrawalFacts) -> list[tuple[str, Items]]:
    return [
        (BlockerCode.OPEN_JOB, facts.open_jobs),
        (BlockerCode.PENDING_PROPOSAL, facts.pending_proposals),
        (BlockerCode.CONTRACT_IN_PROGRESS, facts.contracts_in_progress),
        (BlockerCode.UNFINISHED_PAYMENT, facts.unfinished_payments),
        (BlockerCode.PAYOUT_IN_PROGRESS, facts.payouts_in_progress),
    ]


def balance_blocker(facts: WithdrawalFacts) -> Blocker | None:
    """W1.6, W2, W5: the reward balance, and whether it can still be paid out."""
    balance = facts.reward_balance
    if balance <= 0:
        return None
    below = balance < facts.payout_minimum
    payable = not below and facts.payout_conditions_met
    if below:
        clears_by = BALANCE_BELOW_MINIMUM
    elif payable:
        clears_by = BALANCE_PAYABLE
    else:
        clears_by = BALANCE_BLOCKED
    return Blocker(
        code=BlockerCode.REWARD_BALANCE,
        items=(),
        count=1,
        clears_by=clears_by,
        action_url=facts.links.get(BlockerCode.REWARD_BALANCE, ""),
        clears_on=facts.next_payout_on if payable else None,
        amount=balance,
        forfeit_only=below,
    )


def withdrawal_blockers(
    facts: WithdrawalFacts, *, forfeit_consented: bool = False
) -> list[Blocker]:
    """W1: every condition that holds, in W1's order. The reward balance is one only while the
    user has not agreed to forfeit it."""
    blockers = [
        Blocker(
            code=code,
            items=items.items[:MAX_ITEMS],
            count=items.count,
            clears_by=CLEARS_BY[code],
            action_url=facts.links.get(code, ""),
            clears_on=items.clears_on,
        )
        for code, items in _items_of(facts)
        if items.count > 0
    ]
    balance = balance_blocker(facts)
    if balance is not None and not forfeit_consented:
        blockers.append(balance)
    return blockers


def work_blockers(blockers: Sequence[Blocker]) -> list[Blocker]:
    """The blockers other than the reward balance (which the form's consent can clear)."""
    return [b for b in blockers if b.code != BlockerCode.REWARD_BALANCE]


def form_available(blockers: Sequence[Blocker]) -> bool:
    """W4: the form is offered once only the reward balance is left, or nothing."""
    return not work_blockers(blockers)


Problems = dict[str, list[str | Promise]]


def input_problems(*, reason: str, reason_text: str, comments: str, password: str) -> Problems:
    """W4: a reason (one of the list; "other" needs a few words), the password; the free
    text and the comments within their limits."""
    problems: Problems = {}
    if reason not in WithdrawalReason.values:
        problems["reason"] = [_("Choose a reason for withdrawing.")]
    elif reason == WithdrawalReason.OTHER and not reason_text.strip():
        problems["reason_text"] = [_("Tell us the reason in a few words.")]
    if len(reason_text) > REASON_TEXT_MAX:
        problems["reason_text"] = [_("Use at most %(max)d characters.") % {"max": REASON_TEXT_MAX}]
    if len(comments) > COMMENTS_MAX:
        problems["comments"] = [_("Use at most %(max)d characters.") % {"max": COMMENTS_MAX}]
    if not password:
        problems["password"] = [_("Enter your password.")]
    return problems


ALREADY_WITHDRAWN = Refusal(
    "already_withdrawn", _("This account has already been withdrawn."), status=409
)


def _blocked(blockers: Sequence[Blocker]) -> Refusal:
    return Refusal(
        "withdrawal_blocked",
        _(
            "You cannot withdraw yet: %(conditions)s. The withdrawal page shows how to clear "
            "each; nothing was changed."
        )
        % {"conditions": ", ".join(str(b.label) for b in blockers)},
    )


def withdrawal_refusal(
    facts: WithdrawalFacts, *, forfeit: bool, forfeit_amount: int | None = None
) -> Refusal | None:
    """W1, W4, W5, W6: may the account withdraw now, with this consent? `forfeit_amount` is the
    balance the user saw when consenting; a different balance now refuses (the consent was
    for another amount)."""
    if facts.withdrawn:
        return ALREADY_WITHDRAWN
    blocking = work_blockers(withdrawal_blockers(facts))
    if blocking:
        return _blocked(blocking)
    balance = facts.reward_balance
    if balance > 0 and not forfeit:
        return Refusal(
            "forfeit_consent_required",
            _(
                "You have a reward balance of %(amount)s yen. To withdraw now you must agree to "
                "forfeit it."
            )
            % {"amount": f"{balance:,}"},
            status=400,
            field="forfeit",
        )
    if balance > 0 and forfeit_amount is not None and forfeit_amount != balance:
        return Refusal(
            "balance_changed",
            _(
                "Your reward balance is now %(amount)s yen, not the amount you agreed to forfeit. "
                "Please check it and agree again."
            )
            % {"amount": f"{balance:,}"},
            field="forfeit",
        )
    return None


def forfeit_amount(facts: WithdrawalFacts) -> int:
    """W5: what a withdrawal now moves to the forfeited-balance account."""
    return max(facts.reward_balance, 0)


# --- W9: withdraw when clear ---------------------------------------------------------------


def final_payout_refusal(facts: WithdrawalFacts) -> Refusal | None:
    """W9: a final payout needs a balance above the transfer fee (something must reach the
    bank), a bank account and the name and address."""
    if facts.reward_balance <= facts.transfer_fee:
        return Refusal(
            "balance_below_fee",
            _(
                "A balance that does not exceed the transfer fee (%(fee)s yen) cannot be paid "
                "out; it can only be forfeited."
            )
            % {"fee": f"{facts.transfer_fee:,}"},
            status=400,
            field="balance_choice",
        )
    if not facts.final_payout_possible:
        return Refusal(
            "payout_details_missing",
            _(
                "A final payout needs your bank account and your name and address. Register "
                "them first, or choose to forfeit the balance."
            ),
            status=400,
            field="balance_choice",
        )
    return None


def when_clear_refusal(facts: WithdrawalFacts, *, balance_choice: str) -> Refusal | None:
    """W9: may the user ask to be withdrawn automatically once the blockers clear? Only when
    every blocker left clears on its own (a payout being paid, a job reaching its deadline,
    an automatic cancellation step), or when a final payout of the balance is what is left."""
    if facts.withdrawn:
        return ALREADY_WITHDRAWN
    if balance_choice not in BalanceChoice.values:
        return Refusal("invalid", _("Choose what happens to your balance."), 400, "balance_choice")
    waiting = work_blockers(withdrawal_blockers(facts))
    stuck = [b for b in waiting if not b.clears_on_its_own]
    if stuck:
        return Refusal(
            "not_clearing_on_its_own",
            _(
                "These conditions do not clear on their own, so they cannot be waited for: "
                "%(conditions)s."
            )
            % {"conditions": ", ".join(str(b.label) for b in stuck)},
        )
    final = balance_choice == BalanceChoice.FINAL_PAYOUT and facts.reward_balance > 0
    if final:
        refusal = final_payout_refusal(facts)
        if refusal is not None:
            return refusal
    if not waiting and not final:
        return Refusal(
            "nothing_to_wait_for",
            _("Nothing is left to wait for: you can withdraw now with the withdrawal form."),
        )
    return None


def checklist(facts: WithdrawalFacts) -> list[dict[str, object]]:
    """W2: the six conditions in W1's order, each with its blocker when it holds and the row
    read as a state (「提案中の提案：なし」/「あり（2件）」)."""
    found = {b.code: b for b in withdrawal_blockers(facts)}
    return [
        {
            "code": code.value,
            "label": code.label,
            "state": row_state(code.value, found.get(code.value)),
            "blocker": found.get(code.value),
        }
        for code in BlockerCode
    ]


def can_request_when_clear(facts: WithdrawalFacts) -> bool:
    """W9: the page offers the request when one of the two balance choices would be accepted."""
    return any(
        when_clear_refusal(facts, balance_choice=choice) is None for choice in BalanceChoice.values
    )


class WhenClearStep(Enum):
    WAIT = "wait"
    WITHDRAW = "withdraw"


def when_clear_step(facts: WithdrawalFacts, *, balance_choice: str) -> WhenClearStep:
    """W9: what the periodic runner does with a pending request: withdraw once nothing but
    the balance is left (forfeiting it, unless a final payout is still to be paid), else
    wait. A balance that no longer exceeds the transfer fee cannot be paid out: forfeited."""
    if facts.withdrawn or work_blockers(withdrawal_blockers(facts)):
        return WhenClearStep.WAIT
    awaiting_final_payout = (
        balance_choice == BalanceChoice.FINAL_PAYOUT and facts.reward_balance > facts.transfer_fee
    )
    return WhenClearStep.WAIT if awaiting_final_payout else WhenClearStep.WITHDRAW
