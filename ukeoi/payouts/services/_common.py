"""What every payouts service shares: the ledger subject of a payout, the progress type."""

from collections.abc import Callable

# The ledger names a payout's in-transit account by this subject (M1).
PAYOUT_SUBJECT = "payouts.payout"

# progress(done, total): users looked at so far and in all (the command draws a bar).
Progress = Callable[[int, int], None]
