"""M3: the semi-monthly calendar, with payment days moved to the previous bank business day."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ukeoi.payouts.calendar import (
    cycle_for_close,
    cycle_for_confirmation,
    cycles_between,
    is_bank_business_day,
    is_close_date,
    next_close,
    previous_business_day,
)

days_2026_2035 = st.dates(min_value=date(2026, 1, 1), max_value=date(2035, 12, 31))


@pytest.mark.parametrize(
    ("close", "paid"),
    [
        # JAPAN.md: the December 2026 month-end payout is paid on 30 Dec (31 Dec is closed).
        (date(2026, 12, 15), date(2026, 12, 30)),
        # JAPAN.md: the 15 May 2027 payout (April's month-end close) on Friday 14 May.
        (date(2027, 4, 30), date(2027, 5, 14)),
        # 15 Jan 2027 is a Friday: paid that day.
        (date(2026, 12, 31), date(2027, 1, 15)),
        # End of Jan 2027 is a Sunday: paid Friday 29 Jan.
        (date(2027, 1, 15), date(2027, 1, 29)),
        # Golden Week: 15 May 2026 is a Friday, 30 Apr 2026 a Thursday.
        (date(2026, 4, 15), date(2026, 4, 30)),
        (date(2026, 4, 30), date(2026, 5, 15)),
        # February month end in a leap year.
        (date(2028, 2, 15), date(2028, 2, 29)),
    ],
)
def test_known_payment_days(close: date, paid: date):
    assert cycle_for_close(close).pay_date == paid


@pytest.mark.parametrize(
    "day",
    [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3), date(2027, 1, 11)],
)
def test_year_end_and_national_holidays_are_not_business_days(day: date):
    assert not is_bank_business_day(day)


def test_a_non_close_date_is_refused():
    with pytest.raises(ValueError, match="not a close date"):
        cycle_for_close(date(2026, 11, 20))


@given(days_2026_2035)
def test_previous_business_day_is_a_business_day_at_most_a_week_before(day: date):
    paid = previous_business_day(day)
    assert is_bank_business_day(paid)
    assert day - timedelta(days=7) < paid <= day
    # Nothing in between is a business day: it is the closest one.
    assert all(
        not is_bank_business_day(paid + timedelta(days=n)) for n in range(1, (day - paid).days + 1)
    )


@given(days_2026_2035)
def test_every_day_is_carried_by_the_next_close_and_paid_after_it(day: date):
    cycle = cycle_for_confirmation(day)
    assert is_close_date(cycle.close)
    assert day <= cycle.close < day + timedelta(days=16)
    assert cycle.close < cycle.pay_date <= cycle.close + timedelta(days=16)
    assert is_bank_business_day(cycle.pay_date)


@given(days_2026_2035)
def test_next_close_is_the_first_close_on_or_after(day: date):
    close = next_close(day)
    assert is_close_date(close)
    assert all(not is_close_date(day + timedelta(days=n)) for n in range((close - day).days))


def test_two_cycles_a_month_for_ten_years_in_order():
    cycles = cycles_between(date(2026, 1, 1), date(2035, 12, 31))
    assert len(cycles) == 240
    pay_dates = [c.pay_date for c in cycles]
    assert pay_dates == sorted(pay_dates)
    assert len(set(pay_dates)) == 240
