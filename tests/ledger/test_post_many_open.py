"""M1, M2: `post_many` opens subject accounts with their opening balance (`NewAccount`):
written once, used like any other account when they exist, idempotent, all or nothing."""

import pytest

from tests.factories import UserFactory
from tests.ledger.support import balance
from tests.support import snapshot
from ukeoi.ledger import services
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerEntry
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.ledger.services import (
    DuplicateLeg,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidPosting,
    NewAccount,
    Posting,
    post,
    post_many,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rewards(bank: LedgerAccount) -> list[LedgerAccount]:
    accounts = []
    for i in range(1, 4):
        account = services.reward_account(lancer=UserFactory.create())
        post(key=f"fund:{i}", kind="test.fund", legs=[(bank, -1_000 * i), (account, 1_000 * i)])
        accounts.append(account)
    return accounts


@pytest.fixture
def fees(db: None) -> LedgerAccount:
    return services.platform_account(kind=AccountKind.TRANSFER_FEE_REVENUE)


def _transit(i: int) -> NewAccount:
    return NewAccount(AccountKind.PAYOUT_IN_TRANSIT, "payouts.payout", str(i))


def _postings(rewards, fees):
    return [
        Posting(
            key=f"payout:{i}:request",
            legs=[(a.pk, -1_000 * i), (fees.pk, 100)],
            opens=[(_transit(i), 1_000 * i - 100)],
        )
        for i, a in enumerate(rewards, start=1)
    ]


def test_m1_a_posting_opens_its_account_with_the_opening_balance(rewards, fees):
    ids = post_many(kind="payout.request", postings=_postings(rewards, fees))
    assert len(ids) == 3
    for i in (1, 2, 3):
        account = services.payout_in_transit_account(subject_type="payouts.payout", subject_id=i)
        assert balance(account) == 1_000 * i - 100
        entry = LedgerEntry.objects.get(account=account)
        assert entry.balance_after == 1_000 * i - 100
    assert [balance(a) for a in rewards] == [0, 0, 0]
    assert balance(fees) == 300
    assert ledger_check_get().ok


def test_m2_posting_again_is_skipped_and_an_existing_account_is_used(rewards, fees):
    postings = _postings(rewards, fees)
    first = post_many(kind="payout.request", postings=postings[:1])
    # account 3 exists already (created empty): it is used, not opened again
    existing = services.payout_in_transit_account(subject_type="payouts.payout", subject_id=3)
    again = post_many(kind="payout.request", postings=postings)
    assert again[0] == first[0]
    assert balance(existing) == 2_900
    assert LedgerAccount.objects.filter(kind=AccountKind.PAYOUT_IN_TRANSIT).count() == 3
    before = snapshot()
    assert post_many(kind="payout.request", postings=postings) == again
    assert snapshot() == before
    # the same key with the account given by pk is the same posting
    pk = services.payout_in_transit_account(subject_type="payouts.payout", subject_id=1).pk
    same = Posting(key=postings[0].key, legs=[(rewards[0].pk, -1_000), (pk, 900), (fees.pk, 100)])
    assert post_many(kind="payout.request", postings=[same]) == first
    assert ledger_check_get().ok


def test_m2_a_reused_key_naming_a_missing_account_is_a_conflict(rewards, fees):
    postings = _postings(rewards, fees)
    post_many(kind="payout.request", postings=postings[:1])
    before = snapshot()
    changed = Posting(
        key=postings[0].key, legs=[(rewards[0].pk, -1_000)], opens=[(_transit(9), 1_000)]
    )
    with pytest.raises(IdempotencyConflict):
        post_many(kind="payout.request", postings=[changed])
    assert snapshot() == before


def test_m1_bad_openings_refuse_the_whole_call(rewards, fees):
    before = snapshot()
    accounts = LedgerAccount.objects.count()
    negative = Posting(key="x:1", legs=[(fees.pk, 100)], opens=[(_transit(7), -100)])
    with pytest.raises(InsufficientBalance):
        post_many(kind="payout.request", postings=[*_postings(rewards, fees), negative])
    twice = [
        Posting(key="x:2", legs=[(rewards[0].pk, -10)], opens=[(_transit(8), 10)]),
        Posting(key="x:3", legs=[(rewards[1].pk, -10)], opens=[(_transit(8), 10)]),
    ]
    with pytest.raises(InvalidPosting):
        post_many(kind="payout.request", postings=twice)
    with pytest.raises(DuplicateLeg):
        post_many(
            kind="payout.request",
            postings=[Posting(key="x:4", legs=[], opens=[(_transit(5), -10), (_transit(5), 10)])],
        )
    with pytest.raises(InvalidPosting):
        post_many(
            kind="payout.request",
            postings=[
                Posting(
                    key="x:5",
                    legs=[(rewards[0].pk, -10)],
                    opens=[(NewAccount(AccountKind.REWARD, "a", "1"), 10)],
                )
            ],
        )
    assert snapshot() == before
    assert LedgerAccount.objects.count() == accounts
