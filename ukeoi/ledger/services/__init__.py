"""Moving money: the one posting service, `post()`, and the account helpers (M1, M2).

Sign convention
---------------
Every entry carries a signed amount in whole yen: positive is a credit, negative a debit.
The entries of one transaction sum to zero, so the sum of all balances is zero at every
commit, and an account's balance is the sum of its entries. Money moves *from* the accounts
with negative legs *to* the accounts with positive legs. Every account except the bank holds
what the platform owes someone or has earned, a credit balance that never goes below zero;
the bank is the asset side, the counter-side of money entering or leaving, and
``-bank.balance`` is the cash the platform holds. For example (amounts in yen):

    a client pays in           bank -11,000 · client_payments(client) +11,000
    a milestone is escrowed    client_payments(client) -11,000 · escrow(milestone) +10,000
                               · fee_revenue_client +1,000
    the milestone is accepted  escrow(milestone) -10,000 · reward(lancer) +8,000
                               · fee_revenue_lancer +2,000
    a payout is requested      reward(lancer) -8,000 · payout_in_transit(payout) +7,500
                               · transfer_fee_revenue +500
    the bank pays it           payout_in_transit(payout) -7,500 · bank +7,500

Idempotency: a transaction's key is unique. Posting a key again with the same kind and legs
(in any order; the memo is not compared) returns the first transaction and writes nothing,
even if the money has moved on since; with a different kind or legs it is refused as a
conflict. Callers derive keys from what the movement is about, e.g.
``f"milestone:{milestone.pk}:release"``, so a retried action can never move money twice.

Call `post()` inside the calling service's transaction, after locking the domain rows: the
posting commits or rolls back with it. A refused posting rolls back only its own savepoint.
"""

from ukeoi.ledger.services._common import (
    MAX_LEG_AMOUNT,
    DuplicateLeg,
    EmptyPosting,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidPosting,
    Leg,
    NotWholeYen,
    PostingRefused,
    UnbalancedPosting,
    ZeroLeg,
)
from ukeoi.ledger.services.accounts import (
    account_get_or_create,
    client_payments_account,
    escrow_account,
    payout_in_transit_account,
    platform_account,
    refunds_account,
    reward_account,
    withholding_account,
)
from ukeoi.ledger.services.batches import (
    NewAccount,
    Posting,
    post_many,
    subject_accounts_get_or_create_many,
)
from ukeoi.ledger.services.posting import post

__all__ = [
    "MAX_LEG_AMOUNT",
    "DuplicateLeg",
    "EmptyPosting",
    "IdempotencyConflict",
    "InsufficientBalance",
    "InvalidPosting",
    "Leg",
    "NewAccount",
    "NotWholeYen",
    "Posting",
    "PostingRefused",
    "UnbalancedPosting",
    "ZeroLeg",
    "account_get_or_create",
    "client_payments_account",
    "escrow_account",
    "payout_in_transit_account",
    "platform_account",
    "post",
    "post_many",
    "refunds_account",
    "reward_account",
    "subject_accounts_get_or_create_many",
    "withholding_account",
]
