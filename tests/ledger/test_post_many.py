"""M1, M2 for batches: `post_many` keeps every invariant of `post()` (balanced, idempotent
keys, running balances, no overdraft at any step, all or nothing) in a fixed number of
statements; `subject_accounts_get_or_create_many` creates subject accounts in bulk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.ledger.support import balance
from tests.support import snapshot
from ukeoi.ledger import services
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.ledger.services import (
    DuplicateLeg,
    EmptyPosting,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidPosting,
    NotWholeYen,
    Posting,
    UnbalancedPosting,
    ZeroLeg,
    post,
    post_many,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rewards(bank: LedgerAccount) -> list[LedgerAccount]:
    """Five lancers' reward accounts holding 1,000 · 2,000 · … · 5,000 yen."""
    accounts = []
    for i in range(1, 6):
        account = services.reward_account(lancer=UserFactory.create())
        post(key=f"fund:{i}", kind="test.fund", legs=[(bank, -1_000 * i), (account, 1_000 * i)])
        accounts.append(account)
    return accounts


@pytest.fixture
def fees(db: None) -> LedgerAccount:
    return services.platform_account(kind=AccountKind.TRANSFER_FEE_REVENUE)


def _payouts(rewards: list[LedgerAccount], fees: LedgerAccount) -> list[Posting]:
    transit = services.subject_accounts_get_or_create_many(
        kind=AccountKind.PAYOUT_IN_TRANSIT,
        subject_type="payouts.payout",
        subject_ids=range(1, len(rewards) + 1),
    )
    return [
        Posting(
            key=f"payout:{i}:request",
            legs=[(account.pk, -1_000 * i), (transit[str(i)], 1_000 * i - 100), (fees.pk, 100)],
            memo=f"payout {i}",
        )
        for i, account in enumerate(rewards, start=1)
    ]


def test_m1_post_many_moves_every_posting_and_keeps_running_balances(rewards, fees):
    postings = _payouts(rewards, fees)
    ids = post_many(kind="payout.request", postings=postings)
    # one transaction per posting, in order, with the kind and memo
    txns = LedgerTransaction.objects.in_bulk(ids)
    assert [txns[pk].key for pk in ids] == [p.key for p in postings]
    assert ids == sorted(ids)
    assert {txns[pk].kind for pk in ids} == {"payout.request"}
    assert txns[ids[2]].memo == "payout 3"
    # every reward account emptied, the fee account ran up 100 at a time
    assert [balance(a) for a in rewards] == [0] * 5
    assert balance(fees) == 500
    fee_afters = list(
        LedgerEntry.objects.filter(account=fees)
        .order_by("id")
        .values_list("balance_after", flat=True)
    )
    assert fee_afters == [100, 200, 300, 400, 500]
    assert ledger_check_get().ok


def test_m2_post_many_is_idempotent_and_the_same_as_post(rewards, fees):
    postings = _payouts(rewards, fees)
    first = post_many(kind="payout.request", postings=postings[:2])
    before = snapshot()
    # again, with more: the first two are skipped (same ids), the rest are posted
    again = post_many(kind="payout.request", postings=postings)
    assert again[:2] == first
    assert LedgerTransaction.objects.count() == len(before["ledger.LedgerTransaction"]) + 3
    # the fingerprint is post()'s: post() with the same key and legs returns the same row
    account = {a.pk: a for a in LedgerAccount.objects.all()}
    legs = [(account[pk], amount) for pk, amount in postings[0].legs]
    assert post(key=postings[0].key, kind="payout.request", legs=legs).pk == first[0]
    assert ledger_check_get().ok


def test_m2_a_reused_key_with_other_legs_refuses_the_whole_call(rewards, fees):
    postings = _payouts(rewards, fees)
    post_many(kind="payout.request", postings=postings[:1])
    before = snapshot()
    changed = Posting(key=postings[0].key, legs=[(rewards[0].pk, 0 - 1), (fees.pk, 1)])
    with pytest.raises(IdempotencyConflict):
        post_many(kind="payout.request", postings=[*postings[1:], changed])
    assert snapshot() == before


def test_m1_an_overdraft_at_any_step_refuses_the_whole_call(rewards, fees, bank):
    before = snapshot()
    # 1,000 out of the first account twice: the second step would go below zero
    postings = [
        Posting(key="a", legs=[(rewards[0].pk, -1_000), (fees.pk, 1_000)]),
        Posting(key="b", legs=[(rewards[0].pk, -1), (fees.pk, 1)]),
    ]
    with pytest.raises(InsufficientBalance):
        post_many(kind="test.move", postings=postings)
    assert snapshot() == before
    # the bank may go negative
    post_many(kind="test.move", postings=[Posting(key="c", legs=[(bank.pk, -5), (fees.pk, 5)])])


@pytest.mark.parametrize(
    ("legs", "error"),
    [
        ([], EmptyPosting),
        ([("ACCOUNT", 5)], EmptyPosting),
        ([("ACCOUNT", 5), ("FEES", -4)], UnbalancedPosting),
        ([("ACCOUNT", 0), ("FEES", 0)], ZeroLeg),
        ([("ACCOUNT", 1.5), ("FEES", -1.5)], NotWholeYen),
        ([("ACCOUNT", 5), ("ACCOUNT", -5)], DuplicateLeg),
        ([(999_999_999, 5), ("FEES", -5)], InvalidPosting),
    ],
)
def test_m1_a_bad_posting_refuses_the_whole_call(rewards, fees, legs, error):
    names = {"ACCOUNT": rewards[0].pk, "FEES": fees.pk}
    bad = Posting(key="bad", legs=[(names.get(pk, pk), amount) for pk, amount in legs])
    good = Posting(key="good", legs=[(rewards[1].pk, -1), (fees.pk, 1)])
    before = snapshot()
    with pytest.raises(error):
        post_many(kind="test.move", postings=[good, bad])
    assert snapshot() == before


def test_m1_keys_must_be_distinct_and_valid(rewards, fees):
    legs = [(rewards[0].pk, -1), (fees.pk, 1)]
    with pytest.raises(InvalidPosting):
        post_many(kind="x", postings=[Posting(key="k", legs=legs), Posting(key="k", legs=legs)])
    with pytest.raises(InvalidPosting):
        post_many(kind="x", postings=[Posting(key="", legs=legs)])
    with pytest.raises(InvalidPosting):
        post_many(kind="", postings=[Posting(key="k", legs=legs)])
    assert post_many(kind="x", postings=[]) == []


def test_m1_post_many_runs_a_fixed_number_of_statements(bank, fees):
    def statements(n: int) -> int:
        accounts = services.subject_accounts_get_or_create_many(
            kind=AccountKind.ESCROW, subject_type=f"test.n{n}", subject_ids=range(n)
        )
        postings = [
            Posting(key=f"n{n}:{i}", legs=[(bank.pk, -10), (pk, 7), (fees.pk, 3)])
            for i, pk in enumerate(accounts.values())
        ]
        with CaptureQueriesContext(connection) as queries:
            post_many(kind="test.many", postings=postings)
        return len(queries)

    if connection.vendor == "postgresql":
        assert statements(3) == statements(300)
    else:  # SQLite: statements grow with the SQLite parameter limit, not per posting
        assert statements(300) < 300
    assert ledger_check_get().ok


def test_subject_accounts_are_created_once_in_bulk(db):
    first = services.subject_accounts_get_or_create_many(
        kind=AccountKind.PAYOUT_IN_TRANSIT, subject_type="payouts.payout", subject_ids=[1, 2]
    )
    second = services.subject_accounts_get_or_create_many(
        kind=AccountKind.PAYOUT_IN_TRANSIT, subject_type="payouts.payout", subject_ids=[2, 3]
    )
    assert second["2"] == first["2"]
    assert LedgerAccount.objects.filter(kind=AccountKind.PAYOUT_IN_TRANSIT).count() == 3
    single = services.payout_in_transit_account(subject_type="payouts.payout", subject_id=3)
    assert single.pk == second["3"]
    with pytest.raises(ValueError, match="not identified by a subject"):
        services.subject_accounts_get_or_create_many(
            kind=AccountKind.REWARD, subject_type="x", subject_ids=[1]
        )
    assert (
        services.subject_accounts_get_or_create_many(
            kind=AccountKind.ESCROW, subject_type="x", subject_ids=[]
        )
        == {}
    )


def test_m1_memos_and_keys_keep_every_character(rewards, fees):
    memo = 'a "quoted", {braced} \\ back\\slash, NULL, 日本語 ,'
    key = 'key,with "odd" {chars} \\'
    [pk] = post_many(
        kind="test.move",
        postings=[Posting(key=key, legs=[(rewards[0].pk, -1), (fees.pk, 1)], memo=memo)],
    )
    txn = LedgerTransaction.objects.get(pk=pk)
    assert (txn.key, txn.memo) == (key, memo)
    assert post_many(
        kind="test.move", postings=[Posting(key=key, legs=[(rewards[0].pk, -1), (fees.pk, 1)])]
    ) == [pk]
