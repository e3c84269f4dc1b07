"""The reward balance over time as a step chart, laid out for server-rendered inline SVG.

Pure geometry: dates and yen in, viewBox coordinates out; no ORM, no clock, no i18n. The
template `payouts/includes/balance_chart.html` draws the result and formats the labels, so
the page needs no JavaScript and no chart library. A balance only changes when money
moves, so the line is a staircase: flat between days, a vertical step on each day with
entries."""

import math
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BalancePoint:
    """The balance at the end of `day` (the last entry of that day)."""

    day: date
    balance: int


@dataclass(frozen=True)
class BalanceHistory:
    """The balance from `start` to `end`: `opening` before the first point, then the points,
    one per day with entries, in date order inside [start, end]."""

    start: date
    end: date
    opening: int
    points: tuple[BalancePoint, ...]

    @property
    def closing(self) -> int:
        return self.points[-1].balance if self.points else self.opening

    @property
    def highest(self) -> int:
        return max([self.opening, *(p.balance for p in self.points)])

    @property
    def lowest(self) -> int:
        return min([self.opening, *(p.balance for p in self.points)])


@dataclass(frozen=True)
class DateTick:
    x: float
    day: date


@dataclass(frozen=True)
class YenTick:
    y: float
    amount: int


@dataclass(frozen=True)
class Layout:
    """The drawing area inside the viewBox: margins leave room for the axis labels."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    # How many labels each axis may carry at most (fewer on a narrow chart).
    max_x_ticks: int
    max_y_ticks: int
    font_size: int

    @property
    def plot_left(self) -> int:
        return self.left

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_top(self) -> int:
        return self.top

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


# The page draws both and shows one by CSS width: labels stay readable on a phone.
WIDE = Layout(
    width=720,
    height=260,
    left=84,
    right=16,
    top=16,
    bottom=36,
    max_x_ticks=7,
    max_y_ticks=5,
    font_size=13,
)
NARROW = Layout(
    width=360,
    height=230,
    left=80,
    right=12,
    top=14,
    bottom=34,
    max_x_ticks=4,
    max_y_ticks=4,
    font_size=15,
)


@dataclass(frozen=True)
class BalanceChart:
    layout: Layout
    history: BalanceHistory
    # SVG path data: the balance line, and the same line closed down to zero (the fill).
    line: str
    area: str
    x_ticks: tuple[DateTick, ...]
    y_ticks: tuple[YenTick, ...]
    # The last point, marked with a dot: where the balance stands today.
    end_x: float
    end_y: float
    # Top of the scale (a round amount >= the highest balance).
    y_max: int


def nice_ceiling(amount: int, ticks: int) -> tuple[int, int]:
    """A round top of scale >= amount and its step, so that about `ticks` steps reach it.

    Steps are 1, 2, 2.5 or 5 times a power of ten, never below 1 yen, so the labels read
    as round sums (0, 5,000, 10,000, …)."""
    ticks = max(1, ticks)
    if amount <= 0:
        return ticks * 250, 250  # an empty chart still shows a scale
    raw = amount / ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        step = int(factor * power)
        if step >= 1 and step * ticks >= amount:
            return step * math.ceil(amount / step), step
    raise AssertionError("unreachable: 10 * power * ticks >= amount")  # pragma: no cover


def _month_starts(start: date, end: date) -> list[date]:
    days: list[date] = []
    year, month = start.year, start.month
    while True:
        first = date(year, month, 1)
        if first > end:
            return days
        if first >= start:
            days.append(first)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _date_ticks(start: date, end: date, max_ticks: int) -> list[date]:
    """Month starts inside the range, every n-th so at most max_ticks remain; for a range
    shorter than two months, the start, the middle and the end."""
    months = _month_starts(start, end)
    if len(months) < 2:
        middle = start + (end - start) // 2
        return sorted({start, middle, end})
    every = math.ceil(len(months) / max_ticks)
    return months[::every]


def balance_chart(history: BalanceHistory, layout: Layout = WIDE) -> BalanceChart:
    """Lay out the balance history as a step line on the given layout."""
    span_days = max(1, (history.end - history.start).days)
    plot_width = layout.plot_right - layout.plot_left
    plot_height = layout.plot_bottom - layout.plot_top
    y_max, step = nice_ceiling(max(0, history.highest), layout.max_y_ticks)

    def x(day: date) -> float:
        offset = min(max((day - history.start).days, 0), span_days)
        return round(layout.plot_left + plot_width * offset / span_days, 1)

    def y(amount: int) -> float:
        clamped = min(max(amount, 0), y_max)
        return round(layout.plot_bottom - plot_height * clamped / y_max, 1)

    segments = [f"M{x(history.start)} {y(history.opening)}"]
    for point in history.points:
        # Flat until the day the balance changed, then straight up or down to it.
        segments.append(f"H{x(point.day)}")
        segments.append(f"V{y(point.balance)}")
    segments.append(f"H{x(history.end)}")
    line = " ".join(segments)
    area = f"{line} V{layout.plot_bottom} H{x(history.start)} Z"
    return BalanceChart(
        layout=layout,
        history=history,
        line=line,
        area=area,
        x_ticks=tuple(
            DateTick(x=x(day), day=day)
            for day in _date_ticks(history.start, history.end, layout.max_x_ticks)
        ),
        y_ticks=tuple(YenTick(y=y(amount), amount=amount) for amount in range(0, y_max + 1, step)),
        end_x=x(history.end),
        end_y=y(history.closing),
        y_max=y_max,
    )
