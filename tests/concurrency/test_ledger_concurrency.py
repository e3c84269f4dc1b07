"""M1, M2 under real concurrency (PostgreSQL): no lost update, no overdraft, no double post."""

import random
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from ukeoi.ledger import services
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.ledger.services import InsufficientBalance

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
TRANSFERS_PER_THREAD = 200
OPENING_BALANCE = 1_000_000


def run_in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) in `count` threads at once; return results (or raised exceptions)."""
    results: list[Any] = [None] * count

    def target(index: int) -> None:
        try:
            results[index] = work(index)
        except Exception as error:  # reported to the test, which asserts on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    return results


def escrows(count: int, opening: int, *, name: str = "escrow") -> list[LedgerAccount]:
    """`count` fresh escrow accounts holding `opening` yen each, paid in from the bank."""
    bank = services.platform_account(kind=AccountKind.BANK)
    accounts = [
        services.escrow_account(subject_type="contracts.milestone", subject_id=f"{name}:{n}")
        for n in range(count)
    ]
    services.post(
        key=f"opening:{name}",
        kind="test.opening",
        legs=[(bank, -opening * count), *[(account, opening) for account in accounts]],
    )
    return accounts


def test_m1_eight_threads_of_transfers_lose_no_update_and_keep_the_total():
    # Given four accounts holding 1,000,000 yen each
    accounts = escrows(4, OPENING_BALANCE)
    by_pk = {account.pk: account for account in accounts}

    # When 8 threads each post 200 transfers between random pairs of them
    def transfers(worker: int) -> Counter[int]:
        rng = random.Random(worker)
        moved: Counter[int] = Counter()
        for n in range(TRANSFERS_PER_THREAD):
            source, target = rng.sample(sorted(by_pk), 2)
            amount = rng.randint(1, 100)
            services.post(
                key=f"w{worker}:{n}",
                kind="test.transfer",
                legs=[(by_pk[source], -amount), (by_pk[target], amount)],
            )
            moved[source] -= amount
            moved[target] += amount
        return moved

    results = run_in_threads(THREADS, transfers)

    # Then every posting went through, and every balance is its opening plus its moves
    errors = [result for result in results if isinstance(result, Exception)]
    assert errors == []
    expected = Counter(dict.fromkeys(by_pk, OPENING_BALANCE))
    for moved in results:
        expected.update(moved)
    stored = dict(LedgerAccount.objects.filter(pk__in=by_pk).values_list("pk", "balance"))
    assert stored == dict(expected)
    assert LedgerTransaction.objects.count() == 1 + THREADS * TRANSFERS_PER_THREAD
    assert LedgerEntry.objects.count() == 5 + 2 * THREADS * TRANSFERS_PER_THREAD  # opening: 5 legs
    check = ledger_check_get()
    assert check.ok, check
    assert check.balance_total == 0


def test_m1_racing_withdrawals_never_overdraw_an_account():
    # Given an escrow holding 1,000 yen and a reward account per thread
    (escrow,) = escrows(1, 1_000)
    targets = [
        services.payout_in_transit_account(subject_type="payouts.payout", subject_id=n)
        for n in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)

    # When 8 threads race to take 10 yen at a time, 30 times each (2,400 yen asked for)
    def drain(worker: int) -> int:
        barrier.wait()
        taken = 0
        for n in range(30):
            try:
                services.post(
                    key=f"drain:{worker}:{n}",
                    kind="test.drain",
                    legs=[(escrow, -10), (targets[worker], 10)],
                )
                taken += 10
            except InsufficientBalance:
                pass
        return taken

    results = run_in_threads(THREADS, drain)

    # Then exactly the 1,000 yen moved, the escrow is at zero and never went below
    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 1_000
    escrow.refresh_from_db()
    assert escrow.balance == 0
    assert not LedgerEntry.objects.filter(balance_after__lt=0, account=escrow).exists()
    assert ledger_check_get().ok


ROUNDS = 10  # races per test: each round is a fresh key on fresh accounts


def race_same_key_same_legs(round_: int) -> None:
    # Given two fresh accounts
    source, target = escrows(2, 10_000, name=f"same:{round_}")
    barrier = threading.Barrier(2)
    key = f"same-key:{round_}"

    # When two threads post the same key and legs at the same instant
    def same_posting(_worker: int) -> int:
        barrier.wait()
        return services.post(
            key=key, kind="test.transfer", legs=[(source, -2_500), (target, 2_500)]
        ).pk

    first, second = run_in_threads(2, same_posting)

    # Then both get the one transaction, and the money moved once
    assert isinstance(first, int), first
    assert first == second
    assert LedgerTransaction.objects.filter(key=key).count() == 1
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.balance, target.balance) == (7_500, 12_500)


def race_same_key_different_legs(round_: int) -> None:
    # Given four fresh accounts, so the two postings share no account lock
    a, b, c, d = escrows(4, 10_000, name=f"contested:{round_}")
    barrier = threading.Barrier(2)
    key = f"contested:{round_}"
    legs = [[(a, -1_000), (b, 1_000)], [(c, -2_000), (d, 2_000)]]

    # When two threads post one key with different legs at once
    def posting(worker: int) -> int:
        barrier.wait()
        return services.post(key=key, kind="test.transfer", legs=legs[worker]).pk

    results = run_in_threads(2, posting)

    # Then exactly one posted and the other was refused as a conflict
    assert sorted(type(result).__name__ for result in results) == ["IdempotencyConflict", "int"]
    assert LedgerTransaction.objects.filter(key=key).count() == 1
    moved = {
        pk: balance - 10_000
        for pk, balance in LedgerAccount.objects.filter(
            pk__in=[a.pk, b.pk, c.pk, d.pk]
        ).values_list("pk", "balance")
    }
    assert moved in (
        {a.pk: -1_000, b.pk: 1_000, c.pk: 0, d.pk: 0},
        {a.pk: 0, b.pk: 0, c.pk: -2_000, d.pk: 2_000},
    )


def test_m2_same_key_posted_from_two_threads_at_once_moves_money_once():
    for round_ in range(ROUNDS):
        race_same_key_same_legs(round_)
    assert ledger_check_get().ok


def test_m2_same_key_with_different_legs_from_two_threads_posts_one_and_refuses_the_other():
    for round_ in range(ROUNDS):
        race_same_key_different_legs(round_)
    assert ledger_check_get().ok


def test_concurrent_helpers_create_one_account():
    barrier = threading.Barrier(THREADS)

    def create(_worker: int) -> int:
        barrier.wait()
        return services.escrow_account(subject_type="contracts.milestone", subject_id=99).pk

    results = run_in_threads(THREADS, create)
    assert all(isinstance(result, int) for result in results), results
    assert len(set(results)) == 1
    assert LedgerAccount.objects.filter(subject_id="99").count() == 1
