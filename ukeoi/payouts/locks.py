"""Row locks of the payouts app, taken in the project's fixed order so that nothing
deadlocks:

    payout batch -> users (by pk) -> payouts (by pk) -> ledger accounts (by pk)

(nothing locks a batch row while holding a user row; a batch run takes no batch row lock
at all, its run lock keeps other runs out.)

The batch locks the user rows it pays like `ukeoi.accounts.locks` does (FOR NO KEY
UPDATE, pk order; its chunk query takes them with the balances), in each chunk
transaction; the withdrawal service locks the same row, so a withdrawal and a payout of
the same account never interleave (W6). One run per batch at a time is guaranteed by a
PostgreSQL advisory lock (session-level, so a killed run's lock goes with its connection)."""

import contextlib
from collections.abc import Iterator
from datetime import date

from django.db import connection
from django.utils.translation import gettext_lazy as _

from ukeoi.core.errors import NotFound
from ukeoi.payouts.models import Payout, PayoutBatch

# First key of the advisory lock of a batch run ("PA"); the second is the close date.
_RUN_LOCK_CLASS = 0x5041


def lock_batch(batch_id: int) -> PayoutBatch:
    batch = PayoutBatch.objects.select_for_update(no_key=True).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("That payout batch does not exist."))
    return batch


def lock_payout(payout_id: int) -> Payout:
    payout = Payout.objects.select_for_update(no_key=True).filter(pk=payout_id).first()
    if payout is None:
        raise NotFound(_("That payout does not exist."))
    return payout


@contextlib.contextmanager
def batch_run_lock(close_date: date, *, wait: bool = True) -> Iterator[bool]:
    """Hold the run lock of this close date's batch for the block; yields whether it was
    taken (always True when `wait`). Outside PostgreSQL (SQLite serialises writers) it is
    always taken."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = [_RUN_LOCK_CLASS, close_date.toordinal()]
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
            taken = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            taken = bool(cursor.fetchone()[0])
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
