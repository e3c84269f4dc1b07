"""T3: the withholding rate and its rounding, and the day the withheld tax is due."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ukeoi.core.withholding import payment_due, withholding_tax


def test_ten_point_two_one_percent_rounded_down() -> None:
    assert withholding_tax(10_000) == 1_021
    assert withholding_tax(33_333) == 3_403  # 3,403.29 -> 3,403
    assert withholding_tax(1) == 0
    assert withholding_tax(0) == 0


def test_the_part_above_one_million_at_twenty_point_four_two_percent() -> None:
    """T3: the National Tax Agency's formula: (A - 1,000,000) x 20.42 % + 102,100."""
    assert withholding_tax(1_000_000) == 102_100
    assert withholding_tax(1_500_000) == 500_000 * 2042 // 10_000 + 102_100 == 204_200
    assert withholding_tax(1_000_001) == 102_100  # 102,100.2042 -> 102,100


@given(st.integers(min_value=1, max_value=10**10))
def test_never_more_than_the_amount_and_never_decreasing(amount: int) -> None:
    tax = withholding_tax(amount)
    assert 0 <= tax < amount
    assert withholding_tax(amount + 1) >= tax
    exact = min(amount, 1_000_000) * 0.1021 + max(amount - 1_000_000, 0) * 0.2042
    assert tax <= exact < tax + 1.0001


def test_due_on_the_tenth_of_the_next_month_or_the_next_business_day() -> None:
    assert payment_due(date(2026, 11, 20)) == date(2026, 12, 10)  # a Thursday
    assert payment_due(date(2026, 12, 31)) == date(2027, 1, 12)  # 10 Jan Sun, 11 Jan 成人の日
    assert payment_due(date(2027, 3, 1)) == date(2027, 4, 12)  # 10 Apr 2027 is a Saturday
