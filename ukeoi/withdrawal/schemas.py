from datetime import date, datetime

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt, StrictStr

from ukeoi.accounts.schemas import StrictIn
from ukeoi.withdrawal.enums import BalanceChoice, BlockerCode, WithdrawalReason
from ukeoi.withdrawal.rules import COMMENTS_MAX, REASON_TEXT_MAX


class ItemOut(Schema):
    kind: str = Field(
        description="job, proposal, contract, milestone, task_unit, client_payment or payout"
    )
    id: int
    title: str
    url: str
    action_url: str = Field(description="The page that starts clearing it; empty: just wait.")
    clears_on: date | None = Field(description="The day it clears on its own, if it does.")
    amount: int | None
    detail: str = Field(
        description="Its state: a job's status and how many were hired (募集中, 採用済み n 名), "
        "a contract's cancellation step, a milestone's status."
    )
    note: str = Field(
        default="",
        description="Why it still counts where that is not plain (a job that hired stays open "
        "until it is closed); empty otherwise.",
    )


class BlockerOut(Schema):
    code: BlockerCode
    label: str
    items: list[ItemOut] = Field(description="At most 20; `count` says how many in all.")
    count: int
    clears_by: str
    action_url: str
    clears_on: date | None
    amount: int | None = Field(description="reward_balance: the balance in yen.")
    forfeit_only: bool = Field(
        description="reward_balance: below the payout minimum, it can only be forfeited (W5)."
    )


class WhenClearOut(Schema):
    id: int
    status: str
    balance_choice: BalanceChoice
    keep_profile: bool
    created_at: datetime
    finished_at: datetime | None


class WithdrawalCheckOut(Schema):
    """W1, W2: the same content as the withdrawal page."""

    blockers: list[BlockerOut]
    can_withdraw: bool = Field(
        description="Nothing but the balance is left (forfeit needed when reward_balance > 0)."
    )
    reward_balance: int
    can_request_when_clear: bool
    when_clear: WhenClearOut | None


class WithdrawalIn(StrictIn):
    """W4, W5, W8."""

    reason: WithdrawalReason
    reason_text: StrictStr = Field(default="", max_length=REASON_TEXT_MAX)
    password: StrictStr = Field(max_length=128)
    comments: StrictStr = Field(default="", max_length=COMMENTS_MAX)
    forfeit: StrictBool = Field(
        default=False, description="W5: agree to forfeit the reward balance (報酬の破棄に同意)."
    )
    forfeit_amount: StrictInt | None = Field(
        default=None, ge=0, description="The balance you agree to forfeit; refused if it changed."
    )
    keep_profile: StrictBool = Field(
        default=True, description="W8: keep the public profile visible, marked as withdrawn."
    )


class WithdrawalOut(Schema):
    withdrawn_at: datetime
    reason: str
    keep_profile: bool
    forfeited: int
    automatic: bool


class WhenClearIn(StrictIn):
    """W9."""

    reason: WithdrawalReason
    reason_text: StrictStr = Field(default="", max_length=REASON_TEXT_MAX)
    password: StrictStr = Field(max_length=128)
    comments: StrictStr = Field(default="", max_length=COMMENTS_MAX)
    balance_choice: BalanceChoice = BalanceChoice.FORFEIT
    keep_profile: StrictBool = True
