"""M1, M2: random sequences of postings keep every invariant `ledger_check` verifies.

A hypothesis state machine posts valid and malformed legs, retries keys with the same and
with different legs, overdraws accounts, and interleaves postings inside a caller's
transaction that commits or rolls back. A plain-Python model predicts each outcome; after
every step the database matches the model and `ledger_check_get()` (what the command runs)
reports no drift."""

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.factories import UserFactory
from ukeoi.ledger import services
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerTransaction
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.ledger.services import (
    DuplicateLeg,
    EmptyPosting,
    IdempotencyConflict,
    InsufficientBalance,
    NotWholeYen,
    UnbalancedPosting,
    ZeroLeg,
)

ACCOUNT_COUNT = 6  # index 0 is the bank, the only account allowed below zero
KEYS = [f"k{n}" for n in range(12)]  # few keys, so retries and conflicts are frequent
KINDS = ["transfer", "fee"]

Legs = list[tuple[int, int]]  # (account index, amount)


@st.composite
def balanced_legs(draw: st.DrawFn) -> Legs:
    size = draw(st.integers(min_value=2, max_value=4))
    indexes = draw(
        st.lists(st.integers(0, ACCOUNT_COUNT - 1), min_size=size, max_size=size, unique=True)
    )
    amounts = draw(
        st.lists(
            st.integers(1, 5_000) | st.integers(-5_000, -1), min_size=size - 1, max_size=size - 1
        )
    )
    last = -sum(amounts)
    assume(last != 0)
    return list(zip(indexes, [*amounts, last], strict=True))


class LedgerMachine(RuleBasedStateMachine):
    accounts: list[LedgerAccount] = []

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint that teardown rolls back.
        self.example = transaction.atomic()
        self.example.__enter__()
        self.balances = {account.pk: 0 for account in self.accounts}
        self.posted: dict[str, tuple[str, frozenset[tuple[int, int]]]] = {}
        self.transaction_ids: dict[str, int] = {}
        self.entries = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.example.__exit__(None, None, None)

    # --- model -------------------------------------------------------------------------

    def resolve(self, legs: Legs) -> list[tuple[LedgerAccount, int]]:
        return [(self.accounts[index], amount) for index, amount in legs]

    def expected(self, key: str, kind: str, legs: Legs) -> str:
        normalised = (kind, frozenset((self.accounts[i].pk, a) for i, a in legs))
        if key in self.posted:
            return "retry" if self.posted[key] == normalised else "conflict"
        for index, amount in legs:
            pk = self.accounts[index].pk
            if index != 0 and self.balances[pk] + amount < 0:
                return "insufficient"
        return "posted"

    def apply(self, key: str, kind: str, legs: Legs, transaction_id: int) -> None:
        self.posted[key] = (kind, frozenset((self.accounts[i].pk, a) for i, a in legs))
        self.transaction_ids[key] = transaction_id
        self.entries += len(legs)
        for index, amount in legs:
            self.balances[self.accounts[index].pk] += amount

    def post_and_check(self, key: str, kind: str, legs: Legs) -> None:
        outcome = self.expected(key, kind, legs)
        if outcome == "posted":
            txn = services.post(key=key, kind=kind, legs=self.resolve(legs))
            self.apply(key, kind, legs, txn.pk)
        elif outcome == "retry":
            txn = services.post(key=key, kind=kind, legs=self.resolve(legs))
            assert txn.pk == self.transaction_ids[key]
        else:
            error = IdempotencyConflict if outcome == "conflict" else InsufficientBalance
            with pytest.raises(error):
                services.post(key=key, kind=kind, legs=self.resolve(legs))

    # --- rules -------------------------------------------------------------------------

    @rule(key=st.sampled_from(KEYS), kind=st.sampled_from(KINDS), legs=balanced_legs())
    def post_balanced_legs(self, key: str, kind: str, legs: Legs) -> None:
        self.post_and_check(key, kind, legs)

    @precondition(lambda self: bool(self.posted))
    @rule(data=st.data(), reverse=st.booleans())
    def retry_a_posted_key(self, data: st.DataObject, reverse: bool) -> None:
        key = data.draw(st.sampled_from(sorted(self.posted)))
        kind, legs = self.posted[key]
        by_pk = {account.pk: index for index, account in enumerate(self.accounts)}
        as_indexes = sorted((by_pk[pk], amount) for pk, amount in legs)
        self.post_and_check(key, kind, as_indexes[::-1] if reverse else as_indexes)

    @rule(
        key=st.sampled_from(KEYS),
        malformed=st.sampled_from(["empty", "zero", "unbalanced", "float", "duplicate"]),
        legs=balanced_legs(),
    )
    def post_malformed_legs(self, key: str, malformed: str, legs: Legs) -> None:
        resolved = self.resolve(legs)
        (first, amount), (second, _other) = resolved[0], resolved[1]
        unused = next(a for i, a in enumerate(self.accounts) if i not in dict(legs))
        cases: dict[str, tuple[list[tuple[LedgerAccount, Any]], type[Exception]]] = {
            "empty": ([], EmptyPosting),
            "zero": ([*resolved, (unused, 0)], ZeroLeg),
            "unbalanced": (
                [(first, amount + (1 if amount > 0 else -1)), *resolved[1:]],
                UnbalancedPosting,
            ),
            "float": ([(first, float(amount)), *resolved[1:]], NotWholeYen),
            "duplicate": ([*resolved, (first, 1), (second, -1)], DuplicateLeg),
        }
        bad, error = cases[malformed]
        with pytest.raises(error):
            services.post(key=key, kind="transfer", legs=bad)

    @rule(
        first=st.tuples(st.sampled_from(KEYS), balanced_legs()),
        second=st.tuples(st.sampled_from(KEYS), balanced_legs()),
        commit=st.booleans(),
    )
    def interleave_in_a_caller_transaction(
        self, first: tuple[str, Legs], second: tuple[str, Legs], commit: bool
    ) -> None:
        """Two postings in one caller transaction, which then commits or rolls back;
        a refusal of either leaves the other standing."""
        saved = (dict(self.balances), dict(self.posted), dict(self.transaction_ids), self.entries)
        with transaction.atomic():
            for key, legs in (first, second):
                self.post_and_check(key, "transfer", legs)
            if not commit:
                transaction.set_rollback(True)
        if not commit:
            self.balances, self.posted, self.transaction_ids, self.entries = saved

    # --- invariants --------------------------------------------------------------------

    @invariant()
    def database_matches_the_model(self) -> None:
        stored = dict(
            LedgerAccount.objects.filter(pk__in=self.balances).values_list("pk", "balance")
        )
        assert stored == self.balances
        assert LedgerTransaction.objects.count() == len(self.posted)
        assert set(LedgerTransaction.objects.values_list("key", flat=True)) == set(self.posted)

    @invariant()
    def ledger_check_finds_no_drift(self) -> None:
        check = ledger_check_get()
        assert check.ok, check
        assert check.balance_total == 0
        assert check.entries == self.entries
        assert check.transactions == len(self.posted)


@pytest.mark.django_db
def test_m1_m2_invariants_hold_after_every_step_of_random_postings():
    # Given a bank, two reward balances, two escrows and a fee account
    users = [UserFactory.create(), UserFactory.create()]
    accounts = [
        services.platform_account(kind=AccountKind.BANK),
        services.reward_account(lancer=users[0]),
        services.reward_account(lancer=users[1]),
        services.escrow_account(subject_type="contracts.milestone", subject_id=1),
        services.escrow_account(subject_type="jobs.prize", subject_id=1),
        services.platform_account(kind=AccountKind.FEE_REVENUE_LANCER),
    ]
    assert len(accounts) == ACCOUNT_COUNT

    class Machine(LedgerMachine):
        pass

    Machine.accounts = accounts
    # When random postings run; then every step keeps the invariants (checked by the machine)
    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
