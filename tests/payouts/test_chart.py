"""Issue 6 item 6: the balance chart on the statement page (報酬明細), server-rendered SVG.

The geometry is pure (ukeoi.payouts.charts); the template draws it accessibly (role=img,
title and desc) with no script and nothing loaded from elsewhere."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ukeoi.payouts.charts import (
    NARROW,
    WIDE,
    BalanceHistory,
    BalancePoint,
    balance_chart,
    nice_ceiling,
)

SVG = "{http://www.w3.org/2000/svg}"
START = date(2026, 6, 1)
END = date(2026, 11, 30)


def _history(*points: tuple[date, int], opening: int = 0) -> BalanceHistory:
    return BalanceHistory(
        start=START,
        end=END,
        opening=opening,
        points=tuple(BalancePoint(day=d, balance=b) for d, b in points),
    )


def _commands(path: str) -> list[tuple[str, float]]:
    return [(cmd, float(value)) for cmd, value in re.findall(r"([MHV])([-0-9.]+)", path)]


class TestNiceCeiling:
    @pytest.mark.parametrize(
        ("amount", "ticks", "expected"),
        [
            (0, 4, (1_000, 250)),
            (1_000, 5, (1_000, 200)),
            (1_234, 5, (1_250, 250)),
            (8_400, 4, (10_000, 2_500)),
            (123_456, 5, (125_000, 25_000)),
            (3, 5, (3, 1)),
        ],
    )
    def test_examples(self, amount: int, ticks: int, expected: tuple[int, int]) -> None:
        assert nice_ceiling(amount, ticks) == expected

    @given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=8))
    def test_top_covers_the_amount_in_at_most_twice_the_ticks(
        self, amount: int, ticks: int
    ) -> None:
        top, step = nice_ceiling(amount, ticks)
        assert top >= amount
        assert top % step == 0
        assert top // step <= 2 * ticks
        # A round step: its leading digits are 1, 2, 25 or 5.
        assert str(step).rstrip("0") in {"1", "2", "25", "5"}


class TestGeometry:
    def test_a_step_line_flat_between_days_with_a_step_on_each_day(self) -> None:
        history = _history(
            (date(2026, 7, 1), 8_000), (date(2026, 8, 1), 0), (date(2026, 9, 15), 4_000)
        )
        chart = balance_chart(history, WIDE)

        commands = _commands(chart.line)
        assert [cmd for cmd, _ in commands] == ["M", "H", "V", "H", "V", "H", "V", "H"]
        # Starts at the left edge on the opening balance (0: the bottom of the plot).
        assert chart.line.startswith(f"M{WIDE.plot_left}.0 {WIDE.plot_bottom}.0")
        # Ends at the right edge, where the dot marks today's balance.
        assert commands[-1] == ("H", WIDE.plot_right)
        assert (chart.end_x, chart.end_y) == (WIDE.plot_right, commands[-2][1])
        # x grows with the date; y is lower on screen for a bigger balance.
        xs = [value for cmd, value in commands if cmd == "H"]
        assert xs == sorted(xs)
        v_8000, v_0, v_4000 = (value for cmd, value in commands if cmd == "V")
        assert v_0 == WIDE.plot_bottom
        assert v_8000 < v_4000 < v_0
        # The fill is the same line closed down to zero.
        assert chart.area.startswith(chart.line)
        assert chart.area.endswith("Z")

    def test_scale_and_ticks_are_round_and_inside_the_plot(self) -> None:
        chart = balance_chart(_history((date(2026, 10, 15), 12_345)), WIDE)

        assert chart.y_max == 12_500
        assert [t.amount for t in chart.y_ticks] == [0, 2_500, 5_000, 7_500, 10_000, 12_500]
        assert chart.y_ticks[0].y == WIDE.plot_bottom
        assert chart.y_ticks[-1].y == WIDE.plot_top
        # Month starts, June to November: six labels on the wide chart, fewer on the narrow.
        assert [t.day for t in chart.x_ticks] == [date(2026, m, 1) for m in range(6, 12)]
        narrow = balance_chart(chart.history, NARROW)
        assert len(narrow.x_ticks) <= NARROW.max_x_ticks
        assert all(NARROW.plot_left <= t.x <= NARROW.plot_right for t in narrow.x_ticks)

    def test_an_empty_history_is_a_flat_line_on_zero_with_a_scale(self) -> None:
        chart = balance_chart(_history(), WIDE)

        assert chart.line == f"M{WIDE.plot_left}.0 {WIDE.plot_bottom}.0 H{WIDE.plot_right}.0"
        assert chart.y_max > 0
        assert chart.end_y == WIDE.plot_bottom

    def test_a_short_period_gets_start_middle_and_end_labels(self) -> None:
        history = BalanceHistory(
            start=date(2026, 11, 10), end=date(2026, 11, 20), opening=5_000, points=()
        )
        chart = balance_chart(history, NARROW)

        assert [t.day for t in chart.x_ticks] == [
            date(2026, 11, 10),
            date(2026, 11, 15),
            date(2026, 11, 20),
        ]

    @given(
        st.lists(
            st.tuples(st.integers(min_value=0, max_value=182), st.integers(0, 5_000_000)),
            max_size=60,
        ),
        st.integers(min_value=0, max_value=5_000_000),
    )
    def test_every_coordinate_stays_inside_the_plot(
        self, raw: list[tuple[int, int]], opening: int
    ) -> None:
        days = sorted(dict(raw).items())
        history = _history(
            *((START + timedelta(days=offset), amount) for offset, amount in days),
            opening=opening,
        )
        for layout in (WIDE, NARROW):
            chart = balance_chart(history, layout)
            for cmd, value in _commands(chart.line):
                if cmd == "V":
                    assert layout.plot_top <= value <= layout.plot_bottom
                else:
                    assert layout.plot_left <= value <= layout.plot_right
            assert chart.y_max >= history.highest


class TestRendering:
    def _svg(self, language: str = "ja") -> ET.Element:
        history = _history((date(2026, 7, 1), 8_000), (date(2026, 11, 15), 23_456), opening=0)
        with translation.override(language):
            html = render_to_string(
                "payouts/includes/balance_chart.html",
                {"chart": balance_chart(history, WIDE), "chart_id": "c1", "variant": "wide"},
            )
        return ET.fromstring(html.split("\n", 1)[1].strip())

    def test_the_svg_is_an_image_with_a_title_and_a_description_in_japanese(self) -> None:
        svg = self._svg("ja")

        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == "c1-title c1-desc"
        title = svg.find(f"{SVG}title")
        desc = svg.find(f"{SVG}desc")
        assert title is not None
        assert title.get("id") == "c1-title"
        assert desc is not None
        assert desc.get("id") == "c1-desc"
        with translation.override("ja"):
            assert title.text == translation.gettext("Reward balance over time")
        assert desc.text is not None
        assert "23,456円" in desc.text
        assert "2026年11月30日" in desc.text

    def test_labels_are_yen_and_dates_and_nothing_is_loaded_or_scripted(self) -> None:
        svg = self._svg("ja")
        texts = [t.text for t in svg.iter(f"{SVG}text")]

        assert "0円" in texts
        assert "25,000円" in texts
        assert "7/1" in texts
        assert "11/1" in texts
        assert not list(svg.iter(f"{SVG}script"))
        assert not [el for el in svg.iter() if el.get("href") or el.get("style")]
        # Numbers are plain (no thousands separators inside coordinates).
        path = svg.find(f"{SVG}path[@class='line']")
        assert path is not None
        assert "," not in (path.get("d") or "")
