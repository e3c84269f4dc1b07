"""T3: 源泉徴収 — the income tax a client withholds from a reward paid to an individual
for work of the kinds in 所得税法 §204 (design, writing, translation, ...).

The rate is the law's (所得税法 §205 with the 復興特別所得税): 10.21 % of one payment, and
20.42 % of the part of it above 1,000,000 yen, rounded down to the yen once. The base is
the reward as agreed (the milestone's amount, consumption tax included: the platform's
statement of terms and invoices do not state the reward's tax apart from it, and the tax
office then asks for the whole amount). Pure rules: no ORM, no clock.

In core, beside the fee rates, so that contracts (which withholds), payouts and the tax
documents ask the same function."""

from datetime import date, timedelta

import holidays

# In units of 1/10,000: 10.21 % and 20.42 %.
RATE = 1021
RATE_ABOVE = 2042
THRESHOLD = 1_000_000


def withholding_tax(amount: int) -> int:
    """T3: the tax withheld from one payment of `amount` yen (>= 0), rounded down."""
    if amount <= 0:
        return 0
    lower = min(amount, THRESHOLD)
    upper = max(amount - THRESHOLD, 0)
    return (lower * RATE + upper * RATE_ABOVE) // 10_000


def _is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays("JP", years=day.year)


def payment_due(paid_on: date) -> date:
    """T3: the day the client must pay the tax withheld on `paid_on` to the tax office: the
    10th of the next month (所得税法 §183), moved to the next business day when it is a
    weekend or a national holiday (国税通則法 §10(2))."""
    first_next = (paid_on.replace(day=1) + timedelta(days=32)).replace(day=1)
    due = first_next.replace(day=10)
    while not _is_business_day(due):
        due += timedelta(days=1)
    return due
