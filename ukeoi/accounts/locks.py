"""W6: the user lock, the one function every service takes it with.

Withdrawal is race-free because every service that can create a withdrawal blocker (W1: a
job, a proposal, a contract, a payment, a payout, a balance) first locks the rows of the
accounts it acts for, in pk order, and the withdrawal service locks the same row before it
re-checks the facts: an action and a withdrawal of one account never interleave, and two
services that lock several accounts never deadlock. The project's lock order is

    (payout batch ->) users (by pk) -> the app's own rows -> ledger accounts (by pk)

The lock is FOR NO KEY UPDATE (no service changes a user's key): it excludes itself and
FOR UPDATE, but not the KEY SHARE lock PostgreSQL takes on a row that a new row's foreign
key points at. Otherwise closing a job (client row, then job) and a proposal on it (lancer
row, job, then a thread pointing at the client row) would deadlock.

`tests/concurrency/test_user_lock.py` reads the SQL each blocker-creating service sends on
PostgreSQL and fails if one does not take this lock before its first write."""

from ukeoi.accounts.models import User


def lock_users(*pks: int) -> dict[int, User]:
    """Lock these accounts' rows in pk order (call inside transaction.atomic()); the ones
    that exist, keyed by pk."""
    users = User.objects.select_for_update(no_key=True).filter(pk__in=set(pks)).order_by("pk")
    return {user.pk: user for user in users}


def lock_user(pk: int) -> User | None:
    """Lock one account's row; None if there is no such account."""
    return lock_users(pk).get(pk)
