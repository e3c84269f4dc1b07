"""What every payouts service shares: the refusals and the ledger subject of a payout."""

from collections.abc import Callable

from ukeoi.core.errors import Conflict, NotAllowed

# The ledger names a payout's in-transit account by this subject (M1).
PAYOUT_SUBJECT = "payouts.payout"

# progress(done, total): users looked at so far and in all (the command draws a bar).
Progress = Callable[[int, int], None]


class PayoutRefused(Conflict):
    """Not possible in the current state (409)."""


class AccountWithdrawn(NotAllowed):
    code = "account_withdrawn"
