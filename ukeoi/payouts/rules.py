"""Pure payout rules (M4, M6, W9): who is paid at a close, the fee and the net amount.

The batch applies the same rules in SQL (`ukeoi.payouts.services`); tests check that the
two agree."""

from dataclasses import dataclass

from ukeoi.payouts.enums import ConditionCode, PayoutMode


@dataclass(frozen=True)
class FeeSchedule:
    """M6: the operator's transfer fees (settings PAYOUT_FEE_*)."""

    own_bank_code: str
    own_bank_fee: int
    other_bank_fee: int

    def fee_for(self, bank_code: str) -> int:
        return self.own_bank_fee if bank_code == self.own_bank_code else self.other_bank_fee


@dataclass(frozen=True)
class PayoutFacts:
    """What decides one user's payout at a close."""

    # The reward balance confirmed by the close (credits after the cutoff excluded).
    confirmed_balance: int
    has_bank_account: bool
    # The bank code of the registered account ("" without one).
    bank_code: str
    mode: str
    has_name_and_address: bool
    is_active: bool
    final_payout: bool


@dataclass(frozen=True)
class PayoutAmounts:
    amount: int  # taken from the balance
    fee: int
    net: int  # transferred


def conditions_met(facts: PayoutFacts, *, minimum: int) -> dict[str, bool]:
    """M4: each of the four conditions, in the page's order."""
    return {
        ConditionCode.MINIMUM_BALANCE: facts.confirmed_balance >= minimum,
        ConditionCode.BANK_ACCOUNT: facts.has_bank_account,
        ConditionCode.AUTO_MODE: facts.mode == PayoutMode.AUTO,
        ConditionCode.NAME_AND_ADDRESS: facts.has_name_and_address,
    }


def payout_for(
    facts: PayoutFacts, *, minimum: int, fees: FeeSchedule
) -> tuple[PayoutAmounts | None, bool]:
    """The payout this user gets at a close, or None; and whether it is a final payout.

    M4: all four conditions hold (the whole confirmed balance is paid, the fee deducted).
    W9: a final payout was asked for, a bank account and the name and address are there,
    and the balance is above the fee, whatever the minimum and the mode.
    Withdrawn (inactive) accounts are never paid by a batch."""
    if not facts.is_active or not facts.has_bank_account or facts.confirmed_balance <= 0:
        return None, False
    fee = fees.fee_for(facts.bank_code)
    amounts = PayoutAmounts(
        amount=facts.confirmed_balance,
        fee=fee,
        net=facts.confirmed_balance - fee,
    )
    if all(conditions_met(facts, minimum=minimum).values()) and amounts.net > 0:
        return amounts, False
    if facts.final_payout and facts.has_name_and_address and amounts.net > 0:
        return amounts, True
    return None, False
