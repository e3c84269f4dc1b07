"""M3: the semi-monthly payout calendar. Pure functions over dates: no ORM, no clock.

Balance confirmed by the 15th is paid at the end of that month; balance confirmed by the end
of the month is paid on the 15th of the next month. A payment day that is not a bank
business day (weekend, national holiday, 31 Dec – 3 Jan) moves to the previous business day,
as Lancers and CrowdWorks do. Bank holidays come from the `holidays` package's Japan
Exchange Group calendar (XJPX), which is exactly that rule."""

import calendar as _calendar
import functools
from dataclasses import dataclass
from datetime import date, timedelta

import holidays


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.financial_holidays("XJPX", years=year))


def is_bank_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def previous_business_day(day: date) -> date:
    """`day` itself when banks are open that day, else the closest earlier business day."""
    while not is_bank_business_day(day):
        day -= timedelta(days=1)
    return day


def _month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class PayoutCycle:
    """One payout: balance confirmed up to and including `close` is paid on `pay_date`."""

    close: date
    pay_date: date


def cycle_for_close(close: date) -> PayoutCycle:
    """The cycle that closes on `close`, which must be a 15th or a month's last day."""
    if close.day == 15:
        scheduled = _month_end(close.year, close.month)
    elif close == _month_end(close.year, close.month):
        year, month = (close.year + 1, 1) if close.month == 12 else (close.year, close.month + 1)
        scheduled = date(year, month, 15)
    else:
        raise ValueError(f"{close} is not a close date (the 15th or the last day of a month)")
    return PayoutCycle(close=close, pay_date=previous_business_day(scheduled))


def is_close_date(day: date) -> bool:
    return day.day == 15 or day == _month_end(day.year, day.month)


def next_close(on_or_after: date) -> date:
    """The first close date on or after the given day."""
    if on_or_after.day <= 15:
        return on_or_after.replace(day=15)
    return _month_end(on_or_after.year, on_or_after.month)


def cycle_for_confirmation(confirmed_on: date) -> PayoutCycle:
    """W2, M3: the payout that will carry a balance confirmed on this day."""
    return cycle_for_close(next_close(confirmed_on))


def cycles_between(start: date, end: date) -> list[PayoutCycle]:
    """Every cycle whose close falls in [start, end]."""
    cycles = []
    close = next_close(start)
    while close <= end:
        cycles.append(cycle_for_close(close))
        close = next_close(close + timedelta(days=1))
    return cycles
