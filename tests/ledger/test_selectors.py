"""The ledger's read side: reward balance, statement, totals per kind (M1)."""

import pytest

from tests.factories import UserFactory
from ukeoi.ledger import services
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.selectors import (
    MAX_PER_PAGE,
    kind_totals_list,
    reward_balance_get,
    reward_statement_get,
)


@pytest.fixture
def five_rewards(escrow, reward, lancer):
    """Five releases of 100, 200, ... 500 yen into the lancer's reward balance."""
    for n in range(1, 6):
        services.post(
            key=f"r{n}",
            kind="milestone.release",
            legs=[(escrow, -100 * n), (reward, 100 * n)],
            memo=f"release {n}",
        )
    return lancer


def test_reward_balance_is_zero_before_the_first_reward_and_creates_nothing(db):
    user = UserFactory.create()
    assert reward_balance_get(user=user) == 0
    page = reward_statement_get(user=user)
    assert (page.lines, page.balance, page.has_next) == ([], 0, False)


def test_reward_balance_is_the_running_balance(five_rewards):
    assert reward_balance_get(user=five_rewards) == 1_500


def test_statement_lists_newest_first_with_running_balance_and_pages(
    five_rewards, django_assert_num_queries
):
    # When the first page of two is read
    with django_assert_num_queries(2):
        first = reward_statement_get(user=five_rewards, page=1, per_page=2)
    # Then it has the two newest entries, each with the balance right after it
    assert [(line.amount, line.balance_after) for line in first.lines] == [
        (500, 1_500),
        (400, 1_000),
    ]
    assert first.lines[0].memo == "release 5"
    assert first.lines[0].transaction_kind == "milestone.release"
    assert (first.has_previous, first.has_next, first.balance) == (False, True, 1_500)
    # And the last page has the oldest entry and no next page
    last = reward_statement_get(user=five_rewards, page=3, per_page=2)
    assert [(line.amount, line.balance_after) for line in last.lines] == [(100, 100)]
    assert (last.has_previous, last.has_next) == (True, False)


def test_statement_clamps_page_and_page_size(five_rewards):
    page = reward_statement_get(user=five_rewards, page=0, per_page=10_000)
    assert (page.page, page.per_page, len(page.lines)) == (1, MAX_PER_PAGE, 5)


def test_kind_totals_list_every_kind_and_sum_to_zero(five_rewards, django_assert_num_queries):
    with django_assert_num_queries(1):
        totals = kind_totals_list()
    assert [total.kind for total in totals] == list(AccountKind.values)
    by_kind = {total.kind: total for total in totals}
    assert by_kind[AccountKind.REWARD].balance == 1_500
    assert by_kind[AccountKind.ESCROW].balance == 8_500
    assert by_kind[AccountKind.BANK].balance == -10_000
    assert by_kind[AccountKind.REFUNDS].accounts == 0
    assert sum(total.balance for total in totals) == 0
