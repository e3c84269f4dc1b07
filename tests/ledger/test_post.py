"""M1, M2: the posting service, its refusals, idempotency, append-only rows and helpers."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from tests.factories import UserFactory
from tests.ledger.support import balance
from tests.support import snapshot
from ukeoi.core.errors import ApplicationError, Conflict
from ukeoi.ledger import services
from ukeoi.ledger.enums import KIND_SCOPE, AccountKind, AccountScope
from ukeoi.ledger.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    LedgerWriteRefused,
)
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.ledger.services import (
    DuplicateLeg,
    EmptyPosting,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidPosting,
    NotWholeYen,
    UnbalancedPosting,
    ZeroLeg,
    post,
)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database triggers exist on PostgreSQL only"
)


# --- posting ---------------------------------------------------------------------------


def test_m1_post_moves_money_between_accounts_and_keeps_running_balances(
    escrow, reward, fee_lancer
):
    # Given an escrow holding 10,000 yen
    # When the milestone is released: 8,000 to the lancer, 2,000 fee
    txn = post(
        key="milestone:1:release",
        kind="milestone.release",
        legs=[(escrow, -10_000), (reward, 8_000), (fee_lancer, 2_000)],
        memo="milestone 1",
    )
    # Then each account moved by its leg, the entries record the balance after, total zero
    assert (balance(escrow), balance(reward), balance(fee_lancer)) == (0, 8_000, 2_000)
    assert txn.pk is not None
    assert (txn.key, txn.kind, txn.memo) == (
        "milestone:1:release",
        "milestone.release",
        "milestone 1",
    )
    entries = {e.account_id: (e.amount, e.balance_after) for e in txn.entries.all()}
    assert entries == {
        escrow.pk: (-10_000, 0),
        reward.pk: (8_000, 8_000),
        fee_lancer.pk: (2_000, 2_000),
    }
    assert ledger_check_get().ok


def test_m1_bank_may_go_negative_as_the_asset_side(bank, client_user):
    # Given a client's pay-in clearing account
    payments = services.client_payments_account(client=client_user)
    # When the client pays 11,000 yen in
    post(key="payin:1", kind="client.payin", legs=[(bank, -11_000), (payments, 11_000)])
    # Then the bank holds minus the cash and the sum over all accounts is zero
    assert balance(bank) == -11_000
    assert balance(payments) == 11_000
    check = ledger_check_get()
    assert check.ok
    assert check.balance_total == 0


def test_m1_post_runs_a_fixed_number_of_queries_whatever_the_number_of_legs(
    bank, escrow, reward, fee_lancer, django_assert_num_queries
):
    # Given four accounts; when posting two legs, then four legs
    # Then both use the same queries: savepoint, lock, the writes (one statement on
    # PostgreSQL: transaction, entries and balances; three elsewhere), release
    expected = 4 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(expected):
        post(key="q:2", kind="t", legs=[(escrow, -100), (reward, 100)])
    with django_assert_num_queries(expected):
        post(
            key="q:4",
            kind="t",
            legs=[(escrow, -300), (reward, 100), (fee_lancer, 100), (bank, 100)],
        )
    assert ledger_check_get().ok


def test_m1_post_refused_when_an_account_would_go_below_zero_changes_nothing(
    escrow, reward, fee_lancer
):
    # Given an escrow holding 10,000 yen
    before = snapshot()
    # When a release of 10,001 yen is posted
    with pytest.raises(InsufficientBalance) as refused:
        post(
            key="over",
            kind="t",
            legs=[(escrow, -10_001), (reward, 8_001), (fee_lancer, 2_000)],
        )
    # Then it is refused with a code, status and the account named, and nothing changed
    assert refused.value.code == "ledger_insufficient_balance"
    assert refused.value.status == 409
    assert refused.value.account_id == escrow.pk
    assert snapshot() == before
    # And the key was not used up: a valid posting may take it afterwards
    post(key="over", kind="t", legs=[(escrow, -10_000), (reward, 10_000)])


@pytest.mark.parametrize(
    ("make_legs", "error", "code"),
    [
        pytest.param(lambda e, r: [], EmptyPosting, "ledger_empty_posting", id="empty"),
        pytest.param(
            lambda e, r: [(e, 0), (r, 0)], ZeroLeg, "ledger_zero_leg", id="zero-amount-leg"
        ),
        pytest.param(
            lambda e, r: [(e, -100), (r, 99)],
            UnbalancedPosting,
            "ledger_unbalanced",
            id="unbalanced",
        ),
        pytest.param(
            lambda e, r: [(e, -100)], UnbalancedPosting, "ledger_unbalanced", id="single-leg"
        ),
        pytest.param(
            lambda e, r: [(e, -100.0), (r, 100.0)], NotWholeYen, "ledger_not_whole_yen", id="float"
        ),
        pytest.param(
            lambda e, r: [(e, Decimal("-0.5")), (r, Decimal("0.5"))],
            NotWholeYen,
            "ledger_not_whole_yen",
            id="decimal-fraction",
        ),
        pytest.param(
            lambda e, r: [(e, False), (r, True), (r, -1)],
            NotWholeYen,
            "ledger_not_whole_yen",
            id="bool",
        ),
        pytest.param(
            lambda e, r: [(e, "-100"), (r, "100")], NotWholeYen, "ledger_not_whole_yen", id="str"
        ),
        pytest.param(
            lambda e, r: [(e, -100), (r, 50), (r, 50)],
            DuplicateLeg,
            "ledger_duplicate_leg",
            id="account-twice",
        ),
        pytest.param(
            lambda e, r: [(e, -(10**16)), (r, 10**16)],
            InvalidPosting,
            "ledger_invalid_posting",
            id="too-large",
        ),
        pytest.param(
            lambda e, r: [(e, -100), (LedgerAccount(kind=AccountKind.BANK), 100)],
            InvalidPosting,
            "ledger_invalid_posting",
            id="unsaved-account",
        ),
    ],
)
def test_m1_malformed_posting_is_refused_and_changes_nothing(
    escrow, reward, make_legs, error, code
):
    # Given a funded escrow and a reward account
    before = snapshot()
    # When malformed legs are posted
    with pytest.raises(error) as refused:
        post(key="bad", kind="t", legs=make_legs(escrow, reward))
    # Then the refusal carries its code and nothing changed
    assert refused.value.code == code
    assert isinstance(refused.value, ApplicationError)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("key", "kind"),
    [("", "t"), ("   ", "t"), ("k" * 201, "t"), ("k", ""), ("k", "x" * 65)],
    ids=["empty-key", "blank-key", "long-key", "empty-kind", "long-kind"],
)
def test_m2_posting_without_a_usable_key_or_kind_is_refused(escrow, reward, key, kind):
    before = snapshot()
    with pytest.raises(InvalidPosting):
        post(key=key, kind=kind, legs=[(escrow, -1), (reward, 1)])
    assert snapshot() == before


def test_m1_posting_of_a_deleted_account_is_refused(escrow, bank):
    # Given an account object whose row does not exist
    ghost = LedgerAccount(pk=987_654, kind=AccountKind.FORFEITED)
    before = snapshot()
    with pytest.raises(InvalidPosting):
        post(key="ghost", kind="t", legs=[(escrow, -1), (ghost, 1)])
    assert snapshot() == before


def test_refusal_messages_are_translatable_and_in_english_source(escrow, reward):
    with translation.override("en"):
        with pytest.raises(UnbalancedPosting) as refused:
            post(key="m", kind="t", legs=[(escrow, -2), (reward, 1)])
        assert refused.value.as_dict()["message"] == "The legs of a posting must sum to zero."
        with pytest.raises(InsufficientBalance) as short:
            post(key="m", kind="t", legs=[(reward, -1), (escrow, 1)])
        assert str(short.value.message) == (
            "There is not enough money in the reward balance for this movement."
        )


# --- idempotency (M2) ------------------------------------------------------------------


def test_m2_same_key_and_legs_returns_the_first_transaction_and_moves_nothing(escrow, reward):
    # Given a posted release
    first = post(key="release:1", kind="t", legs=[(escrow, -3_000), (reward, 3_000)])
    before = snapshot()
    # When it is retried, with its legs in another order
    again = post(key="release:1", kind="t", legs=[(reward, 3_000), (escrow, -3_000)])
    # Then the first transaction comes back and nothing moved
    assert again.pk == first.pk
    assert again.legs_fingerprint == first.legs_fingerprint
    assert snapshot() == before


def test_m2_retry_after_the_money_moved_on_still_returns_the_first_transaction(escrow, reward):
    # Given the whole escrow released (it now holds 0)
    first = post(key="release:all", kind="t", legs=[(escrow, -10_000), (reward, 10_000)])
    before = snapshot()
    # When the release is retried (its legs would now overdraw the escrow)
    again = post(key="release:all", kind="t", legs=[(escrow, -10_000), (reward, 10_000)])
    # Then it is recognised as a retry rather than refused, and nothing moved
    assert again.pk == first.pk
    assert snapshot() == before


@pytest.mark.parametrize(
    "change",
    ["amounts", "kind", "accounts"],
)
def test_m2_same_key_with_different_legs_is_a_conflict_and_changes_nothing(
    escrow, reward, fee_lancer, change
):
    # Given a posted transaction
    post(key="k", kind="t", legs=[(escrow, -1_000), (reward, 1_000)])
    before = snapshot()
    kind, legs = {
        "amounts": ("t", [(escrow, -1_001), (reward, 1_001)]),
        "kind": ("other", [(escrow, -1_000), (reward, 1_000)]),
        "accounts": ("t", [(escrow, -1_000), (fee_lancer, 1_000)]),
    }[change]
    # When the same key is posted with something different
    with pytest.raises(IdempotencyConflict) as conflict:
        post(key="k", kind=kind, legs=legs)
    # Then it is a 409 conflict and nothing changed
    assert isinstance(conflict.value, Conflict)
    assert (conflict.value.code, conflict.value.status) == ("ledger_key_conflict", 409)
    assert snapshot() == before


def test_m2_posting_rolled_back_with_its_caller_leaves_the_key_free(escrow, reward):
    # Given a service that posts and then fails in the same database transaction
    before = snapshot()

    class CallerFailed(Exception):
        pass

    def caller() -> None:
        with transaction.atomic():
            post(key="outer", kind="t", legs=[(escrow, -500), (reward, 500)])
            raise CallerFailed

    with pytest.raises(CallerFailed):
        caller()
    # Then nothing was kept, and the retried action posts once
    assert snapshot() == before
    post(key="outer", kind="t", legs=[(escrow, -500), (reward, 500)])
    assert balance(reward) == 500


def test_m2_refusal_inside_a_caller_transaction_leaves_it_usable(escrow, reward):
    # Given a caller's transaction that already posted once
    with transaction.atomic():
        post(key="a", kind="t", legs=[(escrow, -100), (reward, 100)])
        # When a conflicting retry and an overdraft are refused inside it
        with pytest.raises(IdempotencyConflict):
            post(key="a", kind="t", legs=[(escrow, -200), (reward, 200)])
        with pytest.raises(InsufficientBalance):
            post(key="b", kind="t", legs=[(reward, -101), (escrow, 101)])
        # Then the caller can go on posting
        post(key="c", kind="t", legs=[(escrow, -1), (reward, 1)])
    assert balance(reward) == 101
    assert ledger_check_get().ok


# --- append-only -----------------------------------------------------------------------


@pytest.fixture
def posted(escrow, reward) -> LedgerTransaction:
    return post(key="posted", kind="t", legs=[(escrow, -700), (reward, 700)])


def test_m1_entries_and_transactions_refuse_every_orm_update_and_delete(posted, reward):
    entry = posted.entries.get(account=reward)
    before = snapshot()
    entry.amount = 1
    attempts = [
        entry.save,
        entry.delete,
        lambda: LedgerEntry.objects.filter(pk=entry.pk).update(amount=1),
        lambda: LedgerEntry.objects.filter(pk=entry.pk).delete(),
        lambda: LedgerEntry.objects.bulk_update([entry], ["amount"]),
        lambda: LedgerEntry.objects.create(
            transaction=posted, account=reward, amount=5, balance_after=5
        ),
        posted.save,
        posted.delete,
        lambda: LedgerTransaction.objects.filter(pk=posted.pk).update(memo="x"),
        lambda: LedgerTransaction.objects.all().delete(),
        lambda: LedgerTransaction.objects.create(key="new", kind="t", legs_fingerprint="x"),
    ]
    for attempt in attempts:
        with pytest.raises(LedgerWriteRefused):
            attempt()
    assert snapshot() == before


def test_m1_account_balance_cannot_be_saved_and_accounts_cannot_be_deleted(reward, posted):
    before = snapshot()
    reward.balance = 1_000_000
    with pytest.raises(LedgerWriteRefused):
        reward.save()
    with pytest.raises(LedgerWriteRefused):
        reward.delete()
    assert snapshot() == before


def test_m1_database_refuses_a_negative_balance_written_around_the_service(reward):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LedgerAccount._meta.db_table} SET balance = -1 WHERE id = %s", [reward.pk]
        )


@postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {LedgerEntry._meta.db_table} SET amount = amount + 1",
        f"DELETE FROM {LedgerEntry._meta.db_table}",
        f"UPDATE {LedgerTransaction._meta.db_table} SET memo = 'x'",
        f"DELETE FROM {LedgerTransaction._meta.db_table}",
    ],
    ids=["update-entry", "delete-entry", "update-transaction", "delete-transaction"],
)
def test_m1_postgres_trigger_refuses_raw_update_and_delete(posted, sql):
    before = snapshot()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert snapshot() == before


@postgres_only
def test_m1_postgres_trigger_refuses_an_unbalanced_raw_insert(posted, reward):
    before = snapshot()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {LedgerEntry._meta.db_table} "
            "(transaction_id, account_id, amount, balance_after) VALUES (%s, %s, 5, 705)",
            [posted.pk, services.platform_account(kind=AccountKind.FORFEITED).pk],
        )
    assert snapshot() == before


# --- account helpers -------------------------------------------------------------------


def test_helpers_get_or_create_one_account_per_kind_owner_and_subject(db):
    # Given two users and two milestones
    alice, bob = UserFactory.create(), UserFactory.create()
    # When the helpers are called twice each
    # Then the same row comes back, and different owners or subjects get different rows
    assert services.reward_account(lancer=alice) == services.reward_account(lancer=alice)
    assert services.reward_account(lancer=alice) != services.reward_account(lancer=bob)
    assert services.client_payments_account(client=alice) != services.reward_account(lancer=alice)
    assert services.refunds_account(client=alice) == services.refunds_account(client=alice)
    one = services.escrow_account(subject_type="contracts.milestone", subject_id=1)
    assert one == services.escrow_account(subject_type="contracts.milestone", subject_id="1")
    assert one != services.escrow_account(subject_type="contracts.milestone", subject_id=2)
    assert one != services.escrow_account(subject_type="jobs.prize", subject_id=1)
    transit = services.payout_in_transit_account(subject_type="payouts.payout", subject_id=1)
    assert transit.kind == AccountKind.PAYOUT_IN_TRANSIT
    assert services.platform_account(kind=AccountKind.BANK) == services.platform_account(
        kind=AccountKind.BANK
    )
    assert LedgerAccount.objects.count() == 9
    assert all(account.balance == 0 for account in LedgerAccount.objects.all())


def test_every_kind_has_a_scope_and_only_the_bank_may_go_negative(db):
    assert set(KIND_SCOPE) == set(AccountKind)
    for kind in AccountKind:
        assert LedgerAccount(kind=kind).may_go_negative == (kind == AccountKind.BANK)
    for platform_kind in [k for k, s in KIND_SCOPE.items() if s == AccountScope.PLATFORM]:
        assert services.platform_account(kind=platform_kind).kind == platform_kind


def test_helpers_refuse_an_account_identified_the_wrong_way(db):
    user = UserFactory.create()
    with pytest.raises(ValueError, match="identified"):
        services.platform_account(kind=AccountKind.REWARD)
    with pytest.raises(ValueError, match="identified"):
        services.account_get_or_create(kind=AccountKind.ESCROW, owner=user)
    with pytest.raises(ValueError, match="identified"):
        services.account_get_or_create(kind=AccountKind.BANK, subject_type="x.y", subject_id=1)
    with pytest.raises(ValueError, match="both"):
        services.escrow_account(subject_type="", subject_id=1)
    with pytest.raises(ValueError, match="unknown"):
        services.account_get_or_create(kind="cash")
    with pytest.raises(ValueError, match="saved"):
        services.reward_account(lancer=UserFactory.build())
    assert LedgerAccount.objects.count() == 0


def test_database_refuses_an_account_whose_scope_does_not_match_its_kind(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(kind=AccountKind.REWARD)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(kind="cash")
    LedgerAccount.objects.create(kind=AccountKind.FORFEITED)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(kind=AccountKind.FORFEITED)
