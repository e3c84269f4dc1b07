from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class ConditionOut(Schema):
    code: Literal["minimum_balance", "bank_account", "auto_mode", "name_and_address"]
    met: bool
    message: str = Field(description="What holds, or what to do; in the request's language.")
    action_url: str = Field(description="The page where the user fixes it; empty when met.")


class UpcomingPayoutOut(Schema):
    close_date: date = Field(description="M3: the next close that takes the balance.")
    payment_date: date = Field(description="M3: the bank business day the transfer is made.")
    balance: int
    amount: int = Field(description="Taken from the balance (yen).")
    fee: int = Field(description="M6: the transfer fee deducted (yen).")
    net: int = Field(description="Reaches the bank account (yen).")
    will_pay: bool
    is_final: bool = Field(description="W9: a final payout asked for before withdrawing.")
    missing: list[ConditionOut] = Field(description="Why there is no payout (empty if will_pay).")


class TransferFeesOut(Schema):
    own_bank_code: str
    own_bank_name: str
    own_bank_fee: int
    other_bank_fee: int
    minimum: int = Field(description="M4: the smallest balance paid out (yen).")


class PayoutSettingsOut(Schema):
    mode: Literal["auto", "manual"]
    final_payout: bool
    conditions: list[ConditionOut]
    transfer_fee: int | None = Field(
        description="M6: the fee for the registered bank account; null without one."
    )
    fees: TransferFeesOut
    upcoming: UpcomingPayoutOut


class PayoutSettingsIn(StrictIn):
    mode: Literal["auto", "manual"] = Field(
        description="auto: paid at each close (自動出金); manual: keep the balance."
    )


class PayoutOut(Schema):
    id: int
    status: Literal["requested", "exported", "paid", "failed"]
    amount: int
    fee: int
    net: int
    is_final: bool
    failure_reason: str
    close_date: date
    payment_date: date
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: int
    account_number: str
    holder_kana: str
    created_at: datetime
    exported_at: datetime | None
    paid_at: datetime | None
    failed_at: datetime | None


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)


class PayoutPageOut(Schema):
    items: list[PayoutOut]
    page: int
    per_page: int
    has_next: bool


class StatementLineOut(Schema):
    entry_id: int
    at: datetime
    kind: str = Field(description="The ledger transaction kind, e.g. task_unit.release.")
    label: str
    memo: str
    amount: int = Field(description="Credit > 0, debit < 0 (yen).")
    withheld: int = Field(
        default=0, description="T3: income tax withheld (源泉徴収) from this reward (yen)."
    )
    balance_after: int


class BalancePointOut(Schema):
    day: date
    balance: int = Field(description="The balance at the end of the day (yen).")


class BalanceHistoryOut(Schema):
    start: date
    end: date
    opening: int
    points: list[BalancePointOut]


class StatementOut(Schema):
    balance: int
    upcoming: UpcomingPayoutOut
    lines: list[StatementLineOut]
    page: int
    per_page: int
    has_next: bool
    history: BalanceHistoryOut
